import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { createChangeWatcher, debounceDelayMs } from '../../../src/health/change-watcher.js';

describe('debounceDelayMs', () => {
  it('sends the first change at once and holds later ones to the end of the gap', () => {
    expect(debounceDelayMs(null, 1_000, 5_000)).toBe(0);
    expect(debounceDelayMs(1_000, 2_000, 5_000)).toBe(4_000);
    expect(debounceDelayMs(1_000, 6_000, 5_000)).toBe(0);
    expect(debounceDelayMs(1_000, 60_000, 5_000)).toBe(0);
  });
});

describe('the change watcher', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
  });
  afterEach(() => vi.useRealTimers());

  async function tick(ms: number): Promise<void> {
    now += ms;
    await vi.advanceTimersByTimeAsync(ms);
  }

  it('does not sample for its baseline, samples on a change, and turns a storm into one more sample', async () => {
    let key = 'hdmi=connected';
    let samples = 0;
    const watcher = createChangeWatcher({
      readKey: async () => key,
      onChange: () => samples++,
      pollMs: 1_000,
      minGapMs: 5_000,
      log: pino({ level: 'silent' }),
      monotonicMs: () => now,
    });
    watcher.start();
    await tick(3_000);
    expect(samples).toBe(0);

    key = 'hdmi=disconnected';
    await tick(1_000);
    expect(samples).toBe(1);

    // A loose plug: the state flips every second for four seconds.
    for (const state of ['connected', 'disconnected', 'connected', 'disconnected']) {
      key = `hdmi=${state}`;
      await tick(1_000);
    }
    expect(samples).toBe(1);
    await tick(1_000);
    expect(samples).toBe(2);
    await tick(20_000);
    expect(samples).toBe(2);

    watcher.notify('display verdict');
    expect(samples).toBe(3);
    watcher.stop();
    watcher.notify('after stop');
    key = 'changed after stop';
    await tick(10_000);
    expect(samples).toBe(3);
  });
});
