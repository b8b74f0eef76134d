import type { ErrorCode } from '@gatecast/protocol';

/** Each kind of media failure, and the catalogue code it is reported with. */
export const MEDIA_ERROR_CODES = {
  /** The bytes received do not hash to the declared sha256, or their count differs (P5). */
  hashMismatch: 'MEDIA_INVALID',
  /** The server sent, or announced, more bytes than the declared size (S10). */
  tooLarge: 'MEDIA_TOO_LARGE',
  /** The needed and pinned files alone exceed the quota. */
  quota: 'MEDIA_QUOTA_EXCEEDED',
  /** ENOSPC / EDQUOT while writing. */
  diskFull: 'DISK_FULL',
  notFound: 'NOT_FOUND',
  /** Any other HTTP status, a refused connection, a cut that made no progress. */
  network: 'MEDIA_UNREACHABLE',
  /** A local file-system error other than a full disk. */
  local: 'INTERNAL',
  /** The reference itself is unusable (not a sha256, negative size). */
  badRef: 'MEDIA_INVALID',
} as const satisfies Record<string, ErrorCode>;

export type MediaFailureKind = keyof typeof MEDIA_ERROR_CODES;

export interface MediaFailure {
  kind: MediaFailureKind;
  code: ErrorCode;
  message: string;
}

export function mediaFailure(kind: MediaFailureKind, message: string): MediaFailure {
  return { kind, code: MEDIA_ERROR_CODES[kind], message };
}

/** Local outcomes that another attempt cannot fix by itself are retried without waiting. */
export function wantsBackoff(kind: MediaFailureKind): boolean {
  return kind !== 'quota' && kind !== 'badRef';
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** A write error from the file system: a full disk is its own kind so operators see it as such. */
export function writeFailure(error: unknown): MediaFailure {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code && DISK_FULL_CODES.has(code)) return mediaFailure('diskFull', `disk full (${code}) while writing`);
  return mediaFailure('local', `write failed: ${describe(error)}`);
}

export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
