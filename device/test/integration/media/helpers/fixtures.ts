import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { openFileSink, type SinkFactory } from '../../../../src/media/file-sink.js';
import type { MediaRef } from '../../../../src/media/media-cache.js';

/** Silent by default; GATECAST_TEST_LOG=debug shows the cache's own log lines. */
export function testLogger(): Logger {
  return pino({ level: process.env.GATECAST_TEST_LOG ?? 'silent' });
}

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `gatecast-media-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface MediaFile {
  data: Buffer;
  sha256: string;
}

export function mediaFile(sizeBytes: number): MediaFile {
  const data = randomBytes(sizeBytes);
  return { data, sha256: sha256Of(data) };
}

export function sha256Of(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function refFor(file: MediaFile, url: string): MediaRef {
  return { sha256: file.sha256, url, sizeBytes: file.data.length };
}

/** Polls until `check` holds; for waiting on a server or file state, never for timing assertions. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The real file sink, counting the bytes the cache has accepted, so a test can wait for them. */
export function countingSink(): { openSink: SinkFactory; received: () => number } {
  let received = 0;
  const openSink: SinkFactory = async (path, mode) => {
    const sink = await openFileSink(path, mode);
    return {
      ...sink,
      async write(chunk) {
        await sink.write(chunk);
        received += chunk.length;
      },
    };
  };
  return { openSink, received: () => received };
}
