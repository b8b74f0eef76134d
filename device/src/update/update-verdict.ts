import type { Logger } from 'pino';
import type { Problem } from '@gatecast/protocol';
import { discardArtifacts } from './download-release.js';
import { pruneReleases, readCurrent, rollbackCurrent } from './release-links.js';
import type { UpdateJournal } from './update-journal.js';

/** What the end of an update touches: the record, the install root, the downloads. */
export interface VerdictContext {
  journal: UpdateJournal;
  /** Null when the agent runs from no install root: there are no links to move. */
  installRoot: string | null;
  dataDir: string;
  runningVersion: string;
  log: Logger;
}

/** The new release passed its gate: it stays, and what is no longer needed goes. */
export async function commitRelease(context: VerdictContext): Promise<void> {
  const { journal, installRoot, log } = context;
  const version = journal.record!.status.targetVersion;
  await journal.enter('committed');
  log.info({ version }, 'update committed');
  const pruned = installRoot === null ? [] : await pruneReleases(installRoot);
  const discarded = await discardArtifacts(context.dataDir);
  log.info({ pruned, discarded }, 'old releases and downloads removed');
}

/**
 * Back to `previous` (unless the launcher or an earlier run already went), then the failure is
 * recorded and its event queued. Returns the version now current, and whether this process runs
 * the failed release and must restart to leave it.
 */
export async function finishRollback(
  context: VerdictContext,
  problem: Problem | null,
): Promise<{ from: string; to: string; restart: boolean }> {
  const { journal, installRoot: root, log } = context;
  const record = journal.record!;
  const { targetVersion: from, previousVersion } = record.status;
  if (root !== null && (await readCurrent(root)) === from) await rollbackCurrent(root);
  const to = (root === null ? null : await readCurrent(root)) ?? previousVersion ?? context.runningVersion;
  const why = problem ??
    record.status.problem ?? { code: 'UPDATE_FAILED' as const, message: `release ${from} was rolled back` };
  await journal.fail('rolled-back', record.failedStage ?? 'health-check', why, to);
  log.warn({ from, to, problem: why }, 'update rolled back');
  return { from, to, restart: context.runningVersion === from };
}
