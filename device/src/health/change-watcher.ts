import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';

/**
 * Pure: how long to wait before the next on-change sample. The first change is sent at once;
 * changes within `minGapMs` of the last sample wait for the gap's end, so a storm (a loose HDMI
 * plug, a flapping link) costs one extra sample per gap, not one per flicker.
 */
export function debounceDelayMs(lastFiredAt: number | null, now: number, minGapMs: number): number {
  if (lastFiredAt === null) return 0;
  return Math.max(0, lastFiredAt + minGapMs - now);
}

export interface ChangeWatcherOptions {
  /** A cheap fingerprint of what matters (file reads only); a different value is a change. */
  readKey(): Promise<string>;
  /** Takes the extra sample. */
  onChange(): void;
  pollMs: number;
  minGapMs: number;
  log: Logger;
  monotonicMs?: () => number;
}

export interface ChangeWatcher {
  start(): void;
  stop(): void;
  /** A change seen elsewhere (the display check, a CEC command). */
  notify(reason: string): void;
}

/** Polls `readKey` and asks for a sample when it changes; the first read is the baseline. */
export function createChangeWatcher(options: ChangeWatcherOptions): ChangeWatcher {
  const log = options.log.child({ mod: 'health-watch' });
  const monotonicMs = options.monotonicMs ?? (() => performance.now());
  let poller: NodeJS.Timeout | null = null;
  let pending: NodeJS.Timeout | null = null;
  let lastFiredAt: number | null = null;
  let lastKey: string | null = null;
  let polling = false;
  let running = false;

  function fire(): void {
    pending = null;
    if (!running) return;
    lastFiredAt = monotonicMs();
    options.onChange();
  }

  function changed(reason: string): void {
    if (!running || pending) return;
    log.debug({ reason }, 'health changed; sampling');
    const delay = debounceDelayMs(lastFiredAt, monotonicMs(), options.minGapMs);
    if (delay === 0) fire();
    else pending = setTimeout(fire, delay);
  }

  async function poll(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      const key = await options.readKey();
      if (lastKey !== null && key !== lastKey) changed('host');
      lastKey = key;
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'health watch read failed');
    } finally {
      polling = false;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      void poll();
      poller = setInterval(() => void poll(), options.pollMs);
    },
    stop() {
      running = false;
      for (const timer of [poller, pending]) if (timer) clearTimeout(timer);
      poller = pending = null;
    },
    notify: changed,
  };
}
