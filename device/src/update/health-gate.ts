import type { Clock } from '../lib/clock.js';

/** What the gate watches; read at every poll. */
export interface HealthProbe {
  /** The MQTT link to the fleet is up. */
  connected(): boolean;
  /** The screen shows content (see `showsContent`). */
  showingContent(): boolean;
}

export interface HealthReading {
  now: Date;
  /** When the release first started (the launcher or the agent set it); the timeout counts from here. */
  healthSince: Date;
  /** How long both conditions have held without a break in this process (0 when they do not hold now). */
  healthyForMs: number;
  connected: boolean;
  showing: boolean;
  gateMs: number;
  timeoutMs: number;
}

export type HealthVerdict =
  { verdict: 'wait' } | { verdict: 'commit' } | { verdict: 'roll-back'; reason: string };

/**
 * Pure: a new release commits once it has stayed connected and on screen for the whole gate; one
 * that has not by the timeout goes back. The reason names what was missing, for the operator.
 */
export function judgeHealth(reading: HealthReading): HealthVerdict {
  const healthy = reading.connected && reading.showing;
  if (healthy && reading.healthyForMs >= reading.gateMs) return { verdict: 'commit' };
  if (reading.now.getTime() - reading.healthSince.getTime() < reading.timeoutMs) return { verdict: 'wait' };
  const missing: string[] = [];
  if (!reading.connected) missing.push('not connected to the fleet');
  if (!reading.showing) missing.push('not showing content');
  if (missing.length === 0) {
    const seconds = Math.floor(reading.healthyForMs / 1000);
    missing.push(`healthy for only ${seconds} s of the ${Math.round(reading.gateMs / 1000)} s gate`);
  }
  const minutes = Math.round(reading.timeoutMs / 60_000);
  return { verdict: 'roll-back', reason: `not healthy within ${minutes} min: ${missing.join(', ')}` };
}

/**
 * Pure: the start a health gate counts from. The launcher may have written it before the clock was
 * set (a board without RTC boots in 1970), so a time before the build or in the future means "now".
 */
export function effectiveHealthSince(written: string | null, now: Date, buildTime: Date): Date {
  const at = written === null ? Number.NaN : Date.parse(written);
  if (!Number.isFinite(at) || at > now.getTime() || at < buildTime.getTime()) return now;
  return new Date(at);
}

/** Pure: whether the screen shows content. With a player it must confirm playing; without one, applied is all there is. */
export function showsContent(phase: string, hasPlayer: boolean): boolean {
  return hasPlayer ? phase === 'playing' : phase === 'applied' || phase === 'playing';
}

export interface HealthGateOptions {
  probe: HealthProbe;
  clock: Clock;
  healthSince: Date;
  gateMs: number;
  timeoutMs: number;
  pollMs: number;
  /** Monotonic time: a clock step must not shorten or stretch the healthy streak. */
  monotonicMs?: () => number;
  onVerdict(verdict: Exclude<HealthVerdict, { verdict: 'wait' }>): void;
}

/** Polls the probe until the gate passes or times out, then calls `onVerdict` once. */
export class HealthGate {
  private timer: NodeJS.Timeout | null = null;
  private healthyFrom: number | null = null;
  private done = false;
  /** The gate's opening, monotonic, and how long the release had been trying by then (wall clock). */
  private openedAt = 0;
  private elapsedAtOpenMs = 0;

  constructor(private readonly options: HealthGateOptions) {}

  start(): void {
    this.openedAt = this.monotonicNow();
    this.elapsedAtOpenMs = Math.max(
      0,
      this.options.clock.now().getTime() - this.options.healthSince.getTime(),
    );
    this.check();
  }

  private monotonicNow(): number {
    return (this.options.monotonicMs ?? performance.now.bind(performance))();
  }

  stop(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private check(): void {
    if (this.done) return;
    const { probe } = this.options;
    const nowMs = this.monotonicNow();
    const connected = probe.connected();
    const showing = probe.showingContent();
    if (connected && showing) this.healthyFrom ??= nowMs;
    else this.healthyFrom = null;
    // The timeout runs on the monotonic clock from the gate's opening: a step of the wall clock
    // (NTP correcting a board that booted with a stale time, by months) must neither roll back a
    // healthy release nor keep a sick one from going back.
    const elapsedMs = this.elapsedAtOpenMs + (nowMs - this.openedAt);
    const verdict = judgeHealth({
      now: new Date(this.options.healthSince.getTime() + elapsedMs),
      healthSince: this.options.healthSince,
      healthyForMs: this.healthyFrom === null ? 0 : nowMs - this.healthyFrom,
      connected,
      showing,
      gateMs: this.options.gateMs,
      timeoutMs: this.options.timeoutMs,
    });
    if (verdict.verdict === 'wait') {
      this.timer = setTimeout(() => this.check(), this.options.pollMs);
      return;
    }
    this.done = true;
    this.options.onVerdict(verdict);
  }
}
