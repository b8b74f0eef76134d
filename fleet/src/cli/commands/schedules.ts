import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf, splitList } from './options.js';
import {
  collect,
  create,
  edit,
  listWork,
  registerWorkflow,
  withOwner,
  workPath,
  type ListOptions,
  type OwnerOptions,
  type WorkView,
} from './content.js';

interface ScheduleOptions {
  playlist?: string;
  zone?: string;
  layer?: string;
  from?: string;
  to?: string;
  weekdays?: string;
  window: string[];
  targetGate: string[];
  targetZone: string[];
  targetTag: string[];
  targetDevice: string[];
}

/** `gatecast schedules …` (a playlist in a zone, on a layer, at times, for targets) and `gatecast layouts …`. */
export function registerScheduleCommands(program: Command, io: CliIo): void {
  const schedules = program
    .command('schedules')
    .description(
      'schedules: a playlist in a zone on a layer, with dates, weekdays, time windows and targets',
    );

  withScheduleOptions(withOwner(schedules.command('add')))
    .description('write a schedule as a draft (local times of the gate; 22:00-06:00 runs overnight)')
    .action(async (options: OwnerOptions & ScheduleOptions, command: Command) => {
      if (!options.playlist) throw new CliError('--playlist is required', 2);
      await create(io, command, 'schedules', options, scheduleSpec(options));
    });

  schedules
    .command('list')
    .description('list schedules')
    .option('--state <state>', 'draft, submitted, approved, rejected or published')
    .option('--gate <gate>', 'owner gate; "fleet" for fleet-wide work')
    .option('--json', 'print JSON')
    .action(async (options: ListOptions, command: Command) => listWork(io, command, 'schedule', options));

  withScheduleOptions(schedules.command('edit <id>'))
    .description(
      'change a schedule (options given replace those parts): a new draft revision, needs approval again',
    )
    .option('--name <name>', 'new name')
    .option('--json', 'print JSON')
    .action(
      async (id: string, options: ScheduleOptions & { name?: string; json?: boolean }, command: Command) => {
        const target = resolveTarget(globalsOf(command), io);
        const { work } = await callApi<{ work: WorkView }>(target, 'GET', workPath(id));
        const spec = { ...work.spec, ...scheduleSpec(options, true) };
        await edit(io, target, id, { ...(options.name ? { name: options.name } : {}), spec }, options.json);
      },
    );

  registerWorkflow(schedules, io);
  registerLayoutCommands(program, io);
}

function withScheduleOptions(command: Command): Command {
  return command
    .option('--playlist <id>', 'the playlist to play')
    .option('--zone <zone>', 'main, side or ticker')
    .option('--layer <layer>', 'official, operational or filler (higher layers cover lower ones)')
    .option('--from <date>', 'first day, YYYY-MM-DD')
    .option('--to <date>', 'last day, YYYY-MM-DD')
    .option('--weekdays <list>', 'ISO weekdays, 1 = Monday … 7 = Sunday, e.g. 1,2,3,4,5')
    .option('--window <HH:MM-HH:MM>', 'a time window; repeat for dayparting', collect, [])
    .option('--target-gate <gate>', 'every screen of a gate; repeat', collect, [])
    .option('--target-zone <gate/zone>', 'every screen of a zone; repeat', collect, [])
    .option('--target-tag <tag>', 'screens with a tag; repeat', collect, [])
    .option('--target-device <id>', 'one screen; repeat', collect, []);
}

/** The spec from options; `partial` leaves out what was not given (an edit keeps it). */
function scheduleSpec(options: ScheduleOptions, partial = false): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  if (options.playlist) spec.playlistId = options.playlist;
  if (options.zone) spec.zone = options.zone;
  if (options.layer) spec.layer = options.layer;
  if (options.from) spec.dateFrom = options.from;
  if (options.to) spec.dateTo = options.to;
  if (options.weekdays) spec.weekdays = (splitList(options.weekdays) ?? []).map(Number);
  if (options.window.length > 0 || !partial) spec.windows = options.window.map(parseWindow);
  const targeted =
    options.targetGate.length +
    options.targetZone.length +
    options.targetTag.length +
    options.targetDevice.length;
  if (targeted > 0 || !partial) {
    spec.targets = {
      gates: options.targetGate,
      zones: options.targetZone.map(parseZone),
      tags: options.targetTag,
      devices: options.targetDevice,
    };
  }
  return spec;
}

