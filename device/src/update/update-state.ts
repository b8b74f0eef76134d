import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { reportedSchema, sha256Schema, type ReportedState } from '@gatecast/protocol';
import { z } from 'zod';
import { removeStaleTempFiles, writeFileAtomic } from '../state/atomic-file.js';

/** The reported `update` block: what the screen says about its self-update. */
export type UpdateStatus = NonNullable<ReportedState['update']>;

/** The step an `update-failed` event names. */
export const FAILURE_STAGES = ['download', 'verify', 'install', 'restart', 'health-check'] as const;
export type FailureStage = (typeof FAILURE_STAGES)[number];

/**
 * What the agent and the launcher share on disk about one update. The launcher (a separate, stable
 * program) reads and writes it before any agent runs, so its shape is the contract between the two.
 */
export const updateRecordSchema = z.object({
  /** The reported block, as the fleet sees it. */
  status: reportedSchema.shape.update.unwrap(),
  /** The artifact's sha256: it names one build, so a build that failed is not tried again. */
  sha256: sha256Schema,
  /** Starts of the target release while its health gate is open; the launcher counts them. */
  starts: z.number().int().nonnegative().default(0),
  /** When the target release first started; the health gate's timeout counts from here. */
  healthSince: z.string().nullable().default(null),
  /** For a failed update: the step that failed, and whether its `update-failed` event was queued. */
  failedStage: z.enum(FAILURE_STAGES).nullable().default(null),
  failureReported: z.boolean().default(false),
});
export type UpdateRecord = z.infer<typeof updateRecordSchema>;

export function updateStatePath(dataDir: string): string {
  return join(dataDir, 'update-state.json');
}

/**
 * The persisted update, so it survives a restart (or a power cut) in the middle. A missing or
 * unreadable file reads as "no update": the file is replaced atomically, so only a hand-edited
 * one can be broken.
 */
export async function readUpdateRecord(dataDir: string): Promise<UpdateRecord | null> {
  let text: string;
  try {
    text = await readFile(updateStatePath(dataDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = updateRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeUpdateRecord(dataDir: string, record: UpdateRecord): Promise<void> {
  const file = updateStatePath(dataDir);
  await removeStaleTempFiles(file);
  await writeFileAtomic(file, `${JSON.stringify(updateRecordSchema.parse(record), null, 2)}\n`, 0o644);
}

export async function clearUpdateRecord(dataDir: string): Promise<void> {
  await rm(updateStatePath(dataDir), { force: true });
}
