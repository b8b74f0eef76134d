import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { reportedSchema, type ReportedState } from '@gatecast/protocol';
import { removeStaleTempFiles, writeFileAtomic } from '../state/atomic-file.js';

/** The reported `update` block: what the screen says about its self-update. */
export type UpdateStatus = NonNullable<ReportedState['update']>;

const updateStatusSchema = reportedSchema.shape.update.unwrap();

export function updateStatePath(dataDir: string): string {
  return join(dataDir, 'update-state.json');
}

/**
 * The persisted update status, so the state survives a restart (or a power cut) in the middle of
 * an update. A missing or unreadable file reads as "no update": the written file is replaced
 * atomically, so only a hand-edited one can be broken.
 */
export async function readUpdateState(dataDir: string): Promise<UpdateStatus | null> {
  let text: string;
  try {
    text = await readFile(updateStatePath(dataDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = updateStatusSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeUpdateState(dataDir: string, state: UpdateStatus): Promise<void> {
  const file = updateStatePath(dataDir);
  await removeStaleTempFiles(file);
  await writeFileAtomic(file, `${JSON.stringify(updateStatusSchema.parse(state), null, 2)}\n`, 0o644);
}

export async function clearUpdateState(dataDir: string): Promise<void> {
  await rm(updateStatePath(dataDir), { force: true });
}
