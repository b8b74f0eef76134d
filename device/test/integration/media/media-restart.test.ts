import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaCache, type MediaCache } from '../../../src/media/media-cache.js';
import { countingSink, mediaFile, refFor, tempDir, testLogger, waitFor } from './helpers/fixtures.js';
import { MediaServer } from './helpers/media-server.js';

const SIZE = 4 * 1024 * 1024;

describe('media cache across restarts', () => {
  let server: MediaServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cache: MediaCache;

  const newCache = () => createMediaCache({ dir: dir.path, quotaBytes: 64 * SIZE, log: testLogger() });

  beforeEach(async () => {
    server = new MediaServer();
    await server.start();
    dir = await tempDir('restart');
    cache = newCache();
    await cache.start();
  });

  afterEach(async () => {
    await cache.stop();
    await server.stop();
    await dir.remove();
  });

  it('keeps a partial download on stop and a new instance resumes it with a Range request', async () => {
    const sink = countingSink();
    await cache.stop();
    cache = createMediaCache({
      dir: dir.path,
      quotaBytes: 64 * SIZE,
      log: testLogger(),
      openSink: sink.openSink,
    });
    await cache.start();
    const done = mediaFile(256 * 1024);
    const big = mediaFile(SIZE);
    const pauseAt = Math.floor(SIZE * 0.4);
    const refs = [
      refFor(done, server.serve('/logo.png', done.data)),
      refFor(big, server.serve('/harbour.mp4', big.data, { pauseAt })),
    ];
    const first = cache.sync(refs);
    await waitFor(() => sink.received() === done.data.length + pauseAt);
    await cache.stop();
    expect((await first).missing).toEqual([big.sha256]);
    const kept = await stat(join(dir.path, 'partial', big.sha256));
    expect(kept.size).toBe(pauseAt);
    expect(existsSync(join(dir.path, 'partial', `${big.sha256}.json`))).toBe(true);

    server.behaviour('/harbour.mp4').pauseAt = null;
    cache = newCache();
    await cache.start();
    const status = await cache.sync(refs);

    expect(status.ready).toBe(true);
    expect(server.requestsFor('/logo.png')).toHaveLength(1); // found on disk, hashed, not fetched
    expect(server.requestsFor('/harbour.mp4').map((request) => request.range)).toEqual([
      undefined,
      `bytes=${pauseAt}-`,
    ]);
    expect(server.bytesSent('/harbour.mp4')).toBeLessThanOrEqual(SIZE * 1.01);
    expect((await readFile(cache.pathOf(big.sha256)!)).equals(big.data)).toBe(true);
  });

  it('a stop in the middle of checking a cached file neither deletes nor trusts it', async () => {
    const video = mediaFile(64 * 1024 * 1024);
    const ref = refFor(video, server.serve('/long.mp4', video.data));
    await cache.sync([ref]);
    await cache.stop();
    cache = newCache();
    await cache.start();

    const checking = cache.sync([ref]);
    await cache.stop();
    expect((await checking).missing).toEqual([video.sha256]); // not trusted: the hash never finished

    expect(existsSync(join(dir.path, 'objects', video.sha256))).toBe(true);
    cache = newCache();
    await cache.start();
    expect((await cache.sync([ref])).ready).toBe(true);
    expect(server.requestsFor('/long.mp4')).toHaveLength(1);
  });

  it('removes what a crash leaves behind at start and keeps the LRU order', async () => {
    const a = mediaFile(1024);
    const b = mediaFile(2048);
    await cache.sync([refFor(a, server.serve('/a.png', a.data)), refFor(b, server.serve('/b.png', b.data))]);
    cache.touch(a.sha256);
    await cache.stop();
    const orphanSidecar = join(dir.path, 'partial', `${'c'.repeat(64)}.json`);
    const orphanData = join(dir.path, 'partial', 'd'.repeat(64));
    const strayObject = join(dir.path, 'objects', 'not-a-hash.tmp');
    const indexTemp = join(dir.path, '.index.json.0123456789ab.tmp');
    for (const path of [orphanSidecar, orphanData, strayObject, indexTemp]) await writeFile(path, 'x');

    cache = newCache();
    await cache.start();

    expect(await readdir(join(dir.path, 'partial'))).toEqual([]);
    expect((await readdir(join(dir.path, 'objects'))).sort()).toEqual([a.sha256, b.sha256].sort());
    expect(existsSync(indexTemp)).toBe(false);
    const index = JSON.parse(await readFile(join(dir.path, 'index.json'), 'utf8'));
    expect(index.entries.map((entry: { sha256: string }) => entry.sha256)).toEqual([b.sha256, a.sha256]);
  });

  it('rebuilds the index from the files when index.json is damaged', async () => {
    const a = mediaFile(1024);
    const ref = refFor(a, server.serve('/a.png', a.data));
    await cache.sync([ref]);
    await cache.stop();
    await writeFile(join(dir.path, 'index.json'), '{"version":1,"entries":[{"sha256":');

    cache = newCache();
    await cache.start();

    expect(await cache.sync([ref])).toEqual({ ready: true, missing: [], failed: [], bytes: 1024 });
    expect(server.requestsFor('/a.png')).toHaveLength(1);
  });
});
