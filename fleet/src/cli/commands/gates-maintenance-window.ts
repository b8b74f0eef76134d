import type { Command } from 'commander';
import type { DailyWindow } from '../../alerts/daily-window.js';
import { maintenanceWindowBodySchema } from '../../rollouts/rollouts-api.js';
import { callApi, resolveTarget } from '../api-client.js';
import type { GateView } from '../api-types.js';
import { CliError, type CliIo } from '../io.js';
import { printJson } from '../output.js';
import { globalsOf } from './options.js';

interface WindowOptions {
  from?: string;
  to?: string;
  clear?: boolean;
  json?: boolean;
}

type GateWithWindow = GateView & { maintenanceWindow?: DailyWindow | null };

/** `gates maintenance-window GATE --from HH:MM --to HH:MM | --clear`: when rollouts may update its screens. */
export function registerMaintenanceWindowCommand(gates: Command, io: CliIo): void {
  gates
    .command('maintenance-window <gate>')
    .description("show or set the daily window (the gate's local time) in which rollouts update its screens")
    .option('--from <HH:MM>', 'start, e.g. 01:00')
    .option('--to <HH:MM>', 'end, e.g. 05:00 (before --from: runs overnight)')
    .option('--clear', 'no window: rollouts may update the screens at any time')
    .option('--json', 'print JSON')
    .action(async (gateId: string, options: WindowOptions, command: Command) => {
      const body = windowBody(options);
      const target = resolveTarget(globalsOf(command), io);
      const gatePath = `/api/v1/gates/${encodeURIComponent(gateId)}`;
      const { gate } = await callApi<{ gate: GateWithWindow }>(target, 'GET', gatePath);
      let window = gate.maintenanceWindow ?? null;
      if (body) {
        const saved = await callApi<{ window: DailyWindow | null }>(
          target,
          'PUT',
          `${gatePath}/maintenance-window`,
          body,
        );
        window = saved.window;
      }
      if (options.json) return printJson(io, { gateId: gate.id, window, timeZone: gate.timeZone });
      io.stdout(
        window
          ? `${gate.id}: releases go out ${window.from}–${window.to} (${gate.timeZone})\n`
          : `${gate.id}: no maintenance window; releases go out at any time (${gate.timeZone})\n`,
      );
    });
}

/** undefined: only show the window. */
function windowBody(options: WindowOptions): { window: DailyWindow | null } | undefined {
  const setting = options.from !== undefined || options.to !== undefined;
  if (options.clear && setting) throw new CliError('give either --from and --to, or --clear', 2);
  if (options.clear) return { window: null };
  if (!setting) return undefined;
  if (options.from === undefined || options.to === undefined)
    throw new CliError('give both --from and --to (HH:MM, in the gate’s time zone)', 2);
  const parsed = maintenanceWindowBodySchema.safeParse({ window: { from: options.from, to: options.to } });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.at(-1);
    const flag = field === 'from' || field === 'to' ? `--${field}: ` : '';
    throw new CliError(`${flag}${issue?.message ?? 'is invalid'}`, 2);
  }
  return parsed.data;
}
