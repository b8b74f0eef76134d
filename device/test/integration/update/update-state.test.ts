import { readdir, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clearUpdateState,
  readUpdateState,
  updateStatePath,
  writeUpdateState,
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

describe('update state file', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeEach(async () => {
    dir = await tempDir('state');
  });

  afterEach(async () => {
    await dir.remove();
  });

  it('reads nothing before any update', async () => {
    expect(await readUpdateState(dir.path)).toBeNull();
  });

  it('keeps the reported update block across a restart, and clears it', async () => {
    await writeUpdateState(dir.path, downloading);
    const refused: UpdateStatus = {
      ...downloading,
      state: 'refused',
      problem: { code: 'UPDATE_TAMPERED', message: 'sha256 differs' },
    };
    await writeUpdateState(dir.path, refused);
    expect(await readUpdateState(dir.path)).toEqual(refused);
    expect(await readdir(dir.path)).toEqual(['update-state.json']);
    await clearUpdateState(dir.path);
    expect(await readUpdateState(dir.path)).toBeNull();
  });

  it('reads a broken or foreign file as no update rather than failing the agent', async () => {
    await writeFile(updateStatePath(dir.path), '{"state":"downloading"');
    expect(await readUpdateState(dir.path)).toBeNull();
    await writeFile(updateStatePath(dir.path), JSON.stringify({ ...downloading, state: 'dancing' }));
    expect(await readUpdateState(dir.path)).toBeNull();
  });

  it('refuses to write a block the reported schema would reject', async () => {
    await expect(writeUpdateState(dir.path, { ...downloading, targetVersion: 'latest' })).rejects.toThrow();
    expect(await readUpdateState(dir.path)).toBeNull();
  });
});
