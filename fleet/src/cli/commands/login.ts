import type { Command } from 'commander';
import { hostname } from 'node:os';
import { callApi, resolveTarget } from '../api-client.js';
import { saveCredentials } from '../credentials-file.js';
import { CliError, type CliIo } from '../io.js';
import { printJson } from '../output.js';
import { promptHidden, readFirstLine } from '../prompt.js';
import { SessionClient } from '../session-client.js';
import { globalsOf } from './options.js';

interface LoginOptions {
  user: string;
  passwordStdin?: boolean;
  json?: boolean;
}

interface Me {
  username: string;
  displayName: string;
  grants: Array<{ role: string; gateId: string | null }>;
  mustChangePassword: boolean;
}

export function registerLoginCommands(program: Command, io: CliIo): void {
  program
    .command('login')
    .description('sign in and save an API token for later commands (~/.config/gatecast/credentials.json)')
    .requiredOption('--user <name>', 'your user name')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--json', 'print JSON')
    .action(async (options: LoginOptions, command: Command) => {
      const url = (globalsOf(command).url ?? io.env.GATECAST_URL ?? 'http://127.0.0.1:8080').replace(
        /\/+$/,
        '',
      );
      const password = options.passwordStdin ? await readFirstLine() : await promptHidden('Password: ');
      const session = new SessionClient(url);
      const user = await session.login(options.user, password);
      if (user.mustChangePassword) {
        throw new CliError(
          'this password is a one-time password: sign in on the dashboard to choose your own, then log in again',
        );
      }
      const name = `cli@${hostname()}`;
      const created = await session.call<{ secret: string }>('POST', '/api/v1/tokens', { name });
      await session.call<void>('POST', '/api/v1/auth/logout');
      const file = saveCredentials(io, { url, token: created.secret, username: user.username });
      if (options.json)
        return printJson(io, { url, username: user.username, tokenName: name, credentialsFile: file });
      io.stdout(`signed in to ${url} as ${user.username}; token "${name}" saved in ${file}\n`);
    });

  program
    .command('whoami')
    .description('who the current token belongs to, and what it may do')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { user } = await callApi<{ user: Me }>(target, 'GET', '/api/v1/me');
      if (options.json) return printJson(io, user);
      io.stdout(`${user.username} (${user.displayName}) at ${target.url}\n`);
      for (const grant of user.grants) io.stdout(`  ${grant.role} on ${grant.gateId ?? 'all gates'}\n`);
    });
}
