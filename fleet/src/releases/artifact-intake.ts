import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { GatecastError } from '@gatecast/protocol';

export interface ExpectedArtifact {
  version: string;
  sha256: string;
  size: number;
}

/**
 * Streams an upload to a temp file beside its final place, hashing and counting on the way, and
 * renames it into place only when it is exactly the signed size and sha256. Nothing is buffered
 * whole (artifacts may be hundreds of MB); one byte past the size stops it (PAYLOAD_TOO_LARGE).
 */
export async function receiveArtifact(
  source: Readable,
  expected: ExpectedArtifact,
  target: string,
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.incoming-${randomBytes(6).toString('hex')}`);
  const file = await open(temp, 'wx', 0o644);
  const hash = createHash('sha256');
  let received = 0;
  try {
    // The request is not destroyed on a refusal, so the error answer can still reach the uploader.
    for await (const chunk of source.iterator({ destroyOnReturn: false })) {
      const bytes = chunk as Buffer;
      received += bytes.length;
      if (received > expected.size) {
        throw new GatecastError(
          'PAYLOAD_TOO_LARGE',
          `the artifact of ${expected.version} is larger than its signed size of ${expected.size} bytes`,
        );
      }
      hash.update(bytes);
      await file.write(bytes);
    }
    checkComplete(expected, received, hash.digest('hex'));
    // On disk before it is named: a power cut never leaves a published release with a short file.
    await file.sync();
    await file.close();
    await rename(temp, target);
    await syncDirectory(dirname(target));
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

function checkComplete(expected: ExpectedArtifact, received: number, sha256: string): void {
  if (received !== expected.size) {
    throw new GatecastError(
      'UPDATE_TAMPERED',
      `the artifact of ${expected.version} has ${received} bytes; its manifest signs ${expected.size}`,
    );
  }
  if (sha256 !== expected.sha256) {
    throw new GatecastError(
      'UPDATE_TAMPERED',
      `the artifact of ${expected.version} has sha256 ${sha256}; its manifest signs ${expected.sha256}`,
    );
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
