import { describe, expect, it } from 'vitest';
import { mediaFailure } from '../../../src/media/media-errors.js';
import { RetrySchedule } from '../../../src/media/retry-schedule.js';

const policy = { minMs: 10_000, maxMs: 60_000 };
const sha = 'a'.repeat(64);

describe('retry schedule for failed downloads', () => {
  it('holds a file back until its backoff has passed, then lets it try again', () => {
    const retries = new RetrySchedule(policy, () => 0);
    const failure = mediaFailure('hashMismatch', 'wrong bytes');
    const record = retries.record(sha, failure, 1_000);
    expect(record.retryAtMs).toBe(11_000);
    expect(retries.blocked(sha, 10_999)).toEqual(failure);
    expect(retries.blocked(sha, 11_000)).toBeNull();
    expect(retries.last(sha)).toEqual(failure);
  });

  it('grows the delay with repeated failures, up to the maximum', () => {
    const retries = new RetrySchedule(policy, () => 0.999_999);
    const delays = Array.from({ length: 5 }, () => {
      const record = retries.record(sha, mediaFailure('network', 'refused'), 0);
      return record.retryAtMs;
    });
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(Math.max(...delays)).toBeLessThanOrEqual(policy.maxMs);
  });

  it('does not hold back a quota failure: nothing the server does can cause or fix it', () => {
    const retries = new RetrySchedule(policy, () => 0.5);
    retries.record(sha, mediaFailure('quota', 'does not fit'), 1_000);
    expect(retries.blocked(sha, 1_000)).toBeNull();
    expect(retries.last(sha)?.code).toBe('MEDIA_QUOTA_EXCEEDED');
  });

  it('forgets a file on success and files nobody needs', () => {
    const retries = new RetrySchedule(policy);
    const other = 'b'.repeat(64);
    retries.record(sha, mediaFailure('network', 'x'), 0);
    retries.record(other, mediaFailure('network', 'x'), 0);
    retries.clear(sha);
    expect(retries.last(sha)).toBeNull();
    retries.retain(new Set());
    expect(retries.last(other)).toBeNull();
  });
});
