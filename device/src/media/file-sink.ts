import { open, type FileHandle } from 'node:fs/promises';
import type { SlabPool } from './slab-pool.js';

/**
 * Where downloaded bytes go. The cache writes through this small interface so a test can make
 * the disk "fill up" after N bytes without mounting anything.
 */
export interface MediaSink {
  /** Resolves once the chunk is accepted; a failed earlier write rejects here or at sync/close. */
  write(chunk: Uint8Array): Promise<void>;
  /** Writes everything accepted so far and fsyncs the file. */
  sync(): Promise<void>;
  /** Writes everything accepted so far and closes; safe to call twice. */
  close(): Promise<void>;
}

/**
 * `pool`, when given, gets every chunk back once it is on disk (the transport lent it, see
 * SlabPool); a sink that keeps chunks, or does not know the pool, simply never gives them back.
 */
export type SinkFactory = (path: string, mode: 'append' | 'truncate', pool?: SlabPool) => Promise<MediaSink>;

/** Chunks are 64 KiB (node:http) to 1 MiB (raw-http.ts); one writev per MiB keeps system calls few. */
const BATCH_BYTES = 1 << 20;
/**
 * Writes run while the next bytes are read; beyond this much unwritten data, reading waits. Small
 * on purpose: the agent's whole budget is 60 MB (B7), and a slow card should slow the download,
 * not grow memory.
 */
const MAX_QUEUED_BYTES = 4 << 20;
/**
 * Written data is flushed to the card every so often rather than all at the end: the final
 * fsync before the rename stays short, and the kernel never holds a whole video of dirty pages.
 */
const DATASYNC_EVERY_BYTES = 8 << 20;

/**
 * A file sink that batches chunks and lets the disk work while the network delivers: writes are
 * queued in order on the thread pool and only a full queue makes the caller wait, so a slow
 * card slows the download instead of growing memory.
 */
export const openFileSink: SinkFactory = async (path, mode, pool) => {
  const handle = await open(path, mode === 'append' ? 'a' : 'w', 0o644);
  const queue = new WriteQueue(handle, pool);
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  let closed = false;
  const flushBatch = (): void => {
    if (batchBytes === 0) return;
    queue.push(batch, batchBytes);
    batch = [];
    batchBytes = 0;
  };

  return {
    async write(chunk) {
      queue.throwIfFailed();
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= BATCH_BYTES) flushBatch();
      if (queue.queuedBytes > MAX_QUEUED_BYTES) await queue.below(MAX_QUEUED_BYTES);
    },
    async sync() {
      flushBatch();
      await queue.drain();
      await handle.sync();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        flushBatch();
        await queue.drain();
      } finally {
        await handle.close();
      }
    },
  };
};

/**
 * Ordered writes to one file; after the first failure nothing more is written. A datasync runs
 * beside the writes (one at a time), not between them, so it never stalls the download.
 */
class WriteQueue {
  queuedBytes = 0;
  private readonly pending: Array<{ done: Promise<void>; bytes: number }> = [];
  private tail: Promise<void> = Promise.resolve();
  private unsynced = 0;
  private syncing: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly handle: FileHandle,
    private readonly pool: SlabPool | undefined,
  ) {}

  push(chunks: Uint8Array[], bytes: number): void {
    this.queuedBytes += bytes;
    const done = this.tail.then(() => this.write(chunks, bytes));
    this.tail = done;
    this.pending.push({ done, bytes });
    void done.then(() => {
      this.queuedBytes -= bytes;
      this.pending.shift();
    });
  }

  /** Waits until at most `maxBytes` are still to be written. */
  async below(maxBytes: number): Promise<void> {
    while (this.queuedBytes > maxBytes && this.pending.length > 0) await this.pending[0]!.done;
    this.throwIfFailed();
  }

  async drain(): Promise<void> {
    await this.tail;
    await this.syncing;
    this.throwIfFailed();
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private async write(chunks: Uint8Array[], bytes: number): Promise<void> {
    if (this.failure) return;
    try {
      await writeAll(this.handle, chunks, bytes);
    } catch (error) {
      this.failure = { error };
      return;
    }
    for (const chunk of chunks) this.pool?.giveBack(chunk);
    this.unsynced += bytes;
    if (this.unsynced < DATASYNC_EVERY_BYTES || this.syncing) return;
    this.unsynced = 0;
    this.syncing = this.handle.datasync().then(
      () => void (this.syncing = null),
      (error: unknown) => void ((this.failure ??= { error }), (this.syncing = null)),
    );
  }
}

/** writev without copying the chunks together; a short write (disk nearly full) continues. */
async function writeAll(handle: FileHandle, chunks: Uint8Array[], bytes: number): Promise<void> {
  let { bytesWritten } = await handle.writev(chunks);
  if (bytesWritten === bytes) return;
  const rest = Buffer.concat(chunks, bytes);
  while (bytesWritten < bytes) {
    const result = await handle.write(rest, bytesWritten, bytes - bytesWritten);
    bytesWritten += result.bytesWritten;
  }
}
