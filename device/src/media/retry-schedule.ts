import { initialBackoff, nextBackoff, type BackoffPolicy, type BackoffState } from '../link/backoff.js';
import type { MediaFailure } from './media-errors.js';
import { wantsBackoff } from './media-errors.js';

export interface FailureRecord {
  failure: MediaFailure;
  /** Epoch ms before which the file is not fetched again. */
  retryAtMs: number;
  backoff: BackoffState;
}

/**
 * The last failure of each file and when it may be fetched again, so a broken URL or a server
 * sending the wrong bytes costs one attempt per backoff step, not one per sync. Success forgets.
 */
export class RetrySchedule {
  private readonly records = new Map<string, FailureRecord>();
  private readonly policy: BackoffPolicy;

  constructor(
    policy: { minMs: number; maxMs: number },
    private readonly random: () => number = Math.random,
  ) {
    this.policy = { ...policy, stableMs: Number.POSITIVE_INFINITY };
  }

  record(sha256: string, failure: MediaFailure, nowMs: number): FailureRecord {
    const previous = this.records.get(sha256)?.backoff ?? initialBackoff(this.policy);
    let record: FailureRecord = { failure, retryAtMs: nowMs, backoff: previous };
    if (wantsBackoff(failure.kind)) {
      const next = nextBackoff(this.policy, previous, this.random);
      record = { failure, retryAtMs: nowMs + next.delayMs, backoff: next.state };
    }
    this.records.set(sha256, record);
    return record;
  }

  /** The failure that still holds the file back at `nowMs`, if any. */
  blocked(sha256: string, nowMs: number): MediaFailure | null {
    const record = this.records.get(sha256);
    return record && record.retryAtMs > nowMs ? record.failure : null;
  }

  last(sha256: string): MediaFailure | null {
    return this.records.get(sha256)?.failure ?? null;
  }

  clear(sha256: string): void {
    this.records.delete(sha256);
  }

  /** Forgets files nobody needs any more, so the map stays as small as the playlist. */
  retain(keep: ReadonlySet<string>): void {
    for (const sha256 of this.records.keys()) if (!keep.has(sha256)) this.records.delete(sha256);
  }
}
