import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FleetEvents } from '../../../src/devices/fleet-events.js';

// The throttle behind the live stream, on vitest's fake clock (timers and Date.now move together).
describe('FleetEvents', () => {
  let events: FleetEvents;
  let heard: string[];

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    events = new FleetEvents({ log: pino({ level: 'silent' }), minIntervalMs: 1_000 });
    heard = [];
    events.subscribe((deviceId) => heard.push(`${deviceId}@${Date.now()}`));
  });

  afterEach(() => {
    events.stop();
    vi.useRealTimers();
  });

  it('tells at once about a device that has been quiet', () => {
    events.deviceChanged('cat-bi-belt-01');
    expect(heard).toEqual(['cat-bi-belt-01@0']);
  });

  it('folds a burst into one trailing notice per second per device', () => {
    events.deviceChanged('cat-bi-belt-01');
    vi.advanceTimersByTime(100);
    events.deviceChanged('cat-bi-belt-01');
    vi.advanceTimersByTime(100);
    events.deviceChanged('cat-bi-belt-01');
    events.deviceChanged('port-terminal-01');
    vi.advanceTimersByTime(2_000);
    expect(heard).toEqual(['cat-bi-belt-01@0', 'port-terminal-01@200', 'cat-bi-belt-01@1000']);
  });

  it('never tells about one device more often than once a second, however long the burst', () => {
    for (let ms = 0; ms < 10_000; ms += 50) {
      events.deviceChanged('cat-bi-belt-01');
      vi.advanceTimersByTime(50);
    }
    vi.advanceTimersByTime(1_000);
    const times = heard.map((notice) => Number(notice.split('@')[1]));
    expect(times.length).toBeGreaterThanOrEqual(10);
    expect(times.length).toBeLessThanOrEqual(11);
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
    // The last change is never lost: a notice follows it.
    expect(times.at(-1)).toBeGreaterThanOrEqual(9_950);
  });

  it('does nothing while nobody listens, and stops listeners that unsubscribe', () => {
    const quiet = new FleetEvents({ log: pino({ level: 'silent' }) });
    quiet.deviceChanged('cat-bi-belt-01');
    expect(vi.getTimerCount()).toBe(0);
    const calls: string[] = [];
    const unsubscribe = quiet.subscribe((id) => calls.push(id));
    quiet.deviceChanged('cat-bi-belt-01');
    unsubscribe();
    quiet.deviceChanged('port-terminal-01');
    expect(calls).toEqual(['cat-bi-belt-01']);
    expect(quiet.listenerCount).toBe(0);
  });

  it('keeps telling the other listeners when one throws', () => {
    events.subscribe(() => {
      throw new Error('broken listener');
    });
    const after: string[] = [];
    events.subscribe((id) => after.push(id));
    expect(() => events.deviceChanged('cat-bi-belt-01')).not.toThrow();
    expect(after).toEqual(['cat-bi-belt-01']);
  });

  it('drops pending notices on stop', () => {
    events.deviceChanged('cat-bi-belt-01');
    events.deviceChanged('cat-bi-belt-01');
    events.stop();
    vi.advanceTimersByTime(5_000);
    expect(heard).toEqual(['cat-bi-belt-01@0']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
