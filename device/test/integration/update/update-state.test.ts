import { readdir, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clearUpdateRecord,
  readUpdateRecord,
  updateStatePath,
  writeUpdateRecord,
  type UpdateRecord,
  type UpdateStatus,
} from '../../../src/update/update-state.js';
import { tempDir } from './helpers/release-files.js';

const downloading: UpdateStatus = {
  state: 'downloading',
  targetVersion: '1.4.0',
  previousVersion: '1.3.2',
  downloadedBytes: 1_048_576,
  problem: null,
  at: '2026-11-26T12:30:00.000Z',
};

const SHA = 'a'.repeat(64);
const record = (status: UpdateStatus): UpdateRecord => ({
  status,
  sha256: SHA,
  starts: 0,
  healthSince: null,
  failedStage: null,
  failureReported: false,
});

describe('update state file', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeEach(async () => {
    dir = await tempDir('state');
  });

  afterEach(async () => {
    await dir.remove();
  });

  it('reads nothing before any update', async () => {
    expect(await readUpdateRecord(dir.path)).toBeNull();
  });

  it('keeps the update record across a restart, and clears it', async () => {
    await writeUpdateRecord(dir.path, record(downloading));
    const refused = {
      ...record({
        ...downloading,
        state: 'refused',
        problem: { code: 'UPDATE_TAMPERED', message: 'sha256 differs' },
      }),
      failedStage: 'download' as const,
    };
    await writeUpdateRecord(dir.path, refused);
    expect(await readUpdateRecord(dir.path)).toEqual(refused);
    expect(await readdir(dir.path)).toEqual(['update-state.json']);
    await clearUpdateRecord(dir.path);
    expect(await readUpdateRecord(dir.path)).toBeNull();
  });

  it('fills the launcher counters in when an older file lacks them', async () => {
    await writeFile(updateStatePath(dir.path), JSON.stringify({ status: downloading, sha256: SHA }));
    expect(await readUpdateRecord(dir.path)).toEqual(record(downloading));
  });

  it('reads a broken or foreign file as no update rather than failing the agent', async () => {
    await writeFile(updateStatePath(dir.path), '{"status":{"state":"downloading"');
    expect(await readUpdateRecord(dir.path)).toBeNull();
    await writeFile(
      updateStatePath(dir.path),
      JSON.stringify(record({ ...downloading, state: 'dancing' as 'refused' })),
    );
    expect(await readUpdateRecord(dir.path)).toBeNull();
    await writeFile(updateStatePath(dir.path), JSON.stringify(downloading));
    expect(await readUpdateRecord(dir.path)).toBeNull();
  });

  it('refuses to write a record the reported schema would reject', async () => {
    await expect(
      writeUpdateRecord(dir.path, record({ ...downloading, targetVersion: 'latest' })),
    ).rejects.toThrow();
    expect(await readUpdateRecord(dir.path)).toBeNull();
  });
});
