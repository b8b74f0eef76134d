import type { CacheLayout } from './cache-layout.js';
import type { SinkFactory, MediaSink } from './file-sink.js';
import { describe, mediaFailure, writeFailure, type MediaFailure } from './media-errors.js';
import type { MediaRef } from './media-types.js';
import type { Progress } from './download-file.js';
import type { HttpResponse } from './http-transport.js';
import type { SlabPool } from './slab-pool.js';

export type AttemptOutcome =
  | { kind: 'complete'; bytes: number }
  | { kind: 'cut'; bytes: number; reason: string }
  | { kind: 'refetch'; bytes: number; reason: string }
  | { kind: 'failed'; bytes: number; failure: MediaFailure };

export interface BodyJob {
  ref: MediaRef;
  layout: CacheLayout;
  openSink: SinkFactory;
  progress: Progress;
  response: HttpResponse;
  /** Continue the partial file (206) or replace it (200). */
  append: boolean;
  /** The attempt's idle timer, pushed back by every chunk. */
  idle: NodeJS.Timeout;
  /** The download's read buffers: the sink returns chunks to it once written. */
  pool: SlabPool;
}

/**
 * Streams one response body into the partial file, hashing as it goes. The declared size is a
 * hard cap: the chunk that would cross it is not written and the body is cancelled (S10). The sink
 * is always closed, so the partial file on disk matches `progress` whatever the outcome.
 */
export async function receiveBody(job: BodyJob): Promise<AttemptOutcome> {
  let sink: MediaSink;
  try {
    const path = job.layout.partialPath(job.ref.sha256);
    sink = await job.openSink(path, job.append ? 'append' : 'truncate', job.pool);
  } catch (error) {
    await job.response.cancel();
    return { kind: 'failed', bytes: 0, failure: writeFailure(error) };
  }
  const counter = { bytes: 0 };
  let outcome = await pump(job, sink, counter).catch((error: unknown): AttemptOutcome => ({
    kind: 'failed',
    bytes: counter.bytes,
    failure: writeFailure(error),
  }));
  try {
    await sink.close();
  } catch (error) {
    if (outcome.kind !== 'failed')
      outcome = { kind: 'failed', bytes: counter.bytes, failure: writeFailure(error) };
  }
  return outcome;
}

async function pump(job: BodyJob, sink: MediaSink, counter: { bytes: number }): Promise<AttemptOutcome> {
  const { progress, ref } = job;
  const chunks = job.response.chunks();
  for (;;) {
    let read: IteratorResult<Uint8Array>;
    try {
      read = await chunks.next();
    } catch (error) {
      return { kind: 'cut', bytes: counter.bytes, reason: describe(error) };
    }
    if (read.done) break;
    job.idle.refresh();
    const chunk = read.value;
    if (progress.have + chunk.length > ref.sizeBytes) {
      await job.response.cancel();
      const message = `server sent more than the declared ${ref.sizeBytes} bytes`;
      return { kind: 'failed', bytes: counter.bytes, failure: mediaFailure('tooLarge', message) };
    }
    // Hashed before it is handed on: once written, the sink may give the chunk's memory back for
    // reuse. A failed write ends the download, so the hash never runs ahead of a file still in use.
    progress.hash.update(chunk);
    try {
      await sink.write(chunk);
    } catch (error) {
      await job.response.cancel();
      return { kind: 'failed', bytes: counter.bytes, failure: writeFailure(error) };
    }
    progress.have += chunk.length;
    counter.bytes += chunk.length;
  }
  if (progress.have < ref.sizeBytes) {
    return {
      kind: 'cut',
      bytes: counter.bytes,
      reason: `body ended at ${progress.have} of ${ref.sizeBytes} bytes`,
    };
  }
  await sink.sync();
  return { kind: 'complete', bytes: counter.bytes };
}
