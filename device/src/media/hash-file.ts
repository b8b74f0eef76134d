import { createReadStream } from 'node:fs';
import type { Hash } from 'node:crypto';

/** Feeds a file's bytes into `hash` and returns how many there were. */
export async function hashInto(hash: Hash, path: string, signal?: AbortSignal): Promise<number> {
  let bytes = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return bytes;
}
