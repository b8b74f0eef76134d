import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { DeviceEvent, Problem, UpdateState } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import { makeEvent } from '../lib/device-event.js';
import { killIfFaultAt } from './fault-injection.js';
import type { ReleaseBuild } from './update-machine.js';
import {
  clearUpdateRecord,
  readUpdateRecord,
  writeUpdateRecord,
  type FailureStage,
  type UpdateRecord,
  type UpdateStatus,
} from './update-state.js';

export interface UpdateJournalOptions {
  dataDir: string;
  clock: Clock;
  log: Logger;
  /** Queues an event durably; resolves true once it is on disk. */
  emitEvent(event: DeviceEvent): Promise<boolean>;
  /** The reported block changed. */
  onStatus(): void;
  /** Where GATECAST_FAULT_KILL_AT is read; tests in-process never set it. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The update record, in memory and on disk: every state is written (atomically) before the work
 * of the next step starts, so a power cut resumes from the last one. The fault-injection hook
 * runs right after each write.
 */
export class UpdateJournal {
  private current: UpdateRecord | null = null;
  private readonly log: Logger;

  constructor(private readonly options: UpdateJournalOptions) {
    this.log = options.log.child({ mod: 'update' });
  }

  get record(): UpdateRecord | null {
    return this.current;
  }

  get status(): UpdateStatus | undefined {
    return this.current?.status;
  }

  async load(): Promise<UpdateRecord | null> {
    await mkdir(this.options.dataDir, { recursive: true });
    this.current = await readUpdateRecord(this.options.dataDir);
    return this.current;
  }

  /** A new update of `build`, from what runs now; `persist: false` when a failure is written next. */
  async begin(
    build: ReleaseBuild,
    runningVersion: string,
    state: UpdateState,
    persist = true,
  ): Promise<void> {
    this.current = {
      status: {
        state,
        targetVersion: build.version,
        previousVersion: runningVersion,
        problem: null,
        at: this.now(),
      },
      sha256: build.sha256,
      starts: 0,
      healthSince: null,
      failedStage: null,
      failureReported: false,
    };
    if (persist) await this.persist(state);
  }

  /** Moves the record to `state`; a problem is kept only when given. */
  async enter(
    state: UpdateState,
    changes: Partial<UpdateRecord> & { problem?: Problem | null } = {},
  ): Promise<void> {
    const record = this.require();
    const { problem = null, ...rest } = changes;
    this.current = { ...record, ...rest, status: { ...record.status, state, problem, at: this.now() } };
    await this.persist(state);
  }

  /** A transient failure: the state stays, the problem says why it waits. */
  async problem(problem: Problem): Promise<void> {
    const record = this.require();
    this.current = { ...record, status: { ...record.status, problem, at: this.now() } };
    await writeUpdateRecord(this.options.dataDir, this.current);
    this.log.warn(
      { state: record.status.state, targetVersion: record.status.targetVersion, problem },
      'update waits',
    );
    this.options.onStatus();
  }

  /** Progress lives in memory (and in reports); it reaches the disk with the next state. */
  progress(bytes: number): void {
    const record = this.require();
    this.current = { ...record, status: { ...record.status, downloadedBytes: bytes } };
  }

  /** A failed update: recorded, then its one `update-failed` event, then the note that it was sent. */
  async fail(
    state: 'refused' | 'rolled-back',
    stage: FailureStage,
    problem: Problem,
    runningVersion: string,
  ): Promise<void> {
    await this.enter(state, { problem, failedStage: stage, failureReported: false });
    await this.reportFailure(runningVersion);
  }

  /** Sends the `update-failed` event a failure still owes (after a launcher rollback, or a kill). */
  async reportFailure(runningVersion: string): Promise<void> {
    const record = this.require();
    if (record.failureReported || record.status.problem === null) return;
    const event = makeEvent(this.options.clock, {
      kind: 'update-failed',
      targetVersion: record.status.targetVersion,
      runningVersion,
      stage: record.failedStage ?? 'restart',
      problem: record.status.problem,
    });
    if (!(await this.options.emitEvent(event))) {
      this.log.error('cannot queue the update-failed event; it is tried again at the next start');
      return;
    }
    this.current = { ...record, failureReported: true };
    await writeUpdateRecord(this.options.dataDir, this.current);
  }

  /** The update was dropped before its switch: nothing is reported about it any more. */
  async clear(): Promise<void> {
    this.current = null;
    await clearUpdateRecord(this.options.dataDir);
    this.options.onStatus();
  }

  private async persist(state: UpdateState): Promise<void> {
    const record = this.require();
    await writeUpdateRecord(this.options.dataDir, record);
    const { targetVersion, problem } = record.status;
    this.log.info({ state, targetVersion, ...(problem ? { problem } : {}) }, 'update state');
    this.options.onStatus();
    // `downloading` is killed later, once bytes are on disk (see the pipeline).
    if (state !== 'downloading') killIfFaultAt(state, this.options.env);
  }

  private require(): UpdateRecord {
    if (this.current === null) throw new Error('no update record');
    return this.current;
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }
}
