import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { killIfFaultAt } from '../update/fault-injection.js';
import { releaseDir } from '../update/release-layout.js';
import { readCurrent, readPrevious, rollbackCurrent } from '../update/release-links.js';
import { readUpdateRecord, writeUpdateRecord } from '../update/update-state.js';
import type { LaunchFacts, LaunchPlan } from './launch-decision.js';

/** The file every release starts from, beside its release.json and pages. */
export const AGENT_ENTRY = 'agent.mjs';

export async function readLaunchFacts(
  root: string,
  dataDir: string,
  maxStarts: number,
  now: Date,
): Promise<LaunchFacts> {
  const [record, current, previous] = await Promise.all([
    readUpdateRecord(dataDir),
    readCurrent(root),
    readPrevious(root),
  ]);
  return {
    record,
    current,
    currentRunnable: current !== null && (await hasAgent(root, current)),
    previous,
    previousRunnable: previous !== null && (await hasAgent(root, previous)),
    maxStarts,
    now,
  };
}

/**
 * Carries a plan out. Each record is on disk before the step it announces, so a power cut at any
 * point leaves a record the next start can finish from (`rolling-back` is finished idempotently).
 */
export async function carryOut(plan: LaunchPlan, root: string, dataDir: string): Promise<void> {
  if (plan.action === 'count-start') {
    await writeUpdateRecord(dataDir, plan.record);
    return;
  }
  if (plan.action !== 'roll-back') return;
  if (plan.rollingBack !== null) {
    await writeUpdateRecord(dataDir, plan.rollingBack);
    killIfFaultAt('rolling-back');
  }
  if (plan.moveLink && (await readCurrent(root)) !== plan.to) await rollbackCurrent(root);
  if (plan.rolledBack !== null) {
    await writeUpdateRecord(dataDir, plan.rolledBack);
    killIfFaultAt('rolled-back');
  }
}

async function hasAgent(root: string, version: string): Promise<boolean> {
  return stat(join(releaseDir(root, version), AGENT_ENTRY)).then(
    (stats) => stats.isFile(),
    () => false,
  );
}
