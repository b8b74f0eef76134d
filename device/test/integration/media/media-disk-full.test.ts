import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileSink, type SinkFactory } from '../../../src/media/file-sink.js';
import { createMediaCache, type MediaCache } from '../../../src/media/media-cache.js';
import { mediaFile, refFor, tempDir, testLogger } from './helpers/fixtures.js';
import { MediaServer } from './helpers/media-server.js';

/** A real file sink on a disk that "fills up" after `room` bytes for the chosen files. */
function fillingDisk(room: number, fullFor: Set<string>): SinkFactory {
  return async (path, mode) => {
    const sink = await openFileSink(path, mode);
    if (![...fullFor].some((sha256) => path.endsWith(sha256))) return sink;
    let written = 0;
    return {
      ...sink,
      async write(chunk) {
        written += chunk.length;
        if (written > room) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        await sink.write(chunk);
      },
    };
  };
}

describe('media cache on a full disk (U7)', () => {
  let server: MediaServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cache: MediaCache | null = null;

  beforeEach(async () => {
    server = new MediaServer();
    await server.start();
    dir = await tempDir('disk-full');
  });

  afterEach(async () => {
    await cache?.stop();
    cache = null;
    await server.stop();
    await dir.remove();
  });

  it('fails only the download that hit ENOSPC, removes its partial and keeps what is cached', async () => {
    let now = new Date('2026-11-26T08:00:00Z');
    const fullFor = new Set<string>();
    const cached = mediaFile(300 * 1024);
    const big = mediaFile(4 * 1024 * 1024);
    const small = mediaFile(200 * 1024);
    cache = createMediaCache({
      dir: dir.path,
      quotaBytes: 64 * 1024 * 1024,
      log: testLogger(),
      now: () => now,
      openSink: fillingDisk(1024 * 1024, fullFor),
    });
    await cache.start();
    const cachedRef = refFor(cached, server.serve('/welcome.jpg', cached.data));
    await cache.sync([cachedRef]);
    fullFor.add(big.sha256);
    const refs = [
      cachedRef,
      refFor(big, server.serve('/video.mp4', big.data)),
      refFor(small, server.serve('/s.png', small.data)),
    ];

    const status = await cache.sync(refs);

    expect(status.missing).toEqual([big.sha256]);
    expect(status.failed).toEqual([
      { sha256: big.sha256, code: 'DISK_FULL', message: expect.stringContaining('ENOSPC') },
    ]);
    expect(await readdir(join(dir.path, 'partial'))).toEqual([]);
    expect((await readFile(cache.pathOf(cached.sha256)!)).equals(cached.data)).toBe(true);
    expect(cache.pathOf(small.sha256)).not.toBeNull();

    fullFor.clear(); // space was freed; after the backoff the download succeeds
    now = new Date(now.getTime() + 60 * 60_000);
    expect((await cache.sync(refs)).ready).toBe(true);
  });

  it('on a real 1 MiB tmpfs, reports the full disk and keeps the cached file', async (context) => {
    const mountPoint = join(dir.path, 'tmpfs');
    execFileSync('mkdir', ['-p', mountPoint]);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      context.skip('mounting a tmpfs is not permitted here; the injected ENOSPC test covers the logic');
    }
    try {
      const cached = mediaFile(200 * 1024);
      const big = mediaFile(2 * 1024 * 1024);
      cache = createMediaCache({
        dir: join(mountPoint, 'media'),
        quotaBytes: 64 * 1024 * 1024,
        log: testLogger(),
      });
      await cache.start();
      const cachedRef = refFor(cached, server.serve('/welcome.jpg', cached.data));
      expect((await cache.sync([cachedRef])).ready).toBe(true);

      const status = await cache.sync([cachedRef, refFor(big, server.serve('/video.mp4', big.data))]);

      expect(status.failed).toEqual([
        { sha256: big.sha256, code: 'DISK_FULL', message: expect.stringContaining('ENOSPC') },
      ]);
      expect(await readdir(join(mountPoint, 'media', 'partial'))).toEqual([]);
      expect((await readFile(cache.pathOf(cached.sha256)!)).equals(cached.data)).toBe(true);
    } finally {
      await cache?.stop();
      cache = null;
      execFileSync('umount', [mountPoint]);
    }
  });
});
