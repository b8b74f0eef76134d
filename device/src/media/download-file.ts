import { createHash, type Hash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { CacheLayout } from './cache-layout.js';
import type { SinkFactory } from './file-sink.js';
import { hashInto } from './hash-file.js';
import type { HttpGet, HttpResponse } from './http-transport.js';
import { describe, mediaFailure, writeFailure, type MediaFailure } from './media-errors.js';
import type { MediaRef } from './media-types.js';
import { readPartial, removePartial, writeSidecar } from './partial-store.js';
import { receiveBody, type AttemptOutcome } from './receive-body.js';
import { planResponse, requestHeaders, validatorOf, type Validator } from './range-response.js';
import { SlabPool } from './slab-pool.js';

export interface DownloadJob {
  ref: MediaRef;
  layout: CacheLayout;
  httpGet: HttpGet;
  openSink: SinkFactory;
  /** Aborted by the cache's stop(): the partial file is kept for the next start. */
  signal: AbortSignal;
  /** A connection that delivers nothing for this long is cut and resumed. */
  idleTimeoutMs: number;
  log: Logger;
}

export type DownloadResult =
  | { ok: true; bytesFetched: number }
  | { ok: false; aborted: boolean; failure: MediaFailure; bytesFetched: number };

/** The bytes in the partial file: how many, their running hash, and which remote version. */
export interface Progress {
  have: number;
  hash: Hash;
  validator: Validator;
}

/** Every request of one download; each cut that still made progress is resumed at once. */
const MAX_ATTEMPTS = 12;
/** Cuts in a row that delivered nothing before the download is given up until the next sync. */
const MAX_IDLE_CUTS = 3;
const IDLE_RETRY_MS = 300;

/**
 * Downloads `ref` into its partial file, resuming what an earlier attempt (or an earlier run of
 * the agent) left there, and checks size and sha256. On success the partial file holds exactly the
 * declared bytes; the caller moves it into place. Failures that prove the bytes wrong remove it.
 */
export async function downloadToPartial(job: DownloadJob): Promise<DownloadResult> {
  const progress = await resumeFrom(job);
  // One pool per download: its buffers are reused from attempt to attempt and go with it.
  const pool = new SlabPool();
  let fetched = 0;
  let idleCuts = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (progress.have === job.ref.sizeBytes) return finish(job, progress, fetched);
    const outcome = await attemptOnce(job, progress, pool);
    fetched += outcome.bytes;
    // A body that arrived whole is finished even if stop() came meanwhile: the bytes are here.
    if (outcome.kind === 'complete') return finish(job, progress, fetched);
    if (job.signal.aborted) return stopped(fetched);
    if (outcome.kind === 'failed') return fail(job, outcome.failure, fetched);
    if (outcome.kind === 'refetch') {
      job.log.warn({ sha256: job.ref.sha256, reason: outcome.reason }, 'media download starts over');
      await restart(job, progress);
      continue;
    }
    idleCuts = outcome.bytes > 0 ? 0 : idleCuts + 1;
    if (idleCuts >= MAX_IDLE_CUTS) return fail(job, mediaFailure('network', outcome.reason), fetched);
    job.log.info(
      { sha256: job.ref.sha256, have: progress.have, reason: outcome.reason },
      'media download cut',
    );
    if (idleCuts > 0 && !(await pause(idleCuts * IDLE_RETRY_MS, job.signal))) return stopped(fetched);
  }
  return fail(job, mediaFailure('network', `gave up after ${MAX_ATTEMPTS} requests`), fetched);
}

/** Rebuilds the hash of the bytes already on disk; anything unusable starts from zero. */
async function resumeFrom(job: DownloadJob): Promise<Progress> {
  const { sha256, url, sizeBytes } = job.ref;
  const partial = await readPartial(job.layout, sha256, url, sizeBytes);
  const fresh: Progress = { have: 0, hash: createHash('sha256'), validator: {} };
  if (partial.have === 0) return fresh;
  const hash = createHash('sha256');
  const hashed = await hashInto(hash, job.layout.partialPath(sha256), job.signal).catch(() => -1);
  if (hashed !== partial.have) return fresh;
  // A complete partial (a crash between the last write and the rename) is checked before reuse.
  if (hashed === sizeBytes && hash.copy().digest('hex') !== sha256) return fresh;
  job.log.info({ sha256, have: hashed, sizeBytes }, 'media download resumes a partial file');
  return { have: hashed, hash, validator: partial.validator };
}

