import type { CommandName, CommandRequest } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import { createHardwareCommands, type HardwareCommandContext } from './hardware-commands.js';
import type { Indicator } from './indicator.js';
import { createScreenCommands, type ScreenCommandContext } from './screen-commands.js';
import { createSelfTestCommand, type SelfTestCommandContext } from './self-test-command.js';

/** One executor per command name: adding a command to the protocol without one does not compile. */
export type CommandHandlers = {
  [N in CommandName]: (request: Extract<CommandRequest, { name: N }>) => Promise<Record<string, unknown>>;
};

export interface CommandContext extends ScreenCommandContext, HardwareCommandContext, SelfTestCommandContext {
  agentVersion: string;
  clock: Clock;
  indicator: Indicator;
  appliedVersion(): number | null;
  uptimeSec(): number;
}

export function createCommandHandlers(context: CommandContext): CommandHandlers {
  return {
    async ping() {
      return {
        agentVersion: context.agentVersion,
        uptimeSec: context.uptimeSec(),
        appliedVersion: context.appliedVersion(),
      };
    },
    async identify(request) {
      const { durationSec } = request.args;
      const until = new Date(context.clock.now().getTime() + durationSec * 1000);
      await context.indicator.identify(durationSec, until);
      return { until: until.toISOString() };
    },
    ...createScreenCommands(context),
    ...createHardwareCommands(context),
    ...createSelfTestCommand(context),
  };
}
