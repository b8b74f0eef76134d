import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaCache, type MediaCache } from '../../../src/media/media-cache.js';
import {
  countingSink,
  mediaFile,
  refFor,
  tempDir,
  testLogger,
  waitFor,
  type MediaFile,
} from './helpers/fixtures.js';
import { MediaServer } from './helpers/media-server.js';

const SIZE = 4 * 1024 * 1024;

describe('media cache downloads', () => {
  let server: MediaServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cache: MediaCache;
  let file: MediaFile;

  beforeEach(async () => {
    server = new MediaServer();
    await server.start();
    dir = await tempDir('download');
    cache = createMediaCache({ dir: dir.path, quotaBytes: 64 * SIZE, log: testLogger() });
    await cache.start();
    file = mediaFile(SIZE);
  });

  afterEach(async () => {
    await cache.stop();
    await server.stop();
    await dir.remove();
  });

  it('downloads, verifies and moves a file into objects/ under its sha256', async () => {
    const ref = refFor(file, server.serve('/welcome.mp4', file.data));
    expect(cache.pathOf(file.sha256)).toBeNull();

    const status = await cache.sync([ref]);

    expect(status).toEqual({ ready: true, missing: [], failed: [], bytes: SIZE });
    const path = cache.pathOf(file.sha256);
    expect(path).toBe(join(dir.path, 'objects', file.sha256));
    expect((await readFile(path!)).equals(file.data)).toBe(true);
    expect(await readdir(join(dir.path, 'partial'))).toEqual([]);
    expect(server.requestsFor('/welcome.mp4')).toHaveLength(1);
    expect(server.requestsFor('/welcome.mp4')[0]?.acceptEncoding).toBe('identity');
    await cache.stop();
    const index = JSON.parse(await readFile(join(dir.path, 'index.json'), 'utf8'));
    expect(index.entries).toEqual([expect.objectContaining({ sha256: file.sha256, sizeBytes: SIZE })]);
  });

  it('resumes a download cut at 30 % and at 70 % without fetching anything twice', async () => {
    const cuts = [Math.floor(SIZE * 0.3), Math.floor(SIZE * 0.7)];
    const ref = refFor(file, server.serve('/ferry.mp4', file.data, { cuts: [...cuts] }));

    const status = await cache.sync([ref]);

    expect(status.ready).toBe(true);
    expect(server.bytesSent('/ferry.mp4')).toBeLessThanOrEqual(SIZE * 1.01);
    const requests = server.requestsFor('/ferry.mp4');
    expect(requests.map((request) => request.range)).toEqual([
      undefined,
      `bytes=${cuts[0]}-`,
      `bytes=${cuts[1]}-`,
    ]);
    expect(requests[1]?.ifRange).toBe(server.behaviour('/ferry.mp4').etag);
    expect((await readFile(cache.pathOf(file.sha256)!)).equals(file.data)).toBe(true);
  });

  it('falls back to Last-Modified for If-Range when the server sends only a weak ETag', async () => {
    const ref = refFor(file, server.serve('/weak.png', file.data, { etag: 'W/"weak"', cuts: [SIZE / 2] }));

    expect((await cache.sync([ref])).ready).toBe(true);

    const resumed = server.requestsFor('/weak.png')[1];
    expect(resumed?.range).toBe(`bytes=${SIZE / 2}-`);
    expect(resumed?.ifRange).toBe(server.behaviour('/weak.png').lastModified);
  });

  it('starts over from zero when the server ignores the range and answers 200', async () => {
    const cut = Math.floor(SIZE * 0.3);
    const ref = refFor(file, server.serve('/no-ranges.jpg', file.data, { cuts: [cut], ignoreRange: true }));

    const status = await cache.sync([ref]);

    expect(status.ready).toBe(true);
    expect(server.bytesSent('/no-ranges.jpg')).toBe(cut + SIZE);
    expect((await readFile(cache.pathOf(file.sha256)!)).equals(file.data)).toBe(true);
  });

  it('starts over when the file changed on the server (If-Range no longer matches)', async () => {
    const cut = Math.floor(SIZE * 0.5);
    const sink = countingSink();
    await cache.stop();
    cache = createMediaCache({
      dir: dir.path,
      quotaBytes: 64 * SIZE,
      log: testLogger(),
      openSink: sink.openSink,
    });
    await cache.start();
    const url = server.serve('/changed.jpg', file.data, { pauseAt: cut });
    const first = cache.sync([refFor(file, url)]);
    await waitFor(() => sink.received() === cut);
    await cache.stop();
    await first;
    server.behaviour('/changed.jpg').etag = '"changed-v2"';
    server.behaviour('/changed.jpg').pauseAt = null;
    cache = createMediaCache({ dir: dir.path, quotaBytes: 64 * SIZE, log: testLogger() });
    await cache.start();

    const status = await cache.sync([refFor(file, url)]);

    expect(status.ready).toBe(true);
    const resumed = server.requestsFor('/changed.jpg')[1];
    expect(resumed?.range).toMatch(/^bytes=\d+-$/);
    expect(resumed?.ifRange).toBe('"changedjpg-v1"');
    expect(server.bytesSent('/changed.jpg')).toBe(cut + SIZE);
  });

  it('cuts a connection that stalls and resumes it, so a silent server cannot hold a slot', async () => {
    await cache.stop();
    cache = createMediaCache({ dir: dir.path, quotaBytes: 64 * SIZE, log: testLogger(), idleTimeoutMs: 500 });
    await cache.start();
    const half = SIZE / 2;
    const ref = refFor(file, server.serve('/stalls.mp4', file.data, { pauseAt: half }));
    const syncing = cache.sync([ref]);
    await waitFor(() => server.pausedCount === 1);
    server.behaviour('/stalls.mp4').pauseAt = null; // the next connection delivers

    expect((await syncing).ready).toBe(true);
    expect(server.requestsFor('/stalls.mp4').map((request) => request.range)).toEqual([
      undefined,
      `bytes=${half}-`,
    ]);
    expect(server.bytesSent('/stalls.mp4')).toBe(SIZE);
  });

  it('starts over when a 206 answer does not continue at the requested offset', async () => {
    const cut = Math.floor(SIZE * 0.3);
    const ref = refFor(
      file,
      server.serve('/bad-range.jpg', file.data, { cuts: [cut], wrongContentRange: true }),
    );

    const status = await cache.sync([ref]);

    expect(status.ready).toBe(true);
    const ranges = server.requestsFor('/bad-range.jpg').map((request) => request.range);
    expect(ranges).toEqual([undefined, `bytes=${cut}-`, undefined]);
    expect((await readFile(cache.pathOf(file.sha256)!)).equals(file.data)).toBe(true);
  });

  it('rejects a file whose bytes do not match the sha256, keeps nothing and backs off', async () => {
    let now = new Date('2026-11-26T08:00:00Z');
    await cache.stop();
    cache = createMediaCache({ dir: dir.path, quotaBytes: 64 * SIZE, log: testLogger(), now: () => now });
    await cache.start();
    const other = mediaFile(SIZE);
    const ref = refFor(file, server.serve('/wrong.mp4', other.data));

    const status = await cache.sync([ref]);

    expect(status.ready).toBe(false);
    expect(status.missing).toEqual([file.sha256]);
    expect(status.failed).toEqual([
      { sha256: file.sha256, code: 'MEDIA_INVALID', message: expect.any(String) },
    ]);
    expect(cache.pathOf(file.sha256)).toBeNull();
    expect(await readdir(join(dir.path, 'objects'))).toEqual([]);
    expect(await readdir(join(dir.path, 'partial'))).toEqual([]);
    expect((await cache.sync([ref])).failed[0]?.code).toBe('MEDIA_INVALID');
    expect(server.requestsFor('/wrong.mp4')).toHaveLength(1); // still backing off

    server.serve('/wrong.mp4', file.data);
    now = new Date(now.getTime() + 60 * 60_000);
    expect(await cache.sync([ref])).toEqual({ ready: true, missing: [], failed: [], bytes: SIZE });
    expect(server.requestsFor('/wrong.mp4')).toHaveLength(2);
  });

  it('stops reading at the declared size when the body is larger', async () => {
    const declared = 1024 * 1024;
    const big = mediaFile(64 * 1024 * 1024);
    const ref = {
      sha256: file.sha256,
      url: server.serve('/oversize.bin', big.data, { chunked: true }),
      sizeBytes: declared,
    };

    const status = await cache.sync([ref]);

    expect(status.failed).toEqual([
      { sha256: file.sha256, code: 'MEDIA_TOO_LARGE', message: expect.any(String) },
    ]);
    expect(await readdir(join(dir.path, 'objects'))).toEqual([]);
    expect(await readdir(join(dir.path, 'partial'))).toEqual([]);
    // The client hung up: the server could not push the rest of the 64 MB into the socket.
    expect(server.bytesSent('/oversize.bin')).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a body whose Content-Length exceeds the declared size without reading it', async () => {
    const ref = { ...refFor(file, server.serve('/announced.bin', file.data)), sizeBytes: SIZE - 1 };

    const status = await cache.sync([ref]);

    expect(status.failed[0]?.code).toBe('MEDIA_TOO_LARGE');
    expect(existsSync(join(dir.path, 'partial', file.sha256))).toBe(false);
  });

  it('reports a missing file on the server as NOT_FOUND and other files still arrive', async () => {
    const good = mediaFile(256 * 1024);
    const refs = [
      refFor(file, server.url('/missing.png')),
      refFor(good, server.serve('/good.png', good.data)),
    ];

    const status = await cache.sync(refs);

    expect(status.ready).toBe(false);
    expect(status.missing).toEqual([file.sha256]);
    expect(status.failed).toEqual([{ sha256: file.sha256, code: 'NOT_FOUND', message: expect.any(String) }]);
    expect(cache.pathOf(good.sha256)).not.toBeNull();
  });

  it('stores an empty file without asking the server', async () => {
    const empty = mediaFile(0);
    const ref = refFor(empty, server.url('/empty.txt'));

    expect((await cache.sync([ref])).ready).toBe(true);
    expect((await readFile(cache.pathOf(empty.sha256)!)).length).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it('never turns a malformed sha256 into a path', async () => {
    const ref = { sha256: '../../etc/passwd', url: server.url('/x'), sizeBytes: 1 };

    const status = await cache.sync([ref]);

    expect(status.failed).toEqual([
      { sha256: ref.sha256, code: 'MEDIA_INVALID', message: expect.any(String) },
    ]);
    expect(cache.pathOf(ref.sha256)).toBeNull();
    expect(server.requests).toHaveLength(0);
  });
});
