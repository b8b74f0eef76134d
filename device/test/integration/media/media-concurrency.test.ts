import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaCache, type MediaCache } from '../../../src/media/media-cache.js';
import { mediaFile, refFor, tempDir, testLogger, waitFor } from './helpers/fixtures.js';
import { MediaServer } from './helpers/media-server.js';

const SIZE = 1024 * 1024;

describe('media cache concurrency', () => {
  let server: MediaServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cache: MediaCache;

  beforeEach(async () => {
    server = new MediaServer();
    await server.start();
    dir = await tempDir('concurrency');
    cache = createMediaCache({ dir: dir.path, quotaBytes: 64 * SIZE, log: testLogger(), maxConcurrent: 2 });
    await cache.start();
  });

  afterEach(async () => {
    await cache.stop();
    await server.stop();
    await dir.remove();
  });

  it('runs at most maxConcurrent downloads at once, across concurrent syncs', async () => {
    const files = Array.from({ length: 5 }, () => mediaFile(SIZE));
    const refs = files.map((file, i) =>
      refFor(file, server.serve(`/f${i}.jpg`, file.data, { pauseAt: SIZE / 2 })),
    );
    const syncs = Promise.all([cache.sync(refs.slice(0, 3)), cache.sync(refs.slice(3))]);

    for (const batch of [2, 2, 1]) {
      await waitFor(() => server.pausedCount === batch);
      await new Promise((resolve) => setTimeout(resolve, 100)); // room for a third request, if it came
      expect(server.pausedCount).toBe(batch);
      server.release();
    }
    const [first, second] = await syncs;

    expect(first.ready && second.ready).toBe(true);
    expect(server.maxActive).toBe(2);
    expect(server.requests).toHaveLength(5);
  });

  it('downloads a file needed by two syncs at the same time only once', async () => {
    const file = mediaFile(SIZE);
    const ref = refFor(file, server.serve('/shared.mp4', file.data, { pauseAt: SIZE / 4 }));

    const both = Promise.all([cache.sync([ref]), cache.sync([ref])]);
    await waitFor(() => server.pausedCount === 1);
    server.release();
    const statuses = await both;

    expect(statuses.map((status) => status.ready)).toEqual([true, true]);
    expect(server.requestsFor('/shared.mp4')).toHaveLength(1);
    expect(server.bytesSent('/shared.mp4')).toBe(SIZE);
  });
});
