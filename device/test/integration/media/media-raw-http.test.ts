import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileSink, type SinkFactory } from '../../../src/media/file-sink.js';
import { createMediaCache, type MediaCache } from '../../../src/media/media-cache.js';
import { mediaFile, refFor, tempDir, testLogger } from './helpers/fixtures.js';
import { MediaServer } from './helpers/media-server.js';

describe('media cache default transport (plain HTTP client of its own)', () => {
  let server: MediaServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cache: MediaCache;
  let slowCache: MediaCache | null = null;

  beforeEach(async () => {
    server = new MediaServer();
    await server.start();
    dir = await tempDir('raw-http');
    cache = createMediaCache({ dir: dir.path, quotaBytes: 256 * 1024 * 1024, log: testLogger() });
    await cache.start();
  });

  afterEach(async () => {
    await slowCache?.stop();
    slowCache = null;
    await cache.stop();
    await server.stop();
    await dir.remove();
  });

  it('keeps every byte intact while it reuses its read buffers over a large file with cuts', async () => {
    const size = 40 * 1024 * 1024 + 12345;
    const file = mediaFile(size);
    const cuts = [Math.floor(size * 0.3), Math.floor(size * 0.7)];
    const ref = refFor(file, server.serve('/terminal-loop.mp4', file.data, { cuts: [...cuts] }));

    expect((await cache.sync([ref])).ready).toBe(true);

    expect((await readFile(cache.pathOf(file.sha256)!)).equals(file.data)).toBe(true);
    expect(server.bytesSent('/terminal-loop.mp4')).toBe(size);
    expect(server.requestsFor('/terminal-loop.mp4').map((request) => request.range)).toEqual([
      undefined,
      `bytes=${cuts[0]}-`,
      `bytes=${cuts[1]}-`,
    ]);
  });

  it('hands a chunked body over to node:http and still verifies it', async () => {
    const file = mediaFile(3 * 1024 * 1024);
    const ref = refFor(file, server.serve('/ticker.bin', file.data, { chunked: true }));

    expect((await cache.sync([ref])).ready).toBe(true);

    expect((await readFile(cache.pathOf(file.sha256)!)).equals(file.data)).toBe(true);
    // The first answer announced a transfer coding; the second request is node:http's.
    expect(server.requestsFor('/ticker.bin')).toHaveLength(2);
  });

  it('stops reading while a slow disk catches up, then goes on with the same response', async () => {
    // Every write waits a little, as on a slow card: the socket must pause and resume, not stall.
    const slowSink: SinkFactory = async (path, mode, pool) => {
      const sink = await openFileSink(path, mode, pool);
      return { ...sink, write: async (chunk) => (await sleep(2), sink.write(chunk)) };
    };
    slowCache = createMediaCache({
      dir: `${dir.path}/slow`,
      quotaBytes: 1 << 26,
      log: testLogger(),
      openSink: slowSink,
    });
    await slowCache.start();
    const file = mediaFile(12 * 1024 * 1024);
    const ref = refFor(file, server.serve('/arrivals.mp4', file.data));

    expect((await slowCache.sync([ref])).ready).toBe(true);

    expect((await readFile(slowCache.pathOf(file.sha256)!)).equals(file.data)).toBe(true);
    expect(server.requestsFor('/arrivals.mp4')).toHaveLength(1);
  });
});
