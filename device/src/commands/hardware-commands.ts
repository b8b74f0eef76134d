import type { CommandRequest } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import type { DisplayPower } from '../hardware/display-power.js';
import type { Rebooter } from '../hardware/rebooter.js';
import type { DeferredTasks } from './deferred-tasks.js';

export interface HardwareCommandContext {
  clock: Clock;
  rebooter: Rebooter;
  display: DisplayPower;
  deferred: DeferredTasks;
}

/** The answer is handed to the link before the delay starts; this floor lets it leave the socket. */
const MIN_REBOOT_DELAY_MS = 1_000;

type Handler<N extends CommandRequest['name']> = (
  request: Extract<CommandRequest, { name: N }>,
) => Promise<Record<string, unknown>>;

export function createHardwareCommands(context: HardwareCommandContext): {
  reboot: Handler<'reboot'>;
  display: Handler<'display'>;
} {
  return {
    async reboot(request) {
      const delayMs = Math.max(request.args.delaySec * 1000, MIN_REBOOT_DELAY_MS);
      const at = new Date(context.clock.now().getTime() + delayMs);
      context.deferred.defer(request.id, delayMs, () => context.rebooter.reboot());
      return { rebootAt: at.toISOString() };
    },
    async display(request) {
      const { action } = request.args;
      if (action === 'status') return { action, power: await context.display.status() };
      await (action === 'on' ? context.display.on() : context.display.standby());
      // Read back, since TVs ignore CEC requests now and then; the switch itself already succeeded.
      const power = await context.display.status().catch(() => 'unknown' as const);
      return { action, power };
    },
  };
}