async function attemptOnce(job: DownloadJob, progress: Progress, pool: SlabPool): Promise<AttemptOutcome> {
  const attempt = new AbortController();
  const idle = setTimeout(
    () => attempt.abort(new Error(`no data for ${job.idleTimeoutMs} ms`)),
    job.idleTimeoutMs,
  );
  const signal = AbortSignal.any([job.signal, attempt.signal]);
  try {
    let response: HttpResponse;
    try {
      const headers = requestHeaders(progress.have, progress.validator);
      response = await job.httpGet(job.ref.url, headers, signal, pool);
    } catch (error) {
      return { kind: 'cut', bytes: 0, reason: describe(error) };
    }
    const plan = planResponse({
      status: response.status,
      contentRange: response.header('content-range'),
      contentLength: response.header('content-length'),
      have: progress.have,
      sizeBytes: job.ref.sizeBytes,
    });
    if (plan.action === 'fail' || plan.action === 'refetch') {
      await response.cancel();
      return plan.action === 'fail'
        ? { kind: 'failed', bytes: 0, failure: plan.failure }
        : { kind: 'refetch', bytes: 0, reason: plan.reason };
    }
    if (plan.action === 'truncate') resetProgress(progress);
    const remembered = await rememberValidator(job, progress, validatorOf(response.header));
    if (remembered) {
      await response.cancel();
      return { kind: 'failed', bytes: 0, failure: remembered };
    }
    return await receiveBody({ ...job, progress, response, append: plan.action === 'append', idle, pool });
  } finally {
    clearTimeout(idle);
  }
}

/** Saves which remote version the partial bytes are, so a later run can ask for the rest with If-Range. */
async function rememberValidator(
  job: DownloadJob,
  progress: Progress,
  validator: Validator,
): Promise<MediaFailure | null> {
  progress.validator = validator;
  const { sha256, url, sizeBytes } = job.ref;
  try {
    await writeSidecar(job.layout, sha256, { url, sizeBytes, ...validator });
    return null;
  } catch (error) {
    return writeFailure(error);
  }
}

function resetProgress(progress: Progress): void {
  progress.have = 0;
  progress.hash = createHash('sha256');
}

async function restart(job: DownloadJob, progress: Progress): Promise<void> {
  resetProgress(progress);
  progress.validator = {};
  await removePartial(job.layout, job.ref.sha256);
}

async function finish(job: DownloadJob, progress: Progress, fetched: number): Promise<DownloadResult> {
  const digest = progress.hash.digest('hex');
  const { sha256, sizeBytes } = job.ref;
  if (progress.have === sizeBytes && digest === sha256) {
    // An empty file needs no request, but still a file to move into place.
    if (sizeBytes === 0) await (await job.openSink(job.layout.partialPath(sha256), 'truncate')).close();
    return { ok: true, bytesFetched: fetched };
  }
  const message = `received ${progress.have} bytes with sha256 ${digest}; expected ${sizeBytes} bytes with ${sha256}`;
  return fail(job, mediaFailure('hashMismatch', message), fetched);
}

/** Bytes proven wrong (or a disk that cannot hold them) are deleted; a network failure keeps them. */
async function fail(job: DownloadJob, failure: MediaFailure, fetched: number): Promise<DownloadResult> {
  if (failure.kind !== 'network' && failure.kind !== 'notFound')
    await removePartial(job.layout, job.ref.sha256);
  return { ok: false, aborted: false, failure, bytesFetched: fetched };
}

function stopped(fetched: number): DownloadResult {
  return {
    ok: false,
    aborted: true,
    failure: mediaFailure('network', 'download stopped'),
    bytesFetched: fetched,
  };
}

async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
