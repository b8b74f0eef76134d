import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_SLEEP_MS, ScheduleTimer } from '../../../src/player/schedule-timer.js';
import { SerialRunner } from '../../../src/player/serial-runner.js';

describe('ScheduleTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    });
  });
  afterEach(() => vi.useRealTimers());

  it('wakes just after the next change, not before', () => {
    const wake = vi.fn();
    const timer = new ScheduleTimer(wake);
    timer.start();
    const now = new Date();
    timer.wakeAt(new Date(now.getTime() + 5_000), now);
    vi.advanceTimersByTime(4_999);
    expect(wake).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(wake).toHaveBeenCalledTimes(1);
    timer.stop();
  });

  it('wakes at least hourly when nothing is due', () => {
    const wake = vi.fn();
    const timer = new ScheduleTimer(wake);
    timer.start();
    timer.wakeAt(null, new Date());
    vi.advanceTimersByTime(MAX_SLEEP_MS + 100);
    expect(wake).toHaveBeenCalled();
    timer.stop();
  });

  it('wakes at once when the wall clock jumps', () => {
    const wake = vi.fn();
    const timer = new ScheduleTimer(wake);
    timer.start();
    timer.wakeAt(null, new Date());
    vi.setSystemTime(Date.now() + 365 * 86_400_000); // NTP sets a clock that booted in 1970
    vi.advanceTimersByTime(10_000);
    expect(wake).toHaveBeenCalledTimes(1);
    timer.stop();
  });

  it('leaves nothing behind after stop', () => {
    const wake = vi.fn();
    const timer = new ScheduleTimer(wake);
    timer.start();
    timer.wakeAt(new Date(Date.now() + 1_000), new Date());
    timer.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('SerialRunner', () => {
  it('runs one at a time and collapses a burst into one more run', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const runner = new SerialRunner(async () => {
      runs++;
      await new Promise<void>((resolve) => (release = resolve));
    });
    runner.request();
    runner.request();
    runner.request();
    expect(runs).toBe(1);
    release();
    await vi.waitFor(() => expect(runs).toBe(2));
    release();
    await runner.close();
    runner.request();
    expect(runs).toBe(2);
  });
});
