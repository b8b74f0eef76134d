import type { SendOutcome } from './send-request.js';

export interface RetrySettings {
  /** The first retry waits about this long; each further one twice as long. */
  baseMs: number;
  maxMs: number;
  /** ± this fraction of random spread, so channels that failed together do not retry together. */
  jitter: number;
  /** A refusal (4xx other than 408/429) is believed after this many attempts and the row is failed. */
  permanentAfter: number;
  /** A Retry-After longer than this is cut to it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  baseMs: 5_000,
  maxMs: 5 * 60_000,
  jitter: 0.2,
  permanentAfter: 3,
  maxRetryAfterMs: 60 * 60_000,
};

export type RetryDecision = { kind: 'delivered' } | { kind: 'retry'; delayMs: number } | { kind: 'failed' };

/**
 * Pure: what to do after an attempt. 2xx delivers. A redirect or a 4xx other than 408 and 429 is a
 * refusal that will not change by itself (a deleted webhook, a wrong token): failed after a few
 * tries. Anything else (5xx, 408, 429, timeouts, refused connections) is retried for as long as it
 * takes, since a queued alert must survive an outage of any length.
 */
export function decideRetry(
  outcome: SendOutcome,
  attemptsBefore: number,
  settings: RetrySettings,
  random: () => number,
): RetryDecision {
  const { status } = outcome;
  if (status !== null && status >= 200 && status < 300) return { kind: 'delivered' };
  const attempts = attemptsBefore + 1;
  const refused = status !== null && status >= 300 && status < 500 && status !== 408 && status !== 429;
  if (refused && attempts >= settings.permanentAfter) return { kind: 'failed' };
  if (outcome.retryAfterMs !== null && (status === 429 || status === 503)) {
    return { kind: 'retry', delayMs: Math.min(outcome.retryAfterMs, settings.maxRetryAfterMs) };
  }
  return { kind: 'retry', delayMs: backoffMs(attempts, settings, random) };
}

/** base · 2^(n-1), capped, with jitter: 5 s, 10 s, 20 s … 5 min. */
export function backoffMs(attempts: number, settings: RetrySettings, random: () => number): number {
  const exponential = settings.baseMs * 2 ** Math.min(Math.max(0, attempts - 1), 30);
  const capped = Math.min(settings.maxMs, exponential);
  const spread = 1 - settings.jitter + 2 * settings.jitter * random();
  return Math.round(capped * spread);
}
