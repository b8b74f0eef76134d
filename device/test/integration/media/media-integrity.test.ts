import { open, readFile, truncate } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaCache, type MediaCache, type MediaRef } from '../../../src/media/media-cache.js';
import { mediaFile, refFor, tempDir, testLogger, type MediaFile } from './helpers/fixtures.js';
import { MediaServer } from './helpers/media-server.js';

const SIZE = 512 * 1024;

/** Flips bits in place, the way a failing SD card does, without changing the size. */
async function flipBits(path: string, offset: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0b1010_0101;
    await handle.write(byte, 0, 1, offset);
  } finally {
    await handle.close();
  }
}

describe('media cache integrity (P5)', () => {
  let server: MediaServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cache: MediaCache;
  let files: MediaFile[];
  let refs: MediaRef[];

  const newCache = () => createMediaCache({ dir: dir.path, quotaBytes: 64 * SIZE, log: testLogger() });

  beforeEach(async () => {
    server = new MediaServer();
    await server.start();
    dir = await tempDir('integrity');
    cache = newCache();
    await cache.start();
    files = Array.from({ length: 5 }, () => mediaFile(SIZE));
    refs = files.map((file, i) => refFor(file, server.serve(`/item-${i}.jpg`, file.data)));
    expect((await cache.sync(refs)).ready).toBe(true);
  });

  afterEach(async () => {
    await cache.stop();
    await server.stop();
    await dir.remove();
  });

  it('treats a file flipped on disk as a miss at once and fetches it again at the next sync', async () => {
    const damaged = files[1]!;
    await flipBits(cache.pathOf(damaged.sha256)!, 1234);

    expect(cache.pathOf(damaged.sha256)).toBeNull();
    expect(cache.status(refs)).toMatchObject({ ready: false, missing: [damaged.sha256] });

    expect((await cache.sync(refs)).ready).toBe(true);
    expect((await readFile(cache.pathOf(damaged.sha256)!)).equals(damaged.data)).toBe(true);
    expect(server.requestsFor('/item-1.jpg')).toHaveLength(2);
    expect(server.requestsFor('/item-0.jpg')).toHaveLength(1);
  });

  it('after a restart, hashes cached files before use and refetches only the damaged ones', async () => {
    const paths = files.map((file) => cache.pathOf(file.sha256)!);
    await cache.stop();
    await flipBits(paths[2]!, SIZE - 1);
    await truncate(paths[4]!, SIZE / 2);
    cache = newCache();
    await cache.start();

    expect(cache.pathOf(files[0]!.sha256)).toBeNull(); // nothing is trusted before it is checked
    const status = await cache.sync(refs);

    expect(status).toEqual({ ready: true, missing: [], failed: [], bytes: 5 * SIZE });
    const fetchedAgain = files.map((_, i) => server.requestsFor(`/item-${i}.jpg`).length);
    expect(fetchedAgain).toEqual([1, 1, 2, 1, 2]);
    for (const file of files)
      expect((await readFile(cache.pathOf(file.sha256)!)).equals(file.data)).toBe(true);
  });

  it('keeps a file whose metadata changed but whose bytes are intact, without refetching', async () => {
    const path = cache.pathOf(files[3]!.sha256)!;
    const handle = await open(path, 'r+');
    await handle.chmod(0o600); // changes ctime only
    await handle.close();

    expect(cache.pathOf(files[3]!.sha256)).toBeNull();
    expect((await cache.sync(refs)).ready).toBe(true);
    expect(cache.pathOf(files[3]!.sha256)).toBe(path);
    expect(server.requestsFor('/item-3.jpg')).toHaveLength(1);
  });
});
