import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import type { CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';

interface TokenView {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export function registerTokenCommands(program: Command, io: CliIo): void {
  const tokens = program.command('tokens').description('your API tokens, for scripts and other machines');
  const api = <T>(command: Command, method: string, path: string, body?: unknown) =>
    callApi<T>(resolveTarget(globalsOf(command), io), method, path, body);

  tokens
    .command('list')
    .description('list your tokens')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { tokens: list } = await api<{ tokens: TokenView[] }>(command, 'GET', '/api/v1/tokens');
      if (options.json) return printJson(io, list);
      printTable(
        io,
        ['ID', 'NAME', 'CREATED', 'STATE'],
        list.map((token) => [token.id, token.name, token.createdAt, token.revokedAt ? 'revoked' : 'active']),
      );
    });

  tokens
    .command('create <name>')
    .description('create a token; it is printed once')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const created = await api<{ token: TokenView; secret: string }>(command, 'POST', '/api/v1/tokens', {
        name,
      });
      if (options.json) return printJson(io, created);
      io.stderr(`created token ${created.token.id} "${name}"; it is not shown again:\n`);
      io.stdout(`${created.secret}\n`);
    });

  tokens
    .command('revoke <id>')
    .description('revoke a token; requests with it fail at once')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await api<void>(command, 'DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
      if (options.json) return printJson(io, { revoked: id });
      io.stdout(`revoked ${id}\n`);
    });
}
