import type { Logger } from 'pino';
import type { Sql } from '../store/sql.js';
import type { RollupTier } from './health-schema.js';
import type { TelemetryRetention } from './retention.js';
import { RollupStore, type PrunedTier } from './rollup-store.js';
import { HOUR_MS, MINUTE_MS, addMs, earlier, floorIso, floorTo } from './time-buckets.js';

export interface TelemetryRollupOptions {
  store: Sql;
  retention: TelemetryRetention;
  log: Logger;
  now?: () => Date;
  /** Between passes; each pass folds what closed since the last and prunes. */
  intervalMs?: number;
  /** Before the first pass, so a starting fleet is not slowed by a catch-up. */
  firstPassDelayMs?: number;
  /** Source rows per fold transaction and rows per delete: bounds how long the loop is blocked. */
  chunkRows?: number;
  /** A sample stamped just before a minute closed is stored by then; this margin makes sure. */
  graceMs?: number;
}

export interface RollupPass {
  folds: Record<RollupTier, number>;
  pruned: Record<PrunedTier, number>;
  /** Every source row before these times is folded. */
  doneUntil: Record<RollupTier, string | undefined>;
}

const DEFAULTS = { intervalMs: 60_000, firstPassDelayMs: 5_000, chunkRows: 2_000, graceMs: 2_000 };
const TIER_STEP_MS: Record<RollupTier, number> = { minute: MINUTE_MS, hour: HOUR_MS };

/** Gives the event loop a turn between chunks: MQTT and HTTP keep flowing during a catch-up. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Folds closed minutes of raw telemetry into per-minute rows and closed hours of those into
 * per-hour rows, then prunes each tier by its retention. Progress is stored with the rows it
 * covers, so passes may be repeated, interrupted or restarted without counting a sample twice.
 * A tier is never pruned past what the next tier has folded from it.
 */
export class TelemetryRollup {
  private readonly store: RollupStore;
  private readonly options: Required<Omit<TelemetryRollupOptions, 'store' | 'log' | 'now'>>;
  private readonly now: () => Date;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private started = false;
  /** Set by stop(): a pass in progress ends after its current chunk. */
  private halted = false;

  constructor(options: TelemetryRollupOptions) {
    this.store = new RollupStore(options.store);
    this.options = {
      retention: options.retention,
      intervalMs: options.intervalMs ?? DEFAULTS.intervalMs,
      firstPassDelayMs: options.firstPassDelayMs ?? DEFAULTS.firstPassDelayMs,
      chunkRows: options.chunkRows ?? DEFAULTS.chunkRows,
      graceMs: options.graceMs ?? DEFAULTS.graceMs,
    };
    this.now = options.now ?? (() => new Date());
    this.log = options.log.child({ mod: 'telemetry-rollup' });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.halted = false;
    this.schedule(this.options.firstPassDelayMs);
  }

  /** Waits for a pass in progress to finish its current chunk; nothing runs afterwards. */
  async stop(): Promise<void> {
    this.started = false;
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: fold minutes, fold hours, prune. Also what the timer runs. */
  async runOnce(): Promise<RollupPass> {
    const now = this.now();
    const minuteClosed = floorTo(now.getTime() - this.options.graceMs, MINUTE_MS).toISOString();
    const minute = await this.foldTier('minute', minuteClosed);
    // An hour is closed for folding once every minute in it is folded.
    const hourClosed = minute.doneUntil ? floorIso(minute.doneUntil, HOUR_MS) : undefined;
    const hour = hourClosed ? await this.foldTier('hour', hourClosed) : { folds: 0, doneUntil: undefined };
    const pruned = await this.prune(now, minute.doneUntil, hour.doneUntil);
    return {
      folds: { minute: minute.folds, hour: hour.folds },
      pruned,
      doneUntil: { minute: minute.doneUntil, hour: hour.doneUntil },
    };
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce()
        .then((pass) => this.log.debug(pass, 'telemetry rolled up'))
        .catch((error: unknown) =>
          this.log.error({ err: (error as Error).message }, 'telemetry rollup failed; retried next pass'),
        )
        .finally(() => {
          this.running = null;
          this.schedule(this.options.intervalMs);
        });
    }, delayMs);
  }

  /** Folds [progress, closed) in chunks of about chunkRows source rows, each a whole number of steps. */
  private async foldTier(tier: RollupTier, closed: string): Promise<{ folds: number; doneUntil?: string }> {
    const step = TIER_STEP_MS[tier];
    const earliest = await this.store.earliestSource(tier);
    let from = (await this.store.progress(tier)) ?? (earliest ? floorIso(earliest, step) : undefined);
    if (from === undefined) {
      // Nothing stored yet: start at the closed edge, so the first samples fold once they close.
      await this.store.setProgress(tier, closed);
      return { folds: 0, doneUntil: closed };
    }
    let folds = 0;
    while (from < closed && !this.halted) {
      const reach = await this.store.sourceTimeAfter(tier, from, this.options.chunkRows);
      const chunkEnd = reach ? floorIso(reach, step) : closed;
      const to = earlier(chunkEnd > from ? chunkEnd : addMs(from, step), closed);
      await this.store.fold(tier, from, to);
      folds += 1;
      from = to;
      if (from < closed) await yieldToLoop();
    }
    return { folds, doneUntil: from };
  }

  private async prune(
    now: Date,
    minuteDone: string | undefined,
    hourDone: string | undefined,
  ): Promise<Record<PrunedTier, number>> {
    const { retention } = this.options;
    const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
    // Never past what the next tier has folded: a sample leaves raw only once it is in a minute.
    const cutoffs: Record<PrunedTier, string | undefined> = {
      raw: minuteDone && earlier(before(retention.rawMs), minuteDone),
      minute: hourDone && earlier(before(retention.minuteMs), hourDone),
      hour: before(retention.hourMs),
    };
    const pruned: Record<PrunedTier, number> = { raw: 0, minute: 0, hour: 0 };
    for (const tier of ['raw', 'minute', 'hour'] as const) {
      const cutoff = cutoffs[tier];
      if (cutoff === undefined) continue;
      for (;;) {
        const deleted = await this.store.prune(tier, cutoff, this.options.chunkRows);
        pruned[tier] += deleted;
        if (deleted < this.options.chunkRows || this.halted) break;
        await yieldToLoop();
      }
    }
    return pruned;
  }
}
