import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaCache, type MediaCache } from '../../../src/media/media-cache.js';
import { mediaFile, refFor, tempDir, testLogger } from './helpers/fixtures.js';
import { MediaServer } from './helpers/media-server.js';

const SIZE = 2 * 1024 * 1024;

describe('media cache transports', () => {
  let server: MediaServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cache: MediaCache | null = null;

  beforeEach(async () => {
    server = new MediaServer();
    await server.start();
    dir = await tempDir('transport');
  });

  afterEach(async () => {
    await cache?.stop();
    cache = null;
    await server.stop();
    await dir.remove();
  });

  it('follows redirects with node:http, resuming against the final URL', async () => {
    cache = createMediaCache({ dir: dir.path, quotaBytes: 8 * SIZE, log: testLogger() });
    await cache.start();
    const file = mediaFile(SIZE);
    server.serve('/cdn/welcome.mp4', file.data, { cuts: [SIZE / 2] });
    server.redirect('/media/welcome.mp4', server.url('/cdn/welcome.mp4'), 307);

    const status = await cache.sync([refFor(file, server.url('/media/welcome.mp4'))]);

    expect(status.ready).toBe(true);
    expect(server.requestsFor('/media/welcome.mp4')).toHaveLength(2);
    expect(server.requestsFor('/cdn/welcome.mp4').map((request) => request.range)).toEqual([
      undefined,
      `bytes=${SIZE / 2}-`,
    ]);
    expect(server.bytesSent('/cdn/welcome.mp4')).toBe(SIZE);
  });

  describe('through an injected fetch', () => {
    beforeEach(async () => {
      cache = createMediaCache({ dir: dir.path, quotaBytes: 8 * SIZE, log: testLogger(), fetchImpl: fetch });
      await cache.start();
    });

    it('resumes cuts at 30 % and 70 % without fetching anything twice', async () => {
      const file = mediaFile(SIZE);
      const cuts = [Math.floor(SIZE * 0.3), Math.floor(SIZE * 0.7)];
      const ref = refFor(file, server.serve('/ferry.mp4', file.data, { cuts: [...cuts] }));

      expect((await cache!.sync([ref])).ready).toBe(true);

      expect(server.bytesSent('/ferry.mp4')).toBe(SIZE);
      expect(server.requestsFor('/ferry.mp4').map((request) => request.range)).toEqual([
        undefined,
        `bytes=${cuts[0]}-`,
        `bytes=${cuts[1]}-`,
      ]);
      expect((await readFile(cache!.pathOf(file.sha256)!)).equals(file.data)).toBe(true);
    });

    it('stops at the declared size and rejects wrong bytes', async () => {
      const file = mediaFile(SIZE);
      const big = mediaFile(4 * SIZE);
      const other = mediaFile(SIZE);
      const refs = [
        { ...refFor(file, server.serve('/big.bin', big.data, { chunked: true })) },
        { sha256: other.sha256, url: server.serve('/wrong.bin', file.data), sizeBytes: SIZE },
      ];

      const status = await cache!.sync(refs);

      expect(status.failed.map((failure) => failure.code).sort()).toEqual([
        'MEDIA_INVALID',
        'MEDIA_TOO_LARGE',
      ]);
      expect(await readdir(join(dir.path, 'objects'))).toEqual([]);
      expect(await readdir(join(dir.path, 'partial'))).toEqual([]);
    });
  });
});
