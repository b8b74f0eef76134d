import { GatecastError, type CommandRequest, type SelfTestReport } from '@gatecast/protocol';

/** The agent's self-test, as the `self-test` command needs it. */
export interface SelfTestRunner {
  run(trigger: 'on-demand'): Promise<SelfTestReport>;
}

export interface SelfTestCommandContext {
  /** Absent in an agent built without it (tests of other commands). */
  selfTest?: SelfTestRunner | null;
}

/** Runs the commissioning self-test; the answer carries the report (the event goes out too). */
export function createSelfTestCommand(context: SelfTestCommandContext): {
  'self-test': (request: Extract<CommandRequest, { name: 'self-test' }>) => Promise<Record<string, unknown>>;
} {
  return {
    async 'self-test'() {
      if (!context.selfTest) throw new GatecastError('COMMAND_FAILED', 'this agent cannot run the self-test');
      return { report: await context.selfTest.run('on-demand') };
    },
  };
}
