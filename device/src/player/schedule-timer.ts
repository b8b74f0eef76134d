/** Re-evaluated at least this often, whatever the schedule says. */
export const MAX_SLEEP_MS = 3_600_000;
const JUMP_CHECK_MS = 10_000;
/** A wall clock that moved this much more (or less) than the monotonic one has been set. */
const JUMP_TOLERANCE_MS = 30_000;
/** Timers may fire a little early; wake just after the change, not just before it. */
const LATE_MS = 20;

/**
 * Wakes the screen when the schedule next changes, at least hourly, and at once when the wall
 * clock jumps (NTP setting a clock that booted in 1970, or an operator fixing it).
 */
export class ScheduleTimer {
  private wake: NodeJS.Timeout | null = null;
  private jumpCheck: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private lastWall = 0;
  private lastMono = 0;

  constructor(private readonly onWake: () => void) {}

  start(): void {
    this.mark();
    this.jumpCheck = setInterval(() => this.checkJump(), JUMP_CHECK_MS);
  }

  stop(): void {
    for (const timer of [this.wake, this.jumpCheck, this.retry]) if (timer) clearTimeout(timer);
    this.wake = this.jumpCheck = this.retry = null;
  }

  wakeAt(next: Date | null, now: Date): void {
    if (this.wake) clearTimeout(this.wake);
    const until = next === null ? MAX_SLEEP_MS : next.getTime() - now.getTime() + LATE_MS;
    const delay = Math.max(LATE_MS, Math.min(MAX_SLEEP_MS, until));
    this.wake = setTimeout(() => {
      this.wake = null;
      this.onWake();
    }, delay);
  }

  retrySyncIn(ms: number, run: () => void): void {
    if (this.retry || this.jumpCheck === null) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      run();
    }, ms);
  }

  private checkJump(): void {
    const wall = Date.now();
    const mono = performance.now();
    const drift = wall - this.lastWall - (mono - this.lastMono);
    this.mark();
    if (Math.abs(drift) > JUMP_TOLERANCE_MS) this.onWake();
  }

  private mark(): void {
    this.lastWall = Date.now();
    this.lastMono = performance.now();
  }
}
