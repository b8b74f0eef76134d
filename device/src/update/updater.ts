import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DesiredDocument, Problem } from '@gatecast/protocol';
import { effectiveHealthSince, HealthGate, type HealthVerdict } from './health-gate.js';
import { INSTALL_ROOT_DOC } from './install-root.js';
import { UpdateJournal } from './update-journal.js';
import { DEFAULT_UPDATE_TIMING, type UpdateTiming, type UpdaterOptions } from './updater-options.js';
import {
  decideOffer,
  decideStartup,
  PRE_SWITCH_STATES,
  retryDelayMs,
  sameBuild,
  type ReleaseBuild,
} from './update-machine.js';
import { attemptUpdate, type AttemptOutcome, type PipelineContext } from './update-pipeline.js';
import { commitRelease, finishRollback, type VerdictContext } from './update-verdict.js';
import type { UpdateStatus } from './update-state.js';

export interface Updater {
  /** Reads the record a previous run (or the launcher) left and acts on it: health gate, rollback, event. */
  start(): Promise<void>;
  /** Every desired document the reconciler accepts. */
  offer(desired: DesiredDocument): void;
  stop(): Promise<void>;
  /** The reported `update` block; undefined before any update. */
  readonly status: UpdateStatus | undefined;
}

export type { UpdateTiming, UpdaterOptions } from './updater-options.js';

export function createUpdater(options: UpdaterOptions): Updater {
  return new AgentUpdater(options);
}

interface Run {
  build: ReleaseBuild;
  abort: AbortController;
  /** Past the switch nothing cancels the run: it ends in a restart. */
  pastSwitch: boolean;
}

