import type { Problem, UpdateState } from '@gatecast/protocol';
import type { UpdateRecord } from './update-state.js';

/** One build of a release: a version alone does not name it, the artifact's sha256 does. */
export interface ReleaseBuild {
  version: string;
  sha256: string;
}

/** States before `current` is switched: the update can still be dropped without touching the screen. */
export const PRE_SWITCH_STATES: readonly UpdateState[] = ['downloading', 'verifying', 'installing'];
/** States of a build that failed here: it is not tried again. */
export const FAILED_STATES: readonly UpdateState[] = ['refused', 'rolled-back'];
/** States in which a started release is the new one and still has to prove itself. */
const GATE_STATES: readonly UpdateState[] = ['switching', 'restarting', 'health-check'];

export function sameBuild(record: UpdateRecord | null, build: ReleaseBuild | null): boolean {
  return (
    record !== null &&
    build !== null &&
    record.status.targetVersion === build.version &&
    record.sha256 === build.sha256
  );
}

export type OfferDecision =
  | { action: 'nothing'; why: 'no-target' | 'running' | 'failed-before' }
  /** The running release is in its health gate (or rolling back): offers wait for the verdict. */
  | { action: 'wait' }
  | { action: 'refuse-no-root' }
  | { action: 'run' };

export interface OfferInput {
  /** What the desired document names; null when it names no release. */
  target: ReleaseBuild | null;
  runningVersion: string;
  record: UpdateRecord | null;
  hasInstallRoot: boolean;
}

/** Pure: what a desired document means for the self-update. */
export function decideOffer(input: OfferInput): OfferDecision {
  const { target, runningVersion, record } = input;
  const judging = record !== null && ['health-check', 'rolling-back'].includes(record.status.state);
  if (judging && record.status.targetVersion === runningVersion) return { action: 'wait' };
  if (target === null) return { action: 'nothing', why: 'no-target' };
  // Checked before the signature: re-verifying what runs would be refused as a downgrade.
  if (target.version === runningVersion) return { action: 'nothing', why: 'running' };
  if (sameBuild(record, target) && FAILED_STATES.includes(record!.status.state)) {
    return { action: 'nothing', why: 'failed-before' };
  }
  if (!input.hasInstallRoot) return { action: 'refuse-no-root' };
  return { action: 'run' };
}

/** Where the pipeline starts for a build: a switch that a restart or a kill interrupted goes on from there. */
export function resumeStep(
  record: UpdateRecord | null,
  build: ReleaseBuild,
  installedSha: string | null,
): 'download' | 'switch' {
  const switching = record !== null && ['switching', 'restarting'].includes(record.status.state);
  return switching && sameBuild(record, build) && installedSha === build.sha256 ? 'switch' : 'download';
}

export type StartupDecision =
  | { action: 'none' }
  /** The new release runs: it must pass its health gate. */
  | { action: 'health-gate' }
  /** A rollback was interrupted (by a kill, or it was the launcher's): finish it. */
  | { action: 'finish-rollback' }
  /** The health gate was open, but another release runs: someone rolled back; say so. */
  | { action: 'not-running'; problem: Problem }
  | { action: 'report-failure' };

/** Pure: what a start of the agent does with the record a previous run (or the launcher) left. */
export function decideStartup(record: UpdateRecord | null, runningVersion: string): StartupDecision {
  if (record === null) return { action: 'none' };
  const { state, targetVersion } = record.status;
  const runsTarget = targetVersion === runningVersion;
  if (GATE_STATES.includes(state) && runsTarget) return { action: 'health-gate' };
  if (state === 'rolling-back') return { action: 'finish-rollback' };
  if (state === 'health-check') {
    const message = `release ${targetVersion} is not running after its start; this screen runs ${runningVersion}`;
    return { action: 'not-running', problem: { code: 'UPDATE_FAILED', message } };
  }
  if (FAILED_STATES.includes(state) && !record.failureReported) return { action: 'report-failure' };
  // Pre-switch states, `switching` and `restarting` of a release not running: the pipeline resumes
  // when the desired document is offered again.
  return { action: 'none' };
}

export interface RetryPolicy {
  minMs: number;
  maxMs: number;
}

/** Transient failures are retried after 15 s, doubling up to 10 min. */
export const DEFAULT_RETRY: RetryPolicy = { minMs: 15_000, maxMs: 600_000 };

export function retryDelayMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  const factor = 2 ** Math.min(Math.max(attempt, 0), 30);
  return Math.min(policy.minMs * factor, Math.max(policy.maxMs, policy.minMs));
}

/** Failures worth a retry: the network, a full card. Anything about the bytes' identity is final. */
export function isTransient(code: Problem['code']): boolean {
  return code === 'UPDATE_FAILED' || code === 'DISK_FULL' || code === 'INTERNAL';
}
