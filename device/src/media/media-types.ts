import type { ErrorCode } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { SinkFactory } from './file-sink.js';

/** One file a screen needs: the content item's URL, its sha256 (the cache key) and declared size. */
export interface MediaRef {
  sha256: string;
  url: string;
  sizeBytes: number;
}

/** What the reported state says about the cache for one desired version. */
export interface CacheStatus {
  /** Every needed file is on disk and verified. */
  ready: boolean;
  /** Needed files without a verified copy (including those in `failed`). */
  missing: string[];
  /** Needed files whose last download or check failed, with the reason. */
  failed: Array<{ sha256: string; code: ErrorCode; message: string }>;
  /** Bytes held by verified files in the cache. */
  bytes: number;
}

export interface MediaCacheOptions {
  dir: string;
  /** Bytes the verified files may use; least recently used files are evicted beyond it. */
  quotaBytes: number;
  log: Logger;
  /** Downloads go through this fetch when given; by default through node:http(s), which is cheaper. */
  fetchImpl?: typeof fetch;
  now?: () => Date;
  /** Downloads at the same time (default 2). */
  maxConcurrent?: number;
  /** Where downloaded bytes are written; tests inject a disk that fills up. */
  openSink?: SinkFactory;
  /** Backoff after a failed download: first delay at least this (default 10 s)… */
  retryMinMs?: number;
  /** …and never more than this (default 15 min). */
  retryMaxMs?: number;
  /** A connection silent for this long is cut and resumed (default 30 s). */
  idleTimeoutMs?: number;
  /**
   * Extra request headers for one URL, e.g. the device's Basic credentials for the fleet's own
   * address only: a function, so a secret is never sent to a media URL on another origin.
   */
  headers?: (url: URL) => Record<string, string>;
}

export interface MediaCache {
  /** Creates the folders, removes stale temp files and loads the LRU index; hashes nothing. */
  start(): Promise<void>;
  /** Aborts downloads (their partial files stay for resuming) and saves the index. */
  stop(): Promise<void>;
  /** The path of a verified file, or null: a missing or changed file is a miss. */
  pathOf(sha256: string): string | null;
  /**
   * Checks the needed files already on disk (hashing each once per run), downloads the missing
   * ones, and returns the resulting status. Pinned files are never evicted to make room.
   */
  sync(needed: MediaRef[], options?: { pinned?: Set<string> }): Promise<CacheStatus>;
  status(needed: MediaRef[]): CacheStatus;
  /** Marks a file as just used, so it is the last to be evicted. */
  touch(sha256: string): void;
}
