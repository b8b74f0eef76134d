import type { Logger } from 'pino';
import type { Problem, TelemetrySample } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import type { EventBody } from '../lib/device-event.js';
import { withTimeout } from '../lib/with-timeout.js';
import {
  assess,
  DEFAULT_ASSESSOR_POLICY,
  displayProblems,
  INITIAL_ASSESSOR_STATE,
  type AssessorPolicy,
  type AssessorState,
  type Notice,
  type Recovery,
} from './display-assessor.js';
import { decodePng } from './frame.js';

export type CecPower = 'on' | 'standby' | 'unknown';
export type DisplayTelemetry = NonNullable<TelemetrySample['display']>;

/** What the check looks at and the levers it may pull; the player implements it. */
export interface DisplaySource {
  /** A low-resolution PNG of what the screen shows, or null without a browser. */
  capture(): Promise<Buffer | null>;
  /** The player shows its plan now (black would be a fault, not a page still loading). */
  contentExpected(): boolean;
  /** A video or a ticker is on screen now. */
  motionExpected(): boolean;
  reload(): Promise<void>;
  restartBrowser(): void;
}

/** The TV's power as HDMI-CEC tells it; absent on a screen without CEC. */
export interface CecPowerSource {
  status(): Promise<CecPower>;
}

export interface DisplayCheckOptions {
  source: DisplaySource;
  clock: Clock;
  log: Logger;
  /** An `error` event when an episode begins, clears, or a recovery is tried. */
  onEvent(body: EventBody): void;
  /** The problems for the reported state changed. */
  onChange?(): void;
  power?: CecPowerSource;
  /** Between captures; 30 s by default, tests shorten it. */
  intervalMs?: number;
  /** After a recovery, no verdict for this long: a reloading page or a new browser shows black. */
  settleMs?: number;
  policy?: Partial<AssessorPolicy>;
}

const CAPTURE_TIMEOUT_MS = 5_000;
const CEC_TIMEOUT_MS = 5_000;
const DEFAULT_SETTLE_MS = 15_000;

/**
 * Display assurance (issue 4, item 7): a periodic low-resolution capture judged by pure detectors.
 * A black screen while content is scheduled is reported and recovered (reload, then a new browser);
 * a frozen picture while a video or ticker plays is reported. Each episode is one event, and so is
 * its end.
 */
export class DisplayCheck {
  private readonly log: Logger;
  private readonly policy: AssessorPolicy;
  private state: AssessorState = INITIAL_ASSESSOR_STATE;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private running = false;
  /** performance.now() before which captures are not judged. */
  private settleUntil = 0;

  constructor(private readonly options: DisplayCheckOptions) {
    this.log = options.log.child({ mod: 'display-check' });
    this.policy = { ...DEFAULT_ASSESSOR_POLICY, ...options.policy };
  }

  get problems(): Problem[] {
    return displayProblems(this.state);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => void this.checkNow(), this.options.intervalMs ?? 30_000);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  /** One capture and verdict now; a check already running is joined, not doubled. */
  checkNow(): Promise<void> {
    this.inFlight ??= this.checkOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** The telemetry `display` block: the last verdicts and the TV's power. */
  async telemetry(): Promise<DisplayTelemetry> {
    const { black, frozen, checkedAt } = this.state;
    return { black, frozen, checkedAt, cecPower: await this.cecPower() };
  }

  private async checkOnce(): Promise<void> {
    const { source } = this.options;
    if (performance.now() < this.settleUntil) return;
    const png = await withTimeout(source.capture(), CAPTURE_TIMEOUT_MS, null).catch((error: Error) => {
      this.log.debug({ err: error.message }, 'display capture failed');
      return null;
    });
    if (!png || !this.running) return;
    let frame;
    try {
      frame = decodePng(png);
    } catch (error) {
      return void this.log.warn({ reason: (error as Error).message }, 'display capture unreadable; skipped');
    }
    const observation = {
      frame,
      at: this.options.clock.now(),
      contentExpected: source.contentExpected(),
      motionExpected: source.motionExpected(),
    };
    const before = displayProblems(this.state).length;
    const result = assess(this.state, observation, this.policy);
    this.state = result.state;
    for (const notice of result.notices) this.announce(notice);
    if (result.recovery) await this.recover(result.recovery);
    if (result.notices.length > 0 || before !== displayProblems(this.state).length) this.options.onChange?.();
  }

  private announce(notice: Notice): void {
    const line = { code: notice.code, change: notice.change };
    if (notice.change === 'began') this.log.warn(line, notice.message);
    else this.log.info(line, notice.message);
    this.options.onEvent({ kind: 'error', problem: { code: notice.code, message: notice.message } });
  }

  private async recover(recovery: Recovery): Promise<void> {
    const settleMs = this.options.settleMs ?? DEFAULT_SETTLE_MS;
    this.settleUntil = performance.now() + settleMs;
    try {
      if (recovery === 'reload') await this.options.source.reload();
      else this.options.source.restartBrowser();
    } catch (error) {
      this.log.warn({ recovery, err: (error as Error).message }, 'display recovery failed');
    }
    // Counted from the end too: a reload that took long on a busy Pi still gets its full settle time.
    this.settleUntil = performance.now() + settleMs;
  }

  private async cecPower(): Promise<CecPower> {
    const power = this.options.power;
    if (!power) return 'unknown';
    const status = await withTimeout(power.status(), CEC_TIMEOUT_MS, 'unknown' as const).catch(
      () => 'unknown' as const,
    );
    return status;
  }
}
