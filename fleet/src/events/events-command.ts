import type { Command } from 'commander';
import { callApi, resolveTarget } from '../cli/api-client.js';
import { globalsOf } from '../cli/commands/options.js';
import { CliError, type CliIo } from '../cli/io.js';
import { printJson, printTable } from '../cli/output.js';
import type { StoredEvent } from './device-events-repo.js';
import { describeEvent } from './describe-event.js';

interface EventsOptions {
  kind?: string;
  since?: string;
  until?: string;
  before?: string;
  limit?: string;
  json?: boolean;
}

/** `gatecast devices events ID`: a screen's events, newest first, a page at a time. */
export function registerDeviceEventsCommand(devices: Command, io: CliIo): void {
  devices
    .command('events <id>')
    .description("a screen's events, newest first: proof of play, applied versions, errors")
    .option('--kind <kind>', 'only proof-of-play, desired-applied, desired-rejected, error or agent-started')
    .option('--since <time>', 'from this ISO time, inclusive (the time on the screen)')
    .option('--until <time>', 'up to this ISO time, exclusive')
    .option('--limit <n>', 'at most this many (1-1000, default 100)')
    .option('--before <cursor>', 'the next page: the cursor the previous page printed')
    .option('--json', 'print JSON: { events, nextBefore }')
    .action(async (id: string, options: EventsOptions, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const page = await callApi<{ events: StoredEvent[]; nextBefore: string | null }>(
        target,
        'GET',
        `/api/v1/devices/${encodeURIComponent(id)}/events${eventsQuery(options)}`,
      );
      if (options.json) return printJson(io, page);
      printTable(
        io,
        ['AT', 'KIND', 'WHAT', 'ID'],
        page.events.map((stored) => [stored.at, stored.kind, describeEvent(stored.event), stored.id]),
      );
      if (page.nextBefore) io.stderr(`more: gatecast devices events ${id} --before ${page.nextBefore}\n`);
    });
}

function eventsQuery(options: EventsOptions): string {
  const query = new URLSearchParams();
  for (const name of ['kind', 'since', 'until', 'before'] as const) {
    const value = options[name];
    if (value !== undefined) query.set(name, value);
  }
  if (options.limit !== undefined) {
    if (!/^\d+$/.test(options.limit))
      throw new CliError(`--limit must be a whole number, not ${options.limit}`, 2);
    query.set('limit', options.limit);
  }
  return query.size > 0 ? `?${query}` : '';
}