class AgentUpdater implements Updater {
  private readonly log: Logger;
  private readonly timing: UpdateTiming;
  private readonly journal: UpdateJournal;
  private latest: DesiredDocument | null = null;
  private run: Run | null = null;
  private runDone: Promise<void> = Promise.resolve();
  private gate: HealthGate | null = null;
  /** A health gate or a rollback is deciding about the running release. */
  private judging = false;
  /** Stopped, or a restart is requested: nothing new starts. */
  private finished = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: UpdaterOptions) {
    this.log = options.log.child({ mod: 'update' });
    this.timing = { ...DEFAULT_UPDATE_TIMING, ...options.timing };
    this.journal = new UpdateJournal({
      dataDir: options.dataDir,
      clock: options.clock,
      log: options.log,
      emitEvent: options.emitEvent,
      onStatus: options.onStatus,
      ...(options.env ? { env: options.env } : {}),
    });
  }

  get status(): UpdateStatus | undefined {
    return this.journal.status;
  }

  start(): Promise<void> {
    return this.serial(() => this.resumeFromRecord());
  }

  offer(desired: DesiredDocument): void {
    this.latest = desired;
    void this.serial(() => this.evaluate());
  }

  async stop(): Promise<void> {
    this.finished = true;
    this.gate?.stop();
    this.run?.abort.abort();
    await this.runDone;
    await this.chain;
  }

  /** Journal work runs one step at a time; a failure is logged, never thrown at the agent. */
  private serial(work: () => Promise<void>): Promise<void> {
    this.chain = this.chain
      .then(work)
      .catch((error: unknown) => this.log.error({ err: (error as Error).message }, 'update step failed'));
    return this.chain;
  }

  private async resumeFromRecord(): Promise<void> {
    const record = await this.journal.load();
    this.options.onStatus();
    const { runningVersion } = this.options;
    const decision = decideStartup(record, runningVersion);
    if (decision.action === 'health-gate') await this.openGate();
    if (decision.action === 'finish-rollback') await this.finishRollback(null);
    if (decision.action === 'not-running') {
      await this.journal.fail('rolled-back', 'health-check', decision.problem, runningVersion);
    }
    if (decision.action === 'report-failure') await this.journal.reportFailure(runningVersion);
  }

  private async evaluate(): Promise<void> {
    if (this.finished || this.judging || this.latest === null) return;
    const agent = this.latest.agent ?? null;
    const target = agent
      ? { version: agent.release.manifest.version, sha256: agent.release.manifest.sha256 }
      : null;
    const decision = decideOffer({
      target,
      runningVersion: this.options.runningVersion,
      record: this.journal.record,
      hasInstallRoot: this.options.installRoot !== null,
    });
    if (this.run) {
      const same = decision.action === 'run' && target !== null && sameRelease(this.run.build, target);
      // A newer target (or none) replaces an update not yet switched; its `.part` stays for later.
      if (!same && !this.run.pastSwitch) this.run.abort.abort();
      return;
    }
    if (decision.action === 'run' && agent && target)
      return this.startRun(target, agent, this.latest.issuedAt);
    const record = this.journal.record;
    if (decision.action === 'refuse-no-root' && target) {
      const message = `this agent does not run from an install root; updates need one (${INSTALL_ROOT_DOC})`;
      if (!sameBuild(record, target))
        await this.journal.begin(target, this.options.runningVersion, 'refused', false);
      await this.journal.fail(
        'refused',
        'verify',
        { code: 'UPDATE_FAILED', message },
        this.options.runningVersion,
      );
      return;
    }
    // An update dropped before its switch (the document names another release, or none) is not reported.
    if (record && PRE_SWITCH_STATES.includes(record.status.state) && !sameBuild(record, target)) {
      this.log.info({ targetVersion: record.status.targetVersion }, 'update dropped: no longer desired');
      await this.journal.clear();
    }
  }

  private startRun(
    build: ReleaseBuild,
    agent: NonNullable<DesiredDocument['agent']>,
    issuedAt: string,
  ): void {
    const run: Run = { build, abort: new AbortController(), pastSwitch: false };
    this.run = run;
    this.runDone = this.runUntilDone(run, agent, issuedAt)
      .catch((error: unknown) => this.log.error({ err: (error as Error).message }, 'update run failed'))
      .finally(() => {
        this.run = null;
        void this.serial(() => this.evaluate());
      });
  }

  private async runUntilDone(
    run: Run,
    agent: NonNullable<DesiredDocument['agent']>,
    issuedAt: string,
  ): Promise<void> {
    const target = {
      build: run.build,
      signed: agent.release as unknown,
      artifactUrl: agent.artifactUrl,
      issuedAt,
    };
    for (let attempt = 0; ; attempt++) {
      // A step that throws (a card error while writing the record) is retried like the network.
      const outcome = await attemptUpdate(this.context(run), target, run.abort.signal).catch(
        (error: unknown): AttemptOutcome => ({
          kind: 'transient',
          problem: {
            code: 'INTERNAL',
            message: `update step failed: ${(error as Error).message}`.slice(0, 500),
          },
        }),
      );
      if (outcome.kind === 'restarting') {
        this.finished = true;
        return;
      }
      if (outcome.kind !== 'transient' || run.abort.signal.aborted) return;
      run.pastSwitch = false;
      await this.journal.problem(outcome.problem);
      const delayMs = retryDelayMs(attempt, { minMs: this.timing.retryMinMs, maxMs: this.timing.retryMaxMs });
      this.log.info({ targetVersion: run.build.version, delayMs }, 'update retries later');
      const slept = await sleep(delayMs, true, { signal: run.abort.signal }).catch(() => false);
      if (!slept) return;
    }
  }

  private context(run: Run): PipelineContext {
    const { options } = this;
    return {
      dataDir: options.dataDir,
      installRoot: options.installRoot!,
      runningVersion: options.runningVersion,
      publicKeys: options.updates.publicKeys,
      now: () => options.clock.now(),
      journal: this.journal,
      log: options.log,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.freeBytes ? { freeBytes: options.freeBytes } : {}),
      ...(options.env ? { env: options.env } : {}),
      progressReportMs: this.timing.progressReportMs,
      onProgress: () => options.onStatus(),
      untilNoAnnouncement: (signal) => this.untilNoAnnouncement(signal),
      onPointOfNoReturn: () => (run.pastSwitch = true),
      requestRestart: (reason) => options.requestRestart(reason),
    };
  }

  private async untilNoAnnouncement(signal: AbortSignal): Promise<void> {
    let waiting = false;
    while (!signal.aborted && this.latest && this.options.announcementShowing(this.latest)) {
      if (!waiting) this.log.info('an announcement is showing; the switch waits for it to end');
      waiting = true;
      await sleep(this.timing.announcementPollMs, undefined, { signal }).catch(() => undefined);
    }
  }

  private async openGate(): Promise<void> {
    const record = this.journal.record!;
    const since = effectiveHealthSince(record.healthSince, this.options.clock.now(), this.options.buildTime);
    await this.journal.enter('health-check', { healthSince: since.toISOString() });
    this.judging = true;
    const { updates } = this.options;
    this.gate = new HealthGate({
      probe: this.options.probe,
      clock: this.options.clock,
      healthSince: since,
      gateMs: updates.healthGateSec * 1000,
      timeoutMs: updates.healthTimeoutSec * 1000,
      pollMs: this.timing.healthPollMs,
      ...(this.options.monotonicMs ? { monotonicMs: this.options.monotonicMs } : {}),
      onVerdict: (verdict) => void this.serial(() => this.onVerdict(verdict)),
    });
    this.gate.start();
  }

  private async onVerdict(verdict: Exclude<HealthVerdict, { verdict: 'wait' }>): Promise<void> {
    this.gate = null;
    if (verdict.verdict === 'roll-back') {
      const problem: Problem = { code: 'UPDATE_FAILED', message: verdict.reason.slice(0, 500) };
      await this.journal.enter('rolling-back', { problem, failedStage: 'health-check' });
      return this.finishRollback(problem);
    }
    await commitRelease(this.verdictContext());
    this.judging = false;
    await this.evaluate();
  }

  private async finishRollback(problem: Problem | null): Promise<void> {
    this.judging = true;
    const { from, to, restart } = await finishRollback(this.verdictContext(), problem);
    if (restart) {
      this.finished = true;
      this.options.requestRestart(`rolled back from ${from} to ${to}`);
      return;
    }
    this.judging = false;
    await this.evaluate();
  }

  private verdictContext(): VerdictContext {
    const { installRoot, dataDir, runningVersion } = this.options;
    return { journal: this.journal, installRoot, dataDir, runningVersion, log: this.log };
  }
}

function sameRelease(a: ReleaseBuild, b: ReleaseBuild): boolean {
  return a.version === b.version && a.sha256 === b.sha256;
}
