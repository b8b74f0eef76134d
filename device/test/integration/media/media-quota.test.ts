import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaCache, type MediaCache, type MediaRef } from '../../../src/media/media-cache.js';
import { mediaFile, refFor, tempDir, testLogger, type MediaFile } from './helpers/fixtures.js';
import { MediaServer } from './helpers/media-server.js';

const SIZE = 100 * 1024;

describe('media cache quota and LRU eviction', () => {
  let server: MediaServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cache: MediaCache;
  let files: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f', MediaFile>;
  let refs: Record<keyof typeof files, MediaRef>;

  beforeEach(async () => {
    server = new MediaServer();
    await server.start();
    dir = await tempDir('quota');
    cache = createMediaCache({ dir: dir.path, quotaBytes: 3 * SIZE, log: testLogger() });
    await cache.start();
    const names = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
    files = Object.fromEntries(names.map((name) => [name, mediaFile(SIZE)])) as typeof files;
    refs = Object.fromEntries(
      names.map((name) => [name, refFor(files[name], server.serve(`/${name}.jpg`, files[name].data))]),
    ) as typeof refs;
    for (const name of ['a', 'b', 'c'] as const) expect((await cache.sync([refs[name]])).ready).toBe(true);
  });

  afterEach(async () => {
    await cache.stop();
    await server.stop();
    await dir.remove();
  });

  const cached = async () => (await readdir(join(dir.path, 'objects'))).sort();
  const shas = (...names: Array<keyof typeof files>) => names.map((name) => files[name].sha256).sort();

  it('evicts the least recently used file, skipping pinned ones', async () => {
    cache.touch(files.a.sha256); // LRU order now: b, c, a

    const status = await cache.sync([refs.d], { pinned: new Set([files.b.sha256]) });

    expect(status).toEqual({ ready: true, missing: [], failed: [], bytes: 3 * SIZE });
    expect(await cached()).toEqual(shas('a', 'b', 'd'));
    expect(cache.pathOf(files.c.sha256)).toBeNull();
  });

  it('never evicts a needed or pinned file: what does not fit is reported and the rest stays', async () => {
    const status = await cache.sync([refs.a, refs.e], { pinned: new Set([files.b.sha256, files.c.sha256]) });

    expect(status.ready).toBe(false);
    expect(status.missing).toEqual([files.e.sha256]);
    expect(status.failed).toEqual([
      { sha256: files.e.sha256, code: 'MEDIA_QUOTA_EXCEEDED', message: expect.any(String) },
    ]);
    expect(await cached()).toEqual(shas('a', 'b', 'c'));
    expect(server.requestsFor('/e.jpg')).toHaveLength(0);

    // A quota failure is not a server's fault: once the pins move on, it is fetched at the next sync.
    const next = await cache.sync([refs.a, refs.e], { pinned: new Set([files.f.sha256]) });
    expect(next.ready).toBe(true);
    expect(await cached()).toEqual(shas('a', 'c', 'e'));
  });

  it('refuses a file larger than the whole quota without evicting anything', async () => {
    const huge = mediaFile(4 * SIZE);
    const status = await cache.sync([refFor(huge, server.serve('/huge.mp4', huge.data))]);

    expect(status.failed[0]?.code).toBe('MEDIA_QUOTA_EXCEEDED');
    expect(await cached()).toEqual(shas('a', 'b', 'c'));
  });

  it('keeps the LRU order across a restart', async () => {
    cache.touch(files.a.sha256);
    cache.touch(files.b.sha256); // order: c, a, b
    await cache.stop();
    cache = createMediaCache({ dir: dir.path, quotaBytes: 3 * SIZE, log: testLogger() });
    await cache.start();

    await cache.sync([refs.f]);

    expect(await cached()).toEqual(shas('a', 'b', 'f'));
  });
});
