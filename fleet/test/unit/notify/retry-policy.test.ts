import { describe, expect, it } from 'vitest';
import { backoffMs, decideRetry, DEFAULT_RETRY } from '../../../src/notify/retry-policy.js';
import { parseRetryAfter } from '../../../src/notify/send-request.js';

const middle = () => 0.5;
const outcome = (status: number | null, retryAfterMs: number | null = null) => ({
  status,
  error: status === 200 ? null : 'x',
  retryAfterMs,
});

describe('retry policy', () => {
  it('delivers on any 2xx', () => {
    expect(decideRetry(outcome(200), 0, DEFAULT_RETRY, middle)).toEqual({ kind: 'delivered' });
    expect(decideRetry(outcome(204), 7, DEFAULT_RETRY, middle)).toEqual({ kind: 'delivered' });
  });

  it('backs off exponentially from 5 s to at most 5 min', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10].map(
      (before) => (decideRetry(outcome(503), before, DEFAULT_RETRY, middle) as { delayMs: number }).delayMs,
    );
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('spreads retries by the jitter, within ±20 %', () => {
    expect(backoffMs(1, DEFAULT_RETRY, () => 0)).toBe(4_000);
    expect(backoffMs(1, DEFAULT_RETRY, () => 1)).toBe(6_000);
  });

  it('keeps retrying outages, timeouts, 408 and 429 however long they last', () => {
    for (const status of [null, 500, 502, 503, 504, 408, 429]) {
      expect(decideRetry(outcome(status), 500, DEFAULT_RETRY, middle).kind).toBe('retry');
    }
  });

  it('believes a refusal (4xx, redirect) after a few tries and fails the row', () => {
    expect(decideRetry(outcome(404), 0, DEFAULT_RETRY, middle).kind).toBe('retry');
    expect(decideRetry(outcome(404), 1, DEFAULT_RETRY, middle).kind).toBe('retry');
    expect(decideRetry(outcome(404), 2, DEFAULT_RETRY, middle)).toEqual({ kind: 'failed' });
    expect(decideRetry(outcome(401), 2, DEFAULT_RETRY, middle)).toEqual({ kind: 'failed' });
    expect(decideRetry(outcome(302), 2, DEFAULT_RETRY, middle)).toEqual({ kind: 'failed' });
  });

  it('honours Retry-After on 429 and 503, capped at an hour', () => {
    expect(decideRetry(outcome(429, 42_000), 0, DEFAULT_RETRY, middle)).toEqual({
      kind: 'retry',
      delayMs: 42_000,
    });
    expect(decideRetry(outcome(503, 9_000), 4, DEFAULT_RETRY, middle)).toEqual({
      kind: 'retry',
      delayMs: 9_000,
    });
    expect(decideRetry(outcome(429, 86_400_000), 0, DEFAULT_RETRY, middle)).toEqual({
      kind: 'retry',
      delayMs: 3_600_000,
    });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-11-26T01:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 01:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
