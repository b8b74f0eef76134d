import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorCode, ReleaseManifest } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { CacheLayout } from '../media/cache-layout.js';
import { downloadToPartial } from '../media/download-file.js';
import { openFileSink, type SinkFactory } from '../media/file-sink.js';
import { hashInto } from '../media/hash-file.js';
import { createNodeHttpClient, type HttpGet } from '../media/http-transport.js';
import type { MediaFailure } from '../media/media-errors.js';
import { freeBytesOf, syncDirectory } from './durable-fs.js';

export interface ReleaseDownloadOptions {
  /** The artifact goes to `<dataDir>/updates/<version>.part`, and once verified to `<version>.tgz`. */
  dataDir: string;
  /** A manifest that verifyRelease accepted: its sha256 and size are what the bytes must match. */
  manifest: ReleaseManifest;
  /** The artifact's absolute URL. */
  url: string;
  /** Extra headers per URL, e.g. the device's credentials for the fleet's own origin only. */
  headers?: (url: URL) => Record<string, string>;
  /** Default: the media cache's node:http(s) client. */
  httpGet?: HttpGet;
  /** Bytes of the artifact on disk so far; after a resume it starts at what the `.part` held. */
  onProgress?: (bytes: number) => void;
  /** Aborting keeps the `.part` file for a later resume. */
  signal?: AbortSignal;
  idleTimeoutMs?: number;
  /** Free bytes on the file system holding `dir`; tests inject a full disk. */
  freeBytes?: (dir: string) => Promise<number>;
  /** Room asked for the unpacked release, as a multiple of the artifact size (default 4). */
  unpackFactor?: number;
  log: Logger;
}

export type ReleaseDownloadResult =
  | { ok: true; artifactPath: string; bytesFetched: number }
  | { ok: false; code: ErrorCode; message: string; aborted: boolean };

const DEFAULT_UNPACK_FACTOR = 4;

export function updatesDir(dataDir: string): string {
  return join(dataDir, 'updates');
}

export function artifactPath(dataDir: string, version: string): string {
  return join(updatesDir(dataDir), `${version}.tgz`);
}

/**
 * Fetches a release artifact with the media cache's resumable downloader (Range + If-Range, a
 * server that ignores the range starts over, the declared size is a hard cap) and checks its
 * sha256 and size against the signed manifest. Bytes proven wrong are deleted, so a retry starts
 * clean; a cut link or a stop keeps them for the next attempt, in this run or the next.
 */
export async function downloadRelease(options: ReleaseDownloadOptions): Promise<ReleaseDownloadResult> {
  const { dataDir, manifest, log } = options;
  const dir = updatesDir(dataDir);
  await mkdir(dir, { recursive: true });
  const finalPath = artifactPath(dataDir, manifest.version);
  if (await alreadyVerified(finalPath, manifest))
    return { ok: true, artifactPath: finalPath, bytesFetched: 0 };

  const layout = releaseLayout(dir, manifest.version);
  const have = await sizeOf(layout.partialPath(manifest.sha256));
  const needed =
    manifest.size -
    Math.min(have, manifest.size) +
    manifest.size * (options.unpackFactor ?? DEFAULT_UNPACK_FACTOR);
  const free = await (options.freeBytes ?? freeBytesOf)(dir);
  if (free < needed) {
    const message = `release ${manifest.version} needs ${needed} bytes free in ${dir}; ${free} are`;
    return { ok: false, code: 'DISK_FULL', message, aborted: false };
  }

  const client = options.httpGet ? null : createNodeHttpClient();
  const baseGet = options.httpGet ?? client!.get;
  const extra = options.headers;
  const httpGet: HttpGet = extra
    ? (url, headers, signal, pool) => baseGet(url, { ...extra(new URL(url)), ...headers }, signal, pool)
    : baseGet;
  log.info({ version: manifest.version, size: manifest.size, resumeAt: have }, 'release download starts');
  try {
    const result = await downloadToPartial({
      ref: { sha256: manifest.sha256, url: options.url, sizeBytes: manifest.size },
      layout,
      httpGet,
      openSink: withProgress(openFileSink, options.onProgress),
      signal: options.signal ?? new AbortController().signal,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
      log,
    });
    if (!result.ok) {
      const code = result.aborted ? 'UPDATE_FAILED' : codeOf(result.failure);
      return { ok: false, code, message: messageOf(manifest, result.failure), aborted: result.aborted };
    }
    await rename(layout.partialPath(manifest.sha256), finalPath);
    await rm(layout.sidecarPath(manifest.sha256), { force: true });
    await syncDirectory(dir);
    log.info(
      { version: manifest.version, bytesFetched: result.bytesFetched },
      'release downloaded and verified',
    );
    return { ok: true, artifactPath: finalPath, bytesFetched: result.bytesFetched };
  } finally {
    client?.destroy();
  }
}

/** Removes downloaded artifacts and partial files of every version but `keep`. */
export async function discardArtifacts(dataDir: string, keep: string | null = null): Promise<string[]> {
  const dir = updatesDir(dataDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  const mine = keep === null ? [] : [`${keep}.tgz`, `${keep}.part`, `${keep}.part.json`];
  const stale = names.filter((name) => !mine.includes(name));
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true, recursive: true })));
  return stale;
}

/** The downloader's file layout, pointed at one fixed `.part` file per version. */
function releaseLayout(dir: string, version: string): CacheLayout {
  const part = join(dir, `${version}.part`);
  return {
    objects: dir,
    partial: dir,
    index: join(dir, 'unused-index.json'),
    objectPath: () => join(dir, `${version}.tgz`),
    partialPath: () => part,
    sidecarPath: () => `${part}.json`,
  };
}

/** Reports the bytes on disk as the sink takes them: appended to what was there, or from zero. */
function withProgress(open: SinkFactory, onProgress: ((bytes: number) => void) | undefined): SinkFactory {
  if (!onProgress) return open;
  return async (path, mode, pool) => {
    let bytes = mode === 'append' ? await sizeOf(path) : 0;
    const sink = await open(path, mode, pool);
    onProgress(bytes);
    return {
      async write(chunk) {
        const length = chunk.length;
        await sink.write(chunk);
        bytes += length;
        onProgress(bytes);
      },
      sync: () => sink.sync(),
      close: () => sink.close(),
    };
  };
}

async function alreadyVerified(path: string, manifest: ReleaseManifest): Promise<boolean> {
  if ((await sizeOf(path)) !== manifest.size) {
    await rm(path, { force: true });
    return false;
  }
  const hash = createHash('sha256');
  await hashInto(hash, path);
  if (hash.digest('hex') === manifest.sha256) return true;
  await rm(path, { force: true });
  return false;
}

function codeOf(failure: MediaFailure): ErrorCode {
  if (failure.kind === 'hashMismatch' || failure.kind === 'tooLarge') return 'UPDATE_TAMPERED';
  if (failure.kind === 'diskFull') return 'DISK_FULL';
  return 'UPDATE_FAILED';
}

function messageOf(manifest: ReleaseManifest, failure: MediaFailure): string {
  const what = `release ${manifest.version} artifact`;
  if (failure.kind === 'hashMismatch' || failure.kind === 'tooLarge')
    return `${what} does not match its signed sha256 or size: ${failure.message}`;
  return `${what} could not be downloaded: ${failure.message}`;
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (stats) => stats.size,
    () => 0,
  );
}
