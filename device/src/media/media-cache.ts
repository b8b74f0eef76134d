import { readdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { GatecastError } from '@gatecast/protocol';
import { cacheLayout, isSha256, type CacheLayout } from './cache-layout.js';
import { downloadToPartial } from './download-file.js';
import { DownloadSlots } from './download-slots.js';
import { openFileSink, type SinkFactory } from './file-sink.js';
import { createNodeHttpClient, fetchHttpGet, type HttpGet } from './http-transport.js';
import { loadIndexFile, saveIndexFile } from './index-file.js';
import { LruIndex, planEviction } from './lru-index.js';
import { describe, mediaFailure, type MediaFailure } from './media-errors.js';
import { splitRefs, type SplitRefs } from './media-refs.js';
import type { CacheStatus, MediaCache, MediaCacheOptions, MediaRef } from './media-types.js';
import { moveIntoPlace, removeFile } from './object-store.js';
import { removePartial } from './partial-store.js';
import { RetrySchedule } from './retry-schedule.js';
import { scanCacheDir } from './start-scan.js';
import { VerifiedFiles } from './verified-files.js';

export type { CacheStatus, MediaCache, MediaCacheOptions, MediaRef } from './media-types.js';

export function createMediaCache(options: MediaCacheOptions): MediaCache {
  return new MediaCacheManager(options);
}

const INDEX_SAVE_DELAY_MS = 1_000;

/** The transport with the configured extra headers added to each request (the cache's own win). */
function withHeaders(
  http: { get: HttpGet; destroy(): void },
  extra: MediaCacheOptions['headers'],
): { get: HttpGet; destroy(): void } {
  if (!extra) return http;
  return {
    get: (url, headers, signal, pool) => http.get(url, { ...extra(new URL(url)), ...headers }, signal, pool),
    destroy: () => http.destroy(),
  };
}

/**
 * The effectful shell around the pure parts (LRU order and eviction plan, range decisions, retry
 * schedule): it owns the folder, the in-flight downloads and the record of what has been verified
 * during this run. Verification is remembered as a file fingerprint, so `pathOf` stays a stat.
 */
class MediaCacheManager implements MediaCache {
  private readonly layout: CacheLayout;
  private readonly log: Logger;
  private readonly http: { get: HttpGet; destroy(): void };
  private readonly now: () => Date;
  private readonly openSink: SinkFactory;
  private readonly slots: DownloadSlots;
  private readonly retries: RetrySchedule;
  private index = new LruIndex();
  private readonly files: VerifiedFiles;
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly syncing = new Set<Promise<void>>();
  /** The needed + pinned files of every sync in progress: none of them may be evicted. */
  private readonly guards = new Set<ReadonlySet<string>>();
  private reservedBytes = 0;
  private controller: AbortController | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: MediaCacheOptions) {
    this.layout = cacheLayout(options.dir);
    this.log = options.log.child({ mod: 'media-cache' });
    this.http = withHeaders(
      options.fetchImpl
        ? { get: fetchHttpGet(options.fetchImpl), destroy: () => undefined }
        : createNodeHttpClient(),
      options.headers,
    );
    this.now = options.now ?? (() => new Date());
    this.openSink = options.openSink ?? openFileSink;
    this.slots = new DownloadSlots(Math.max(1, options.maxConcurrent ?? 2));
    this.retries = new RetrySchedule({
      minMs: options.retryMinMs ?? 10_000,
      maxMs: options.retryMaxMs ?? 900_000,
    });
    this.files = new VerifiedFiles({
      layout: this.layout,
      index: () => this.index,
      now: this.now,
      log: this.log,
      changed: () => this.scheduleSave(),
    });
  }

  async start(): Promise<void> {
    if (this.controller) return;
    const saved = await loadIndexFile(this.layout.index, this.log);
    const { entries, partials } = await scanCacheDir(this.layout, saved, this.log);
    this.index = LruIndex.from(entries);
    this.controller = new AbortController();
    if (entries.length !== saved.length) this.scheduleSave();
    const bytes = this.index.totalBytes();
    this.log.info({ files: entries.length, bytes, partials: partials.length }, 'media cache started');
  }

  async stop(): Promise<void> {
    const controller = this.controller;
    if (!controller) return;
    controller.abort(new Error('media cache stopped'));
    await Promise.allSettled([...this.syncing, ...this.inflight.values(), this.files.settled()]);
    this.http.destroy();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    await this.flush();
    this.controller = null;
  }

  pathOf(sha256: string): string | null {
    return isSha256(sha256) && this.files.isVerified(sha256) ? this.layout.objectPath(sha256) : null;
  }

  async sync(needed: MediaRef[], options: { pinned?: Set<string> } = {}): Promise<CacheStatus> {
    const signal = this.requireStarted();
    const split = splitRefs(needed);
    const keep = new Set([...split.refs.map((ref) => ref.sha256), ...(options.pinned ?? [])]);
    this.guards.add(keep);
    const run = this.converge(split.refs, signal).finally(() => this.guards.delete(keep));
    this.syncing.add(run);
    try {
      await run;
    } finally {
      this.syncing.delete(run);
    }
    this.retries.retain(new Set([...keep, ...this.protectedShas()]));
    return this.statusOf(split);
  }

  /** Files already here first: they are playable as soon as they are checked. Stops early on stop(). */
  private async converge(refs: readonly MediaRef[], signal: AbortSignal): Promise<void> {
    for (const ref of refs) if (!signal.aborted) await this.files.check(ref, signal);
    if (signal.aborted) return;
    await this.dropUnneededPartials();
    const missing = refs.filter((ref) => !this.files.isVerified(ref.sha256));
    await Promise.all(missing.map((ref) => this.fetch(ref, signal)));
    if (!signal.aborted) await this.trimToQuota();
  }

  status(needed: MediaRef[]): CacheStatus {
    return this.statusOf(splitRefs(needed));
  }

  touch(sha256: string): void {
    if (this.index.touch(sha256, this.now())) this.scheduleSave();
  }

  private requireStarted(): AbortSignal {
    if (!this.controller) throw new GatecastError('INTERNAL', 'the media cache is not started');
    return this.controller.signal;
  }

  private statusOf(split: SplitRefs): CacheStatus {
    const missing: string[] = [];
    const failed: CacheStatus['failed'] = [];
    for (const { sha256, failure } of split.invalid) {
      missing.push(sha256);
      failed.push({ sha256, code: failure.code, message: failure.message });
    }
    for (const { sha256 } of split.refs) {
      if (this.files.isVerified(sha256)) continue;
      missing.push(sha256);
      const failure = this.retries.last(sha256);
      if (failure) failed.push({ sha256, code: failure.code, message: failure.message });
    }
    return { ready: missing.length === 0, missing, failed, bytes: this.index.totalBytes() };
  }

  /** One download per sha256, however many syncs ask for it; failures wait out their backoff. */
  private async fetch(ref: MediaRef, signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.retries.blocked(ref.sha256, this.now().getTime())) return;
    let job = this.inflight.get(ref.sha256);
    if (!job) {
      job = this.download(ref, signal).finally(() => this.inflight.delete(ref.sha256));
      this.inflight.set(ref.sha256, job);
    }
    await job;
  }

  private async download(ref: MediaRef, signal: AbortSignal): Promise<void> {
    let release: () => void;
    try {
      release = await this.slots.acquire(signal);
    } catch {
      return; // stopped while waiting for a slot
    }
    try {
      if (this.files.isVerified(ref.sha256)) return;
      const noRoom = await this.makeRoom(ref.sizeBytes);
      if (noRoom) return this.recordFailure(ref, noRoom);
      this.reservedBytes += ref.sizeBytes;
      try {
        await this.downloadAndPlace(ref, signal);
      } finally {
        this.reservedBytes -= ref.sizeBytes;
      }
    } catch (error) {
      this.recordFailure(ref, mediaFailure('local', describe(error)));
    } finally {
      release();
    }
  }

  private async downloadAndPlace(ref: MediaRef, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const { sha256, url, sizeBytes } = ref;
    this.log.info({ sha256, url, sizeBytes }, 'media download starts');
    const result = await downloadToPartial({
      ref,
      layout: this.layout,
      httpGet: this.http.get,
      openSink: this.openSink,
      signal,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 30_000,
      log: this.log,
    });
    if (!result.ok) {
      if (!result.aborted) this.recordFailure(ref, result.failure, result.bytesFetched);
      return;
    }
    await moveIntoPlace(this.layout.partialPath(sha256), this.layout.objectPath(sha256), [
      this.layout.objects,
      this.layout.partial,
    ]);
    await removeFile(this.layout.sidecarPath(sha256));
    this.files.markVerified(sha256);
    this.index.use(sha256, sizeBytes, this.now());
    this.retries.clear(sha256);
    this.scheduleSave();
    const ms = Math.round(performance.now() - started);
    this.log.info({ sha256, bytesFetched: result.bytesFetched, ms }, 'media file downloaded and verified');
  }

  private recordFailure(ref: MediaRef, failure: MediaFailure, bytesFetched = 0): void {
    const record = this.retries.record(ref.sha256, failure, this.now().getTime());
    const retryInMs = record.retryAtMs - this.now().getTime();
    const { sha256, url } = ref;
    this.log.warn(
      { sha256, url, code: failure.code, reason: failure.message, bytesFetched, retryInMs },
      'media download failed',
    );
  }

  /** Evicts least recently used, unprotected files until `incoming` more bytes fit the quota. */
  private async makeRoom(incoming: number): Promise<MediaFailure | null> {
    const held = this.index.totalBytes() + this.reservedBytes;
    const over = held + incoming - this.options.quotaBytes;
    if (over <= 0) return null;
    const plan = planEviction(this.index.list(), this.protectedShas(), over);
    if (!plan.enough) {
      const message =
        `${incoming} bytes do not fit the quota of ${this.options.quotaBytes}: ${held} bytes are held ` +
        'by files that are needed, pinned or being downloaded';
      return mediaFailure('quota', message);
    }
    await this.evict(plan.evict);
    return null;
  }

  /** After a sync, or when the quota shrank between runs, gets back under it if it can. */
  private async trimToQuota(): Promise<void> {
    const over = this.index.totalBytes() + this.reservedBytes - this.options.quotaBytes;
    const plan = planEviction(this.index.list(), this.protectedShas(), over);
    if (plan.enough) await this.evict(plan.evict);
  }

  private async evict(shas: readonly string[]): Promise<void> {
    if (shas.length === 0) return;
    // Forget first, delete after: no concurrent caller can pick a file that is going away.
    for (const sha256 of shas) {
      this.index.remove(sha256);
      this.files.forget(sha256);
    }
    this.scheduleSave();
    this.log.info({ files: shas }, 'evicting least recently used media files');
    for (const sha256 of shas) await removeFile(this.layout.objectPath(sha256));
  }

  private protectedShas(): Set<string> {
    const shas = new Set(this.inflight.keys());
    for (const guard of this.guards) for (const sha256 of guard) shas.add(sha256);
    return shas;
  }

  /** Partial files of media nobody needs any more would otherwise hold disk space forever. */
  private async dropUnneededPartials(): Promise<void> {
    const keep = this.protectedShas();
    const names = await readdir(this.layout.partial).catch(() => [] as string[]);
    const stale = names.filter((name) => isSha256(name) && !keep.has(name));
    for (const sha256 of stale) await removePartial(this.layout, sha256);
    if (stale.length > 0) this.log.info({ files: stale }, 'removed partial downloads no longer needed');
  }

  private scheduleSave(): void {
    this.dirty = true;
    if (this.saveTimer || !this.controller) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.flush();
    }, INDEX_SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  /** Saves are chained so an older order never overwrites a newer one. */
  private flush(): Promise<void> {
    if (!this.dirty) return this.saving;
    this.dirty = false;
    const entries = this.index.list();
    this.saving = this.saving
      .then(() => saveIndexFile(this.layout.index, entries))
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not save the media index'));
    return this.saving;
  }
}
