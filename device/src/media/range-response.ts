import type { MediaFailure } from './media-errors.js';
import { mediaFailure } from './media-errors.js';

/**
 * The pure part of resuming a download: which request headers to send for the bytes already on
 * disk, and what a response means for them. A server may ignore the range (200), resume it (206),
 * or answer with a range that does not continue what we have; only an exact continuation is
 * appended, everything else starts again from zero so a file is never stitched from two versions.
 */

/** What identifies the version of the remote file the partial bytes came from. */
export interface Validator {
  etag?: string;
  lastModified?: string;
}

export function validatorOf(header: (name: string) => string | null): Validator {
  const etag = header('etag') ?? undefined;
  const lastModified = header('last-modified') ?? undefined;
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

/** RFC 9110 §13.1.5: If-Range takes a strong ETag or a date; a weak ETag must not be sent. */
export function ifRangeValue(validator: Validator): string | undefined {
  if (validator.etag && !validator.etag.startsWith('W/')) return validator.etag;
  return validator.lastModified;
}

export function requestHeaders(have: number, validator: Validator): Record<string, string> {
  // Identity only: a compressed body would make byte ranges and the size cap meaningless.
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (have <= 0) return headers;
  headers.range = `bytes=${have}-`;
  const ifRange = ifRangeValue(validator);
  if (ifRange) headers['if-range'] = ifRange;
  return headers;
}

export interface ContentRange {
  start: number;
  end: number;
  /** null when the server answered `*` (length unknown). */
  total: number | null;
}

export function parseContentRange(value: string | null): ContentRange | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (!match) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  const total = match[3] === '*' ? null : Number(match[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return null;
  if (total !== null && (!Number.isSafeInteger(total) || end >= total)) return null;
  return { start, end, total };
}

export interface ResponseFacts {
  status: number;
  contentRange: string | null;
  contentLength: string | null;
  /** Bytes already on disk, that a Range header asked the server to skip. */
  have: number;
  sizeBytes: number;
}

export type ResponsePlan =
  | { action: 'append' }
  | { action: 'truncate' }
  | { action: 'refetch'; reason: string }
  | { action: 'fail'; failure: MediaFailure };

export function planResponse(facts: ResponseFacts): ResponsePlan {
  const { status } = facts;
  if (status === 200) return planFullBody(facts);
  if (status === 206) return planPartialBody(facts);
  if (status === 416 && facts.have > 0) return { action: 'refetch', reason: 'range not satisfiable' };
  if (status === 404 || status === 410)
    return fail(mediaFailure('notFound', `HTTP ${status} from the server`));
  return fail(mediaFailure('network', `HTTP ${status} from the server`));
}

function planFullBody(facts: ResponseFacts): ResponsePlan {
  const length = parseLength(facts.contentLength);
  if (length !== null && length > facts.sizeBytes) {
    return fail(
      mediaFailure('tooLarge', `server announces ${length} bytes, declared size is ${facts.sizeBytes}`),
    );
  }
  if (length !== null && length < facts.sizeBytes) {
    return fail(
      mediaFailure('hashMismatch', `server announces ${length} bytes, declared size is ${facts.sizeBytes}`),
    );
  }
  return { action: 'truncate' };
}

function planPartialBody(facts: ResponseFacts): ResponsePlan {
  const range = parseContentRange(facts.contentRange);
  if (!range) return { action: 'refetch', reason: `unusable Content-Range "${facts.contentRange ?? ''}"` };
  if (range.start !== facts.have) {
    return { action: 'refetch', reason: `Content-Range starts at ${range.start}, have ${facts.have}` };
  }
  if ((range.total !== null && range.total !== facts.sizeBytes) || range.end >= facts.sizeBytes) {
    return {
      action: 'refetch',
      reason: `Content-Range ${facts.contentRange} does not fit ${facts.sizeBytes} bytes`,
    };
  }
  const length = parseLength(facts.contentLength);
  if (length !== null && length !== range.end - range.start + 1) {
    return { action: 'refetch', reason: `Content-Length ${length} disagrees with Content-Range` };
  }
  return { action: 'append' };
}

function parseLength(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  const length = Number(value);
  return Number.isSafeInteger(length) ? length : null;
}

function fail(failure: MediaFailure): ResponsePlan {
  return { action: 'fail', failure };
}
