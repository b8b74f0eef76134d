import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { basename, dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { writeFileAtomic } from '../store/atomic-file.js';
import { formatUploadMetadata } from './upload-metadata.js';

/** Where and as whom an upload goes. */
export interface UploadTarget {
  /** The fleet manager, e.g. http://127.0.0.1:8080 */
  url: string;
  token: string;
}

export interface UploadProgress {
  /** Bytes the fleet has (confirmed or in flight). */
  offset: number;
  total: number;
  /** Bytes sent by this run, for the rate. */
  sentThisRun: number;
}

export interface UploadOptions {
  target: UploadTarget;
  path: string;
  name?: string;
  /** A small JSON file remembering unfinished uploads, so a later run resumes one. */
  stateFile?: string;
  onProgress?: (progress: UploadProgress) => void;
  /** Told about each PATCH and where it starts; tests cut it here. */
  onPatch?: (request: ClientRequest, fromOffset: number) => void;
  /** Told before each retry after a cut. */
  onRetry?: (attempt: number, delayMs: number, reason: string) => void;
  /** Waits between retries: 1 s, 2 s, 4 s … 30 s; attempts reset whenever bytes got through. */
  retryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

export interface UploadOutcome {
  uploadUrl: string;
  sha256: string;
  /** Where each PATCH of this run started: more than one means it resumed. */
  patchOffsets: number[];
  /** The offset an earlier run had reached, when this run resumed one; null for a fresh upload. */
  resumedFrom: number | null;
}

/** A failure the fleet answered with its error envelope: not worth retrying. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'UploadRefused';
  }
}

const DEFAULT_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000, 30000, 30000];
const TUS = { 'tus-resumable': '1.0.0' };

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function send(
  method: string,
  url: string,
  token: string,
  headers: Record<string, string>,
  body?: { stream: NodeJS.ReadableStream; onRequest?: (request: ClientRequest) => void },
): Promise<Answer> {
  const parsed = new URL(url);
  const transport = parsed.protocol === 'https:' ? https : http;
  return new Promise((resolvePromise, reject) => {
    const request = transport.request(
      parsed,
      { method, headers: { ...TUS, authorization: `Bearer ${token}`, ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolvePromise({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    if (!body) return void request.end();
    body.onRequest?.(request);
    body.stream.on('error', (error) => request.destroy(error));
    body.stream.pipe(request);
  });
}

function refusalOf(answer: Answer): UploadRefused {
  let code = `HTTP ${answer.status}`;
  let message = answer.body.slice(0, 300) || 'no details';
  try {
    const parsed = JSON.parse(answer.body) as { error?: { code?: string; message?: string } };
    code = parsed.error?.code ?? code;
    message = parsed.error?.message ?? message;
  } catch {
    // Not the envelope: keep the raw text.
  }
  return new UploadRefused(answer.status, code, message);
}

/** 4xx answers are final except a mismatched offset (ask again) and rate limiting (wait). */
function isRetryable(error: unknown): boolean {
  if (!(error instanceof UploadRefused)) return true;
  return error.code === 'UPLOAD_OFFSET_MISMATCH' || error.status === 429 || error.status >= 500;
}

/** The key a file's unfinished upload is remembered by: same path, size, mtime and fleet. */
export function uploadStateKey(target: UploadTarget, path: string, size: number, mtimeMs: number): string {
  return createHash('sha256')
    .update(JSON.stringify([target.url, resolve(path), size, mtimeMs]))
    .digest('hex');
}

async function readState(file: string | undefined): Promise<Record<string, string>> {
  if (!file) return {};
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

async function writeState(file: string | undefined, key: string, url: string | null): Promise<void> {
  if (!file) return;
  const state = await readState(file);
  if (url === null) delete state[key];
  else state[key] = url;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

/**
 * Uploads a file with tus, resuming where the fleet stands after a cut (HEAD, then PATCH the
 * rest) with backoff, and resuming an earlier interrupted run of the same file via `stateFile`.
 * Throws UploadRefused when the fleet refuses the file, with its reason.
 */
export async function uploadFile(options: UploadOptions): Promise<UploadOutcome> {
  const { target } = options;
  const path = resolve(options.path);
  const info = await stat(path);
  const total = info.size;
  const key = uploadStateKey(target, path, total, info.mtimeMs);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const delays = options.retryDelaysMs ?? DEFAULT_DELAYS;
  const base = target.url.replace(/\/+$/, '');

  let uploadUrl = (await readState(options.stateFile))[key] ?? null;
  let offset = 0;
  let resumedFrom: number | null = null;
  if (uploadUrl !== null) {
    const head = await send('HEAD', uploadUrl, target.token, {}).catch(() => null);
    if (head?.status === 200 && head.headers['upload-offset'] !== undefined) {
      offset = Number(head.headers['upload-offset']);
      resumedFrom = offset;
    } else {
      uploadUrl = null; // expired or gone: start again
    }
  }
  if (uploadUrl === null) {
    const created = await send('POST', `${base}/api/v1/library/uploads`, target.token, {
      'upload-length': String(total),
      'upload-metadata': formatUploadMetadata({ filename: options.name ?? basename(path) }),
    });
    if (created.status !== 201 || typeof created.headers.location !== 'string') throw refusalOf(created);
    uploadUrl = new URL(created.headers.location, `${base}/`).toString();
    await writeState(options.stateFile, key, uploadUrl);
  }

  const patchOffsets: number[] = [];
  let sentThisRun = 0;
  let attempt = 0;
  for (;;) {
    const from = offset;
    // Nothing left to send still asks the fleet to finish (after it could not check the file).
    const stream = from < total ? createReadStream(path, { start: from }) : Readable.from([]);
    try {
      patchOffsets.push(from);
      let inFlight = from;
      stream.on('data', (chunk: Buffer | string) => {
        inFlight += chunk.length;
        sentThisRun += chunk.length;
        options.onProgress?.({ offset: inFlight, total, sentThisRun });
      });
      const answer = await send(
        'PATCH',
        uploadUrl,
        target.token,
        {
          'content-type': 'application/offset+octet-stream',
          'content-length': String(total - from),
          'upload-offset': String(from),
        },
        { stream, onRequest: (request) => options.onPatch?.(request, from) },
      );
      if (answer.status !== 204) throw refusalOf(answer);
      offset = Number(answer.headers['upload-offset'] ?? from);
      const sha256 = answer.headers['gatecast-media-sha256'];
      if (offset >= total && typeof sha256 === 'string') {
        await writeState(options.stateFile, key, null);
        return { uploadUrl, sha256, patchOffsets, resumedFrom };
      }
      throw new Error(`the fleet stopped at byte ${offset} of ${total}`);
    } catch (error) {
      // Reading stops with the request: a resume must not count bytes that never left.
      stream.destroy();
      if (error instanceof UploadRefused && !isRetryable(error)) {
        await writeState(options.stateFile, key, null);
        throw error;
      }
      if (attempt >= delays.length) throw error;
      const delay = delays[attempt] as number;
      attempt += 1;
      options.onRetry?.(attempt, delay, (error as Error).message);
      await sleep(delay);
      const head = await send('HEAD', uploadUrl, target.token, {}).catch(
        (headError: unknown) => headError as Error,
      );
      if (head instanceof Error) continue;
      if (head.status !== 200) {
        const refusal = refusalOf(head);
        if (!isRetryable(refusal)) throw refusal;
        continue;
      }
      const stored = Number(head.headers['upload-offset']);
      if (stored > offset) attempt = 0; // progress was made: the connection is worth more tries
      offset = stored;
    }
  }
}
