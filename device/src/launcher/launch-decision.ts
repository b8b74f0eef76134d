import type { UpdateState } from '@gatecast/protocol';
import type { UpdateRecord } from '../update/update-state.js';

/** What the launcher finds on disk before any agent code runs. */
export interface LaunchFacts {
  record: UpdateRecord | null;
  /** The version `current` names, and whether its folder holds an agent to start. */
  current: string | null;
  currentRunnable: boolean;
  previous: string | null;
  previousRunnable: boolean;
  maxStarts: number;
  now: Date;
}

/** A roll back: records persisted before and after the link moves (null: the record is left alone). */
export interface RollBackPlan {
  action: 'roll-back';
  from: string | null;
  to: string;
  /** False when `current` already names `to` (a roll back cut short after the link moved). */
  moveLink: boolean;
  rollingBack: UpdateRecord | null;
  rolledBack: UpdateRecord | null;
  reason: string;
}

export type LaunchPlan =
  | { action: 'start'; release: string; reason: string }
  | { action: 'count-start'; release: string; record: UpdateRecord; reason: string }
  | RollBackPlan
  | { action: 'fail'; reason: string };

/** States in which the target release has been switched to but not yet confirmed healthy. */
const GATED_STATES: ReadonlySet<UpdateState> = new Set(['switching', 'restarting', 'health-check']);

/**
 * Decides what one start of the launcher does. Pure: the launcher reads the facts, carries the
 * plan out, then starts whatever `current` names. Each start of a release still in its health
 * gate is counted, so a release that crashes before it can even report is rolled back by the one
 * program that does not change between releases.
 */
export function decideLaunch(facts: LaunchFacts): LaunchPlan {
  const { record, current } = facts;
  if (record?.status.state === 'rolling-back') return finishRollBack(facts, record);
  if (current === null || !facts.currentRunnable) return replaceBroken(facts);
  if (record !== null && GATED_STATES.has(record.status.state) && record.status.targetVersion === current) {
    return countStart(facts, record, current);
  }
  return { action: 'start', release: current, reason: 'nothing to do' };
}

function countStart(facts: LaunchFacts, record: UpdateRecord, current: string): LaunchPlan {
  const counted: UpdateRecord = {
    ...record,
    starts: record.starts + 1,
    healthSince: record.healthSince ?? facts.now.toISOString(),
  };
  if (counted.starts <= facts.maxStarts) {
    const reason = `start ${counted.starts} of ${facts.maxStarts} before release ${current} is confirmed`;
    return { action: 'count-start', release: current, record: counted, reason };
  }
  if (!usablePrevious(facts)) {
    const reason = `release ${current} stopped ${record.starts} times, but there is no previous release to go back to`;
    return { action: 'count-start', release: current, record: counted, reason };
  }
  const message = `release ${current} stopped ${record.starts} times before it was confirmed; back on ${facts.previous}`;
  return rollBack(facts, counted, message);
}

/** Another start after a roll back was cut short: finish it, whichever step it reached. */
function finishRollBack(facts: LaunchFacts, record: UpdateRecord): LaunchPlan {
  const target = record.status.targetVersion;
  const { current } = facts;
  if (current !== null && current !== target && facts.currentRunnable) {
    const message = `release ${target} was rolled back (the roll back was cut short and finished at this start); back on ${current}`;
    const done = failedRecord(record, 'rolled-back', message, facts.now);
    return {
      action: 'roll-back',
      from: target,
      to: current,
      moveLink: false,
      rollingBack: null,
      rolledBack: done,
      reason: `finishing the roll back from ${target}`,
    };
  }
  if (usablePrevious(facts)) {
    return rollBack(
      facts,
      record,
      `release ${target} was rolled back (the roll back was cut short and finished at this start); back on ${facts.previous}`,
    );
  }
  if (current !== null && facts.currentRunnable) {
    return {
      action: 'start',
      release: current,
      reason: 'cannot finish the roll back: there is no previous release',
    };
  }
  return fail(facts);
}

/** `current` is missing or holds no agent: go back to `previous` if it can run. */
function replaceBroken(facts: LaunchFacts): LaunchPlan {
  if (!usablePrevious(facts)) return fail(facts);
  const { record, current } = facts;
  const what =
    current === null ? 'there is no current release' : `release ${current} is incomplete (no agent.mjs)`;
  const ours = record !== null && current !== null && record.status.targetVersion === current;
  return rollBack(facts, ours ? record : null, `${what}; back on ${facts.previous}`);
}

function rollBack(facts: LaunchFacts, record: UpdateRecord | null, message: string): RollBackPlan {
  const to = facts.previous as string;
  return {
    action: 'roll-back',
    from: facts.current,
    to,
    moveLink: true,
    rollingBack: record === null ? null : failedRecord(record, 'rolling-back', message, facts.now),
    rolledBack: record === null ? null : failedRecord(record, 'rolled-back', message, facts.now),
    reason: message,
  };
}

/** Keeps a problem and stage the agent already recorded (e.g. a health timeout); else names the restart. */
function failedRecord(record: UpdateRecord, state: UpdateState, message: string, now: Date): UpdateRecord {
  const problem = record.status.problem ?? { code: 'UPDATE_FAILED' as const, message: message.slice(0, 500) };
  return {
    ...record,
    status: { ...record.status, state, problem, at: now.toISOString() },
    failedStage: record.failedStage ?? 'restart',
    failureReported: false,
  };
}

function usablePrevious(facts: LaunchFacts): facts is LaunchFacts & { previous: string } {
  return facts.previous !== null && facts.previousRunnable && facts.previous !== facts.current;
}

function fail(facts: LaunchFacts): LaunchPlan {
  const current = facts.current === null ? 'no current link' : `current ${facts.current} has no agent.mjs`;
  const previous =
    facts.previous === null ? 'no previous link' : `previous ${facts.previous} has no agent.mjs`;
  return { action: 'fail', reason: `no release to start: ${current}, ${previous}` };
}

/** The agent's `--config FILE` (or `-c FILE`, `--config=FILE`); the launcher reads no other argument. */
export function configArgument(argv: readonly string[]): string | null {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '--config' || arg === '-c') return argv[index + 1] ?? null;
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return null;
}
