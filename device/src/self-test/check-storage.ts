import { randomBytes } from 'node:crypto';
import { open, realpath, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hostFiles } from '../health/host-files.js';
import { readStorageHealth } from '../health/storage-health.js';
import { describeError, type CheckOutcome } from './probes.js';

/** Below this a card makes media downloads and updates crawl; a counterfeit card often shows here. */
export const SLOW_WRITE_MB_PER_S = 10;
const CHUNK_BYTES = 1024 * 1024;

export interface StorageCheckInput {
  dataDir: string;
  bytes: number;
  sysRoot: string;
  procRoot: string;
  monotonicMs: () => number;
}

/**
 * Writes a test file into the data directory with fsync, reads it back and compares, then
 * deletes it. The write speed is what a card sustains for media; a read-only or full partition,
 * or a read-back that differs, fails.
 */
export async function checkStorage(input: StorageCheckInput): Promise<CheckOutcome> {
  const dirStat = await stat(input.dataDir).catch(() => null);
  if (!dirStat?.isDirectory()) {
    return { status: 'fail', summary: `the data directory ${input.dataDir} does not exist` };
  }
  const health = await readStorageHealth(
    { sys: hostFiles(input.sysRoot), proc: hostFiles(input.procRoot) },
    await realpath(input.dataDir).catch(() => input.dataDir),
  );
  const details: Record<string, string | number | boolean | null> = {
    dataDir: input.dataDir,
    bytes: input.bytes,
    readOnly: health.readOnly,
    filesystemErrors: health.errorCount,
  };
  const file = join(input.dataDir, `.self-test-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let mbPerSec: number;
  try {
    mbPerSec = await writeAndVerify(file, input.bytes, input.monotonicMs);
  } catch (error) {
    return { status: 'fail', summary: describeWriteError(error, input.dataDir), details };
  } finally {
    await rm(file, { force: true }).catch(() => undefined);
  }
  details.writeMBps = Math.round(mbPerSec * 10) / 10;
  const speed = `${details.writeMBps} MB/s write`;
  if (health.errorCount !== null && health.errorCount > 0) {
    const summary = `${speed}, but the filesystem recorded ${health.errorCount} errors: replace the SD card`;
    return { status: 'warn', summary, details };
  }
  if (mbPerSec < SLOW_WRITE_MB_PER_S) {
    return { status: 'warn', summary: `slow card: ${speed} (under ${SLOW_WRITE_MB_PER_S} MB/s)`, details };
  }
  return { status: 'pass', summary: `${speed} to ${input.dataDir}`, details };
}

async function writeAndVerify(file: string, bytes: number, monotonicMs: () => number): Promise<number> {
  const pattern = randomBytes(Math.min(CHUNK_BYTES, Math.max(1, bytes)));
  const handle = await open(file, 'wx', 0o600);
  let elapsedMs: number;
  try {
    const started = monotonicMs();
    for (let written = 0; written < bytes; written += pattern.length) {
      await handle.write(pattern, 0, Math.min(pattern.length, bytes - written));
    }
    // What reached the card, not the page cache.
    await handle.sync();
    elapsedMs = Math.max(monotonicMs() - started, 0.001);
  } finally {
    await handle.close();
  }
  await verify(file, bytes, pattern);
  return bytes / 1e6 / (elapsedMs / 1000);
}

async function verify(file: string, bytes: number, pattern: Buffer): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(pattern.length);
    for (let offset = 0; offset < bytes; offset += pattern.length) {
      const length = Math.min(pattern.length, bytes - offset);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      if (bytesRead !== length || !buffer.subarray(0, length).equals(pattern.subarray(0, length))) {
        throw new Error(`read back differs from what was written at byte ${offset}`);
      }
    }
  } finally {
    await handle.close();
  }
}

function describeWriteError(error: unknown, dataDir: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EROFS') return `the data partition (${dataDir}) is read-only: the card may be failing`;
  if (code === 'ENOSPC') return `the data partition (${dataDir}) is full`;
  if (code === 'EACCES' || code === 'EPERM') return `cannot write to ${dataDir}: permission denied`;
  if (code === 'EIO') return `input/output error writing to ${dataDir}: replace the SD card`;
  return `cannot write to ${dataDir}: ${describeError(error)}`;
}