function parseWindow(value: string): { from: string; to: string } {
  const match = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(value);
  if (!match) throw new CliError(`--window takes HH:MM-HH:MM, e.g. 22:00-06:00; got ${value}`, 2);
  return { from: match[1] as string, to: match[2] as string };
}

function parseZone(value: string): { gateId: string; zoneId: string } {
  const [gateId, zoneId, extra] = value.split('/');
  if (!gateId || !zoneId || extra !== undefined) {
    throw new CliError(`--target-zone takes GATE/ZONE, e.g. cat-bi-airport/arrivals-hall; got ${value}`, 2);
  }
  return { gateId, zoneId };
}

interface LayoutView {
  gateId: string;
  zoneId: string | null;
  deviceId: string | null;
  layout: { kind: string; orientation: string; transition: string };
  updatedAt: string;
}

interface LayoutScopeOptions {
  gate: string;
  zone?: string;
  device?: string;
  json?: boolean;
}

/** `gatecast layouts …`: which zones a screen shows, per gate, zone or device (device wins). */
function registerLayoutCommands(program: Command, io: CliIo): void {
  const layouts = program.command('layouts').description('screen layouts per gate, zone or device');

  layouts
    .command('list')
    .description('layouts set (a screen without one shows main full-screen)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { layouts: list } = await callApi<{ layouts: LayoutView[] }>(target, 'GET', '/api/v1/layouts');
      if (options.json) return printJson(io, list);
      printTable(
        io,
        ['GATE', 'ZONE', 'DEVICE', 'KIND', 'ORIENTATION', 'TRANSITION'],
        list.map((setting) => [
          setting.gateId,
          setting.zoneId ?? '*',
          setting.deviceId ?? '*',
          setting.layout.kind,
          setting.layout.orientation,
          setting.layout.transition,
        ]),
      );
    });

  layouts
    .command('set')
    .description('set the layout of a gate, a zone (--zone) or one screen (--device); on screens at once')
    .requiredOption('--gate <gate>', 'the gate')
    .option('--zone <zone>', 'a zone of the gate')
    .option('--device <id>', 'one screen of the gate')
    .requiredOption('--kind <kind>', 'full, main-ticker or main-side-ticker')
    .option('--orientation <orientation>', 'landscape or portrait', 'landscape')
    .option('--transition <transition>', 'cut, fade or slide', 'fade')
    .option('--json', 'print JSON')
    .action(
      async (
        options: LayoutScopeOptions & { kind: string; orientation: string; transition: string },
        command: Command,
      ) => {
        const target = resolveTarget(globalsOf(command), io);
        const body = {
          gateId: options.gate,
          zoneId: options.zone ?? null,
          deviceId: options.device ?? null,
          layout: { kind: options.kind, orientation: options.orientation, transition: options.transition },
        };
        const { layout } = await callApi<{ layout: LayoutView }>(target, 'PUT', '/api/v1/layouts', body);
        if (options.json) return printJson(io, layout);
        io.stdout(`layout ${layout.layout.kind} set for ${describeScope(options)}\n`);
      },
    );

  layouts
    .command('rm')
    .description('remove a layout setting: the zone or gate one (or full screen) applies again')
    .requiredOption('--gate <gate>', 'the gate')
    .option('--zone <zone>', 'a zone of the gate')
    .option('--device <id>', 'one screen of the gate')
    .option('--json', 'print JSON')
    .action(async (options: LayoutScopeOptions, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const query = new URLSearchParams({ gate: options.gate });
      if (options.zone) query.set('zone', options.zone);
      if (options.device) query.set('device', options.device);
      await callApi(target, 'DELETE', `/api/v1/layouts?${query}`);
      if (options.json) return printJson(io, { removed: describeScope(options) });
      io.stdout(`layout removed for ${describeScope(options)}\n`);
    });
}

function describeScope(options: LayoutScopeOptions): string {
  if (options.device) return `screen ${options.device}`;
  if (options.zone) return `zone ${options.gate}/${options.zone}`;
  return `gate ${options.gate}`;
}
