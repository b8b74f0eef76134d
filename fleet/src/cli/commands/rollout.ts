import type { Command } from 'commander';
import type { z } from 'zod';
import {
  createRolloutBodySchema,
  rollbackRolloutBodySchema,
  type RolloutSummary,
  type RolloutView,
  type WaveSpec,
} from '../../rollouts/rollouts-api.js';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf, splitList } from './options.js';
import { followRollout } from './rollout-follow.js';
import {
  createdText,
  screenRows,
  SCREEN_HEADERS,
  statusHead,
  SUMMARY_HEADERS,
  summaryRow,
} from './rollout-format.js';

interface CreateOptions {
  gates?: string;
  zones?: string;
  tags?: string;
  devices?: string;
  waves?: string;
  maxFailures?: string;
  anyTime?: boolean;
  json?: boolean;
}

const FOLLOW_HELP = `
With --follow, the exit code says how the rollout ended:
  0  completed: every screen runs the version
  3  paused (by someone, or past --max-failures); the reason is printed
  4  aborted
Not on a terminal (or with --json: NDJSON) it prints one line per change.`;

/** `gatecast rollout …`: take screens to a published release, wave by wave. */
export function registerRolloutCommands(program: Command, io: CliIo): void {
  const rollout = program
    .command('rollout')
    .description('roll a published release out to screens, wave by wave; watch, pause, abort, roll back');
  const api = <T>(command: Command, method: string, path: string, body?: unknown) =>
    callApi<T>(resolveTarget(globalsOf(command), io), method, path, body);
  const path = (id: string, action = '') => `/api/v1/rollouts/${encodeURIComponent(id)}${action}`;

  rollout
    .command('create')
    // An argument, not --version: that flag belongs to `gatecast` itself wherever it appears.
    .argument('<version>', 'the published release to roll out, e.g. 1.4.0')
    .description('start a rollout to the screens of gates, zones, tags or named screens')
    .option('--gates <list>', 'gate ids, comma-separated')
    .option('--zones <list>', 'gate/zone pairs, e.g. cat-bi-intl/arrivals,lao-cai/hall')
    .option('--tags <list>', 'screen tags')
    .option('--devices <list>', 'screen ids')
    .option('--waves <list>', 'canary and cumulative percentages', 'canary,10,50,100')
    .option('--max-failures <n>', 'pause by itself once more screens than this failed', '0')
    .option('--any-time', "hand releases out at any time, not only in each gate's maintenance window")
    .option('--json', 'print JSON')
    .action(async (version: string, options: CreateOptions, command: Command) => {
      const body = parseInput(createRolloutBodySchema, {
        version,
        target: {
          gates: splitList(options.gates) ?? [],
          zones: splitList(options.zones) ?? [],
          tags: splitList(options.tags) ?? [],
          devices: splitList(options.devices) ?? [],
        },
        waves: parseWaves(options.waves ?? ''),
        maxFailures: parseCount('--max-failures', options.maxFailures ?? '0'),
        ignoreMaintenanceWindows: options.anyTime === true,
      });
      const created = await api<RolloutView>(command, 'POST', '/api/v1/rollouts', body);
      if (options.json) return printJson(io, created);
      io.stdout(createdText(created));
    });

  rollout
    .command('list')
    .description('rollouts, newest first')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { rollouts } = await api<{ rollouts: RolloutSummary[] }>(command, 'GET', '/api/v1/rollouts');
      if (options.json) return printJson(io, rollouts);
      if (rollouts.length === 0) return io.stdout('no rollouts\n');
      printTable(io, SUMMARY_HEADERS, rollouts.map(summaryRow));
    });

  rollout
    .command('status <id>')
    .description('one rollout: its waves and screens; --follow watches it until it ends')
    .option('--follow', 'stay and show progress until the rollout completes, pauses or is aborted')
    .option('--json', 'print JSON (with --follow: one JSON document per line per change)')
    .addHelpText('after', FOLLOW_HELP)
    .action(async (id: string, options: { follow?: boolean; json?: boolean }, command: Command) => {
      const read = () => api<RolloutView>(command, 'GET', path(id));
      if (options.follow) return followRollout({ read, io, json: options.json === true });
      const view = await read();
      if (options.json) return printJson(io, view);
      io.stdout(statusHead(view));
      if (view.screens.length === 0) return;
      io.stdout('\n');
      printTable(io, SCREEN_HEADERS, screenRows(view));
    });

  const changes = [
    ['pause', 'stop handing the release to more screens (those updating finish)'],
    ['resume', 'carry on with a paused rollout'],
    ['abort', 'end the rollout for good; screens not yet updated keep their version'],
  ] as const;
  for (const [action, description] of changes) {
    rollout
      .command(`${action} <id>`)
      .description(description)
      .option('--json', 'print JSON')
      .action(async (id: string, options: { json?: boolean }, command: Command) => {
        const view = await api<RolloutView>(command, 'POST', path(id, `/${action}`));
        if (options.json) return printJson(io, view);
        io.stdout(`rollout ${view.id} ${view.state}\n`);
      });
  }

  rollout
    .command('rollback <id>')
    .description("take the rollout's screens to another release (newer, or a signed rollback release)")
    .requiredOption('--to <version>', 'the release to take them to')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { to: string; json?: boolean }, command: Command) => {
      const body = parseInput(rollbackRolloutBodySchema, { to: options.to });
      const created = await api<RolloutView>(command, 'POST', path(id, '/rollback'), body);
      if (options.json) return printJson(io, created);
      io.stdout(createdText(created));
    });
}

/** `canary,10,50,100` → ['canary', 10, 50, 100]; the API checks the order. */
export function parseWaves(text: string): WaveSpec[] {
  const items = splitList(text) ?? [];
  if (items.length === 0) throw new CliError('--waves: name at least one wave, e.g. canary,10,50,100', 2);
  return items.map((item) => {
    if (item === 'canary') return 'canary';
    const percent = item.replace(/%$/, '');
    if (!/^\d{1,3}$/.test(percent))
      throw new CliError(`--waves: ${item} is neither canary nor a percentage from 1 to 100`, 2);
    return Number(percent);
  });
}

function parseCount(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new CliError(`${flag}: ${text} is not a whole number`, 2);
  return Number(text);
}

const FLAG_OF: Record<string, string> = {
  version: 'version',
  to: '--to',
  target: 'targets (--gates, --zones, --tags or --devices)',
  gates: '--gates',
  zones: '--zones',
  tags: '--tags',
  devices: '--devices',
  waves: '--waves',
  maxFailures: '--max-failures',
};

/** Checks input with the API's own schema, so a mistake is named by its flag before any request. */
function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const named = [...(issue?.path ?? [])].reverse().find((key) => typeof key === 'string' && key in FLAG_OF);
  const flag = typeof named === 'string' ? FLAG_OF[named] : 'input';
  const item = issue?.path.find((key) => typeof key === 'number');
  const value = typeof item === 'number' ? ` (item ${item + 1})` : '';
  throw new CliError(`${flag}${value}: ${issue?.message ?? 'is invalid'}`, 2);
}
