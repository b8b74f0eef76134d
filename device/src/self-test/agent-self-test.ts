import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AgentConfig, SelfTestReport } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import type { SelfTestProbes } from './probes.js';
import { runSelfTest } from './self-test.js';

/** Written into the data directory at first boot (by the provisioning import); removed once the report is out. */
export const SELF_TEST_PENDING_FILE = 'self-test-pending';
/** Right after the first boot NTP may still be settling: the first-boot run waits this long for it. */
export const FIRST_BOOT_CLOCK_SETTLE_MS = 30_000;

export interface AgentSelfTestOptions {
  config: AgentConfig;
  agentVersion: string;
  clock: Clock;
  log: Logger;
  probes?: SelfTestProbes;
  /** Sends the `self-test` event. */
  emit(report: SelfTestReport): void;
}

export interface AgentSelfTest {
  /** Runs now, or joins the run in progress; every run is also sent as an event. */
  run(trigger: 'first-boot' | 'on-demand'): Promise<SelfTestReport>;
  /** The link is up: the first time, run the first-boot self-test if its marker is there. */
  linkUp(): void;
  stop(): void;
}

export function createAgentSelfTest(options: AgentSelfTestOptions): AgentSelfTest {
  const log = options.log.child({ mod: 'self-test' });
  const marker = join(options.config.dataDir, SELF_TEST_PENDING_FILE);
  let inflight: Promise<SelfTestReport> | null = null;
  let firstBootChecked = false;
  let stopped = false;

  function run(trigger: 'first-boot' | 'on-demand'): Promise<SelfTestReport> {
    inflight ??= (async () => {
      log.info({ trigger }, 'self-test starting');
      const report = await runSelfTest({
        trigger,
        config: options.config,
        dataDir: options.config.dataDir,
        agentVersion: options.agentVersion,
        clock: options.clock,
        probes: {
          ...options.probes,
          clockSettleMs: trigger === 'first-boot' ? FIRST_BOOT_CLOCK_SETTLE_MS : 0,
          ...(options.probes?.clockSettleMs === undefined
            ? {}
            : { clockSettleMs: options.probes.clockSettleMs }),
        },
      });
      const failed = report.checks.filter((check) => check.status === 'fail').map((check) => check.check);
      log.info({ trigger, passed: report.passed, failed }, 'self-test done');
      if (!stopped) options.emit(report);
      return report;
    })().finally(() => (inflight = null));
    return inflight;
  }

  async function firstBoot(): Promise<void> {
    const pending = await access(marker).then(
      () => true,
      () => false,
    );
    if (!pending || stopped) return;
    await run('first-boot');
    // The event is in the durable queue by now: a restart does not repeat the test.
    if (!stopped) await rm(marker, { force: true });
  }

  return {
    run,
    linkUp() {
      if (firstBootChecked) return;
      firstBootChecked = true;
      firstBoot().catch((error: Error) => log.error({ err: error.message }, 'first-boot self-test failed'));
    },
    stop() {
      stopped = true;
    },
  };
}
