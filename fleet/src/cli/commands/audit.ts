import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import type { CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';

interface AuditEntry {
  id: number;
  at: string;
  actor: { id: string; name: string } | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  gateId: string | null;
  outcome: string;
}

interface AuditOptions {
  user?: string;
  gate?: string;
  object?: string;
  action?: string;
  outcome?: string;
  since?: string;
  until?: string;
  limit: string;
  json?: boolean;
}

export function registerAuditCommand(program: Command, io: CliIo): void {
  program
    .command('audit')
    .description('who changed what, newest first')
    .option('--user <username>', 'only this user')
    .option('--gate <gate>', 'only this gate')
    .option('--object <type[:id]>', 'only this kind of object, e.g. device or device:cat-bi-belt-01')
    .option('--action <action>', 'only this action, e.g. device.remove')
    .option('--outcome <outcome>', 'ok, denied or failed')
    .option('--since <time>', 'from this ISO time, e.g. 2026-11-01')
    .option('--until <time>', 'up to this ISO time')
    .option('--limit <n>', 'at most this many entries', '100')
    .option('--json', 'print JSON')
    .action(async (options: AuditOptions, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { entries } = await callApi<{ entries: AuditEntry[] }>(
        target,
        'GET',
        `/api/v1/audit?${toQuery(options)}`,
      );
      if (options.json) return printJson(io, entries);
      printTable(
        io,
        ['TIME', 'USER', 'ACTION', 'OBJECT', 'GATE', 'OUTCOME'],
        entries.map((entry) => [
          entry.at,
          entry.actor?.name ?? '-',
          entry.action,
          [entry.objectType, entry.objectId].filter(Boolean).join(':') || '-',
          entry.gateId ?? '-',
          entry.outcome,
        ]),
      );
    });
}

function toQuery(options: AuditOptions): URLSearchParams {
  const query = new URLSearchParams({ limit: options.limit });
  const [objectType, objectId] = (options.object ?? '').split(':', 2);
  const pairs: Array<[string, string | undefined]> = [
    ['user', options.user],
    ['gate', options.gate],
    ['objectType', objectType || undefined],
    ['objectId', objectId],
    ['action', options.action],
    ['outcome', options.outcome],
    ['since', options.since],
    ['until', options.until],
  ];
  for (const [key, value] of pairs) if (value) query.set(key, value);
  return query;
}
