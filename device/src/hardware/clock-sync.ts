import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { runTool, type ToolOutput } from './run-tool.js';

/** Whether NTP has synchronised the system clock, as the schedule's clock trust needs it. */
export interface ClockSync {
  /** The last known answer, never waiting: true/false, or null when the system cannot tell. */
  synchronized(): boolean | null;
  /** Asks the system now (one question at a time); resolves when the answer is in. */
  refresh(): Promise<void>;
}

export type ToolRunner = (file: string, args: readonly string[]) => Promise<ToolOutput>;

export interface ClockSyncOptions {
  /** Shells out by default; tests hand in a fake. */
  run?: ToolRunner;
  /**
   * Monotonic milliseconds for the cache age. Not the wall clock: that is exactly what may be
   * wrong or jump here, and a jump must neither freeze nor flood the refreshes.
   */
  monotonicMs?: () => number;
  timedatectl?: string;
}

/** systemd answers within milliseconds; more than once a minute would only spawn processes. */
export const CLOCK_SYNC_MAX_AGE_MS = 60_000;
const TOOL_TIMEOUT_MS = 3_000;

/** `timedatectl show -p NTPSynchronized --value` prints `yes` or `no`; anything else is unknown. */
export function parseNtpSynchronized(stdout: string): boolean | null {
  const value = stdout.trim().toLowerCase();
  if (value === 'yes') return true;
  if (value === 'no') return false;
  return null;
}

/**
 * The NTP state from systemd's `timedatectl`. `synchronized()` returns the cached answer and, when
 * it is older than a minute, asks again in the background, so evaluating the schedule never waits
 * on a process. A missing tool or a failure (no systemd, no D-Bus) is null: unknown, not untrusted.
 */
export function createClockSync(log: Logger, options: ClockSyncOptions = {}): ClockSync {
  const syncLog = log.child({ mod: 'clock-sync' });
  const file = options.timedatectl ?? 'timedatectl';
  const run: ToolRunner = options.run ?? ((tool, args) => runTool(tool, args, TOOL_TIMEOUT_MS));
  const monotonicMs = options.monotonicMs ?? (() => performance.now());
  let value: boolean | null = null;
  let askedAt: number | null = null;
  let lastReason: string | null = null;
  let inflight: Promise<void> | null = null;

  async function ask(): Promise<void> {
    let next: boolean | null;
    let reason: string | null = null;
    try {
      const { stdout } = await run(file, ['show', '-p', 'NTPSynchronized', '--value']);
      next = parseNtpSynchronized(stdout);
      if (next === null) reason = `unexpected answer ${JSON.stringify(stdout.trim().slice(0, 40))}`;
    } catch (error) {
      next = null;
      reason = (error as Error).message.slice(0, 200);
    }
    // One line per change, not one per minute.
    if (next !== value || reason !== lastReason) {
      if (reason) syncLog.info({ reason }, 'cannot tell whether the clock is synchronised');
      else syncLog.info({ synchronized: next }, 'clock synchronisation state');
    }
    value = next;
    lastReason = reason;
  }

  const refresh = (): Promise<void> => {
    if (inflight) return inflight;
    askedAt = monotonicMs();
    inflight = ask().finally(() => (inflight = null));
    return inflight;
  };

  return {
    synchronized() {
      if (!inflight && (askedAt === null || monotonicMs() - askedAt >= CLOCK_SYNC_MAX_AGE_MS)) void refresh();
      return value;
    },
    refresh,
  };
}

/** A clock state set by hand, for tests and for machines without systemd. */
export class FakeClockSync implements ClockSync {
  constructor(public value: boolean | null = true) {}
  synchronized(): boolean | null {
    return this.value;
  }
  async refresh(): Promise<void> {}
}
