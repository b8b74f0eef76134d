import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import type { GateView } from '../api-types.js';
import type { CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf, splitList } from './options.js';
import { registerMaintenanceWindowCommand } from './gates-maintenance-window.js';

export function registerGateCommands(program: Command, io: CliIo): void {
  const gates = program.command('gates').description('border gates and their zones');

  gates
    .command('list')
    .description('list gates with their zones')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { gates: list } = await callApi<{ gates: GateView[] }>(target, 'GET', '/api/v1/gates');
      if (options.json) return printJson(io, list);
      printTable(
        io,
        ['GATE', 'NAME', 'TIME ZONE', 'ZONES'],
        list.map((gate) => [gate.id, gate.name, gate.timeZone, gate.zones.map((zone) => zone.id).join(', ')]),
      );
    });

  gates
    .command('add <id>')
    .description('create a gate')
    .requiredOption('--name <name>', 'display name, e.g. "Cat Bi International Airport"')
    .option('--time-zone <zone>', 'IANA time zone', 'Asia/Ho_Chi_Minh')
    .option('--languages <list>', 'comma-separated language tags, first is the default')
    .option('--json', 'print JSON')
    .action(async (id: string, options: AddGateOptions, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const body = {
        id,
        name: options.name,
        timeZone: options.timeZone,
        languages: splitList(options.languages),
      };
      const { gate } = await callApi<{ gate: GateView }>(target, 'POST', '/api/v1/gates', body);
      if (options.json) return printJson(io, gate);
      io.stdout(`created gate ${gate.id} (${gate.name})\n`);
    });

  gates
    .command('add-zone <gate> <zone>')
    .description('add a zone (hall, terminal, counter area) to a gate')
    .requiredOption('--name <name>', 'display name, e.g. "Arrivals hall"')
    .option('--json', 'print JSON')
    .action(
      async (gateId: string, zoneId: string, options: { name: string; json?: boolean }, command: Command) => {
        const target = resolveTarget(globalsOf(command), io);
        const path = `/api/v1/gates/${encodeURIComponent(gateId)}/zones`;
        const { zone } = await callApi<{ zone: unknown }>(target, 'POST', path, {
          id: zoneId,
          name: options.name,
        });
        if (options.json) return printJson(io, zone);
        io.stdout(`created zone ${zoneId} in ${gateId}\n`);
      },
    );

  registerWebAllowCommand(gates, io);
  registerMaintenanceWindowCommand(gates, io);
}

interface AllowListView {
  gateId: string;
  allowList: string[];
}

/** `gates web-allow GATE [--add URL] [--remove URL]`: which web pages web items at a gate may show. */
function registerWebAllowCommand(gates: Command, io: CliIo): void {
  gates
    .command('web-allow <gate>')
    .description('list, add to or remove from the web pages a gate may show (origins or https://*.domain)')
    .option(
      '--add <url...>',
      'allow an origin, e.g. https://www.haiphong.gov.vn or https://*.haiphong.gov.vn',
    )
    .option('--remove <url...>', 'no longer allow an origin')
    .option('--json', 'print JSON')
    .action(async (gateId: string, options: WebAllowOptions, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const path = `/api/v1/gates/${encodeURIComponent(gateId)}/web-allow-list`;
      let view = await callApi<AllowListView>(target, 'GET', path);
      if (options.add || options.remove) {
        const removed = new Set((options.remove ?? []).map(canonical));
        const allowList = [...view.allowList, ...(options.add ?? [])].filter(
          (entry) => !removed.has(canonical(entry)),
        );
        view = await callApi<AllowListView>(target, 'PUT', path, { allowList });
      }
      if (options.json) return printJson(io, view);
      if (view.allowList.length === 0) return io.stdout(`${gateId}: no web pages allowed\n`);
      printTable(
        io,
        ['ALLOWED'],
        view.allowList.map((entry) => [entry]),
      );
    });
}

/** What the fleet stores an entry as: lower case, no trailing slash, no default port. */
function canonical(entry: string): string {
  return entry
    .trim()
    .toLowerCase()
    .replace(/\/$/, '')
    .replace(/^(https:\/\/[^/]+):443$/, '$1')
    .replace(/^(http:\/\/[^/]+):80$/, '$1');
}

interface WebAllowOptions {
  add?: string[];
  remove?: string[];
  json?: boolean;
}

interface AddGateOptions {
  name: string;
  timeZone: string;
  languages?: string;
  json?: boolean;
}
