import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';

interface PairingView {
  id: string;
  deviceId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

interface CounterView {
  deviceId: string;
  name: string;
  gateId: string;
  code?: { code: string; expiresAt: string } | null;
  page: { nodeId: string; language: string; until: string | null } | null;
  pairings: PairingView[];
}

const shownText = (page: CounterView['page']) =>
  page ? `${page.nodeId} (${page.language}) ${page.until ? `until ${page.until}` : 'until cleared'}` : '-';

/** `gatecast counters …`: information counter screens, their pairing codes and paired tablets. */
export function registerCounterCommands(program: Command, io: CliIo): void {
  const counters = program
    .command('counters')
    .description('information counters: pairing codes, paired tablets, pushed pages');
  const api = <T>(command: Command, method: string, path: string, body?: unknown) =>
    callApi<T>(resolveTarget(globalsOf(command), io), method, path, body);
  const list = async (command: Command, gate?: string) =>
    (
      await api<{ counters: CounterView[] }>(
        command,
        'GET',
        `/api/v1/counters${gate ? `?gate=${encodeURIComponent(gate)}` : ''}`,
      )
    ).counters;

  counters
    .command('list')
    .description('counter screens with their code, what they show and their tablets')
    .option('--gate <gate>', 'only this gate')
    .option('--json', 'print JSON')
    .action(async (options: { gate?: string; json?: boolean }, command: Command) => {
      const views = await list(command, options.gate);
      if (options.json) return printJson(io, views);
      printTable(
        io,
        ['SCREEN', 'GATE', 'CODE', 'SHOWING', 'TABLETS'],
        views.map((view) => [
          view.deviceId,
          view.gateId,
          view.code?.code ?? '-',
          shownText(view.page),
          String(view.pairings.filter((pairing) => pairing.revokedAt === null).length),
        ]),
      );
    });

  counters
    .command('pairings <screen>')
    .description("a counter screen's paired tablets, revoked ones too")
    .option('--json', 'print JSON')
    .action(async (screen: string, options: { json?: boolean }, command: Command) => {
      const view = (await list(command)).find((candidate) => candidate.deviceId === screen);
      if (!view) throw new CliError(`${screen} is not a counter screen you can see`);
      if (options.json) return printJson(io, view.pairings);
      printTable(
        io,
        ['PAIRING', 'PAIRED', 'LAST USED', 'REVOKED'],
        view.pairings.map((pairing) => [
          pairing.id,
          pairing.createdAt,
          pairing.lastUsedAt ?? '-',
          pairing.revokedAt ? `${pairing.revokedAt} by ${pairing.revokedBy ?? '?'}` : '-',
        ]),
      );
    });

  counters
    .command('new-code <screen>')
    .description("replace a counter screen's pairing code (the old one stops working at once)")
    .option('--json', 'print JSON')
    .action(async (screen: string, options: { json?: boolean }, command: Command) => {
      const answer = await api<{ deviceId: string; code: string; expiresAt: string }>(
        command,
        'POST',
        `/api/v1/counters/${encodeURIComponent(screen)}/new-code`,
      );
      if (options.json) return printJson(io, answer);
      io.stdout(`${screen}: new pairing code ${answer.code}, good until ${answer.expiresAt}\n`);
    });

  counters
    .command('unpair [pairing]')
    .description('revoke a tablet pairing, or with --screen every pairing of a counter screen')
    .option('--screen <screen>', 'revoke every active pairing of this screen')
    .option('--json', 'print JSON')
    .action(
      async (pairing: string | undefined, options: { screen?: string; json?: boolean }, command: Command) => {
        if ((pairing === undefined) === (options.screen === undefined))
          throw new CliError('name one pairing id, or --screen SCREEN for all of its pairings', 2);
        let ids = pairing === undefined ? [] : [pairing];
        if (options.screen !== undefined) {
          const view = (await list(command)).find((candidate) => candidate.deviceId === options.screen);
          if (!view) throw new CliError(`${options.screen} is not a counter screen you can see`);
          ids = view.pairings.filter((entry) => entry.revokedAt === null).map((entry) => entry.id);
        }
        const revoked: PairingView[] = [];
        for (const id of ids) {
          const answer = await api<{ pairing: PairingView; revoked: boolean }>(
            command,
            'DELETE',
            `/api/v1/counters/pairings/${encodeURIComponent(id)}`,
          );
          if (answer.revoked) revoked.push(answer.pairing);
        }
        if (options.json) return printJson(io, revoked);
        if (revoked.length === 0) return io.stdout('no active pairing to revoke\n');
        for (const entry of revoked) io.stdout(`revoked pairing ${entry.id} of ${entry.deviceId}\n`);
      },
    );
}
