import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  discardArtifacts,
  downloadRelease,
  type ReleaseDownloadOptions,
} from '../../../src/update/download-release.js';
import { manifestFor } from '../../unit/update/release-signing.js';
import { ArtifactServer } from './helpers/artifact-server.js';
import { randomArtifact, sha256Of, tempDir, testLogger } from './helpers/release-files.js';

const SIZE = 3 * 1024 * 1024;
const AUTH = `Basic ${Buffer.from('cat-bi-arrivals-01:secret').toString('base64')}`;

describe('downloadRelease', () => {
  let server: ArtifactServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let artifact: Buffer;
  let progress: number[];

  const manifest = () => manifestFor({ sha256: sha256Of(artifact), size: artifact.length });
  const partPath = () => join(dir.path, 'updates', '1.4.0.part');
  const download = (extra: Partial<ReleaseDownloadOptions> = {}) =>
    downloadRelease({
      dataDir: dir.path,
      manifest: manifest(),
      url: server.url,
      headers: (url): Record<string, string> =>
        url.origin === new URL(server.url).origin ? { authorization: AUTH } : {},
      onProgress: (bytes) => progress.push(bytes),
      freeBytes: async () => 2 ** 40,
      log: testLogger(),
      ...extra,
    });

  beforeEach(async () => {
    artifact = randomArtifact(SIZE);
    server = new ArtifactServer(artifact);
    await server.start();
    dir = await tempDir('download');
    progress = [];
  });

  afterEach(async () => {
    await server.stop();
    await dir.remove();
  });

  it('resumes from the .part offset after the server cuts the link, and the result verifies', async () => {
    server.behaviour.cutAt = Math.floor(SIZE * 0.4);
    const result = await download();
    expect(result).toMatchObject({ ok: true, bytesFetched: SIZE });
    expect(server.requests).toHaveLength(2);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1]!.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(SIZE * 0.4);
    expect(server.requests[1]!.ifRange).toBe('"release-1.4.0"');
    expect(server.requests.every((request) => request.authorization === AUTH)).toBe(true);
    const saved = await readFile(join(dir.path, 'updates', '1.4.0.tgz'));
    expect(sha256Of(saved)).toBe(sha256Of(artifact));
    expect(existsSync(partPath())).toBe(false);
    expect(progress.at(-1)).toBe(SIZE);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('resumes a .part left by a stopped run in the next run, fetching only the rest', async () => {
    const stallAt = Math.floor(SIZE / 2);
    server.behaviour.stallAt = stallAt;
    const stop = new AbortController();
    const first = download({
      signal: stop.signal,
      onProgress: (bytes) => bytes >= stallAt && stop.abort(new Error('agent stopping')),
    });
    expect(await first).toMatchObject({ ok: false, aborted: true });
    expect((await readFile(partPath())).length).toBe(stallAt);

    server.behaviour.stallAt = null;
    const second = await download();
    expect(second).toMatchObject({ ok: true, bytesFetched: SIZE - stallAt });
    expect(server.requests.at(-1)!.range).toBe(`bytes=${stallAt}-`);
    expect(progress[0]).toBe(stallAt);
    expect(sha256Of(await readFile(join(dir.path, 'updates', '1.4.0.tgz')))).toBe(sha256Of(artifact));
  });

  it('starts over from zero when the server ignores the Range on a resume (200)', async () => {
    server.behaviour.cutAt = Math.floor(SIZE * 0.3);
    server.behaviour.ignoreRange = true;
    const result = await download();
    expect(result.ok).toBe(true);
    expect(server.requests[1]!.range).toMatch(/^bytes=\d+-$/);
    // The bytes already received came again, from the first: progress fell back before reaching the end.
    expect(progress.some((bytes, i) => i > 0 && bytes < progress[i - 1]!)).toBe(true);
    expect(sha256Of(await readFile(join(dir.path, 'updates', '1.4.0.tgz')))).toBe(sha256Of(artifact));
  });

  it('refuses bytes that do not hash to the signed sha256 as UPDATE_TAMPERED and discards them', async () => {
    const expected = manifest();
    server.serve(randomArtifact(SIZE));
    const result = await download({ manifest: expected });
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_TAMPERED', aborted: false });
    expect(existsSync(partPath())).toBe(false);
    expect(existsSync(join(dir.path, 'updates', '1.4.0.tgz'))).toBe(false);
  });

  it.each([
    ['shorter', SIZE - 1000],
    ['longer', SIZE + 1000],
  ])('refuses an artifact %s than its signed size as UPDATE_TAMPERED', async (_label, served) => {
    const expected = manifest();
    server.serve(Buffer.concat([artifact, randomArtifact(2000)]).subarray(0, served));
    const result = await download({ manifest: expected });
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_TAMPERED' });
    expect(existsSync(partPath())).toBe(false);
  });

  it('refuses to start when the disk lacks room for the artifact and its unpacked release', async () => {
    const result = await download({ freeBytes: async () => SIZE * 2 });
    expect(result).toMatchObject({ ok: false, code: 'DISK_FULL' });
    expect(!result.ok && result.message).toContain('bytes free');
    expect(server.requests).toHaveLength(0);
  });

  it('keeps a verified artifact: a second call makes no request', async () => {
    expect((await download()).ok).toBe(true);
    const requests = server.requests.length;
    expect(await download()).toMatchObject({ ok: true, bytesFetched: 0 });
    expect(server.requests.length).toBe(requests);
  });

  it('discards the artifacts of other versions', async () => {
    expect((await download()).ok).toBe(true);
    await writeFile(join(dir.path, 'updates', '1.3.0.tgz'), 'older');
    await writeFile(join(dir.path, 'updates', '1.2.0.part'), 'abandoned');
    expect((await discardArtifacts(dir.path, '1.4.0')).sort()).toEqual(['1.2.0.part', '1.3.0.tgz']);
    expect(await readdir(join(dir.path, 'updates'))).toEqual(['1.4.0.tgz']);
  });

  it('reports an unreachable artifact as UPDATE_FAILED', async () => {
    server.behaviour.status = 404;
    const result = await download();
    expect(result).toMatchObject({ ok: false, code: 'UPDATE_FAILED' });
    expect(!result.ok && result.message).toContain('404');
  });
});
