import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createStallMonitor,
  readNotifySettings,
  startSystemdWatchdog,
  type SystemdNotifier,
} from '../../../src/hardware/systemd-watchdog.js';

const log = pino({ level: 'silent' });

/** systemd's side of the socket, in memory: every message, in order. */
function recordingNotifier(): SystemdNotifier & { sent: string[][] } {
  const sent: string[][] = [];
  return {
    sent,
    async notify(socket, assignments) {
      expect(socket).toBe('/run/systemd/notify');
      sent.push([...assignments]);
    },
  };
}

describe('systemd notify settings', () => {
  it('feeds at half of WATCHDOG_USEC, only for the PID systemd named', () => {
    const env = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '60000000' };
    expect(readNotifySettings(env, 42)).toEqual({ socket: '/run/systemd/notify', intervalMs: 30_000 });
    expect(readNotifySettings({ ...env, WATCHDOG_PID: '42' }, 42)?.intervalMs).toBe(30_000);
    expect(readNotifySettings({ ...env, WATCHDOG_PID: '7' }, 42)?.intervalMs).toBeNull();
    expect(readNotifySettings({ NOTIFY_SOCKET: '@abstract' }, 42)).toEqual({
      socket: '@abstract',
      intervalMs: null,
    });
    expect(readNotifySettings({ WATCHDOG_USEC: '60000000' }, 42)).toBeNull();
  });
});

describe('the systemd watchdog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const env = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '2000000' };

  it('says nothing at all without NOTIFY_SOCKET', async () => {
    const notifier = recordingNotifier();
    const watchdog = startSystemdWatchdog({ log, healthy: () => null, env: {}, notifier });
    watchdog.ready();
    await vi.advanceTimersByTimeAsync(10_000);
    await watchdog.stop();
    expect(watchdog.enabled).toBe(false);
    expect(notifier.sent).toEqual([]);
  });

  it('says READY=1 once, feeds while healthy, stops feeding while not, and says STOPPING=1', async () => {
    const notifier = recordingNotifier();
    let problem: string | null = null;
    const watchdog = startSystemdWatchdog({ log, healthy: () => problem, env, notifier, pid: 1 });
    watchdog.ready();
    watchdog.ready();
    await vi.advanceTimersByTimeAsync(2_000);
    problem = 'applying a desired document has been running for 400 s';
    await vi.advanceTimersByTimeAsync(1_000);
    problem = null;
    await vi.advanceTimersByTimeAsync(1_000);
    await watchdog.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(watchdog.intervalMs).toBe(1_000);
    expect(notifier.sent).toEqual([
      ['READY=1', 'STATUS=running'],
      ['WATCHDOG=1'],
      ['WATCHDOG=1'],
      ['STATUS=applying a desired document has been running for 400 s'],
      ['WATCHDOG=1'],
      ['STOPPING=1'],
    ]);
  });

  it('keeps going when systemd-notify fails', async () => {
    let calls = 0;
    const notifier: SystemdNotifier = {
      async notify() {
        calls += 1;
        throw new Error('systemd-notify is not installed');
      },
    };
    const watchdog = startSystemdWatchdog({ log, healthy: () => null, env, notifier, pid: 1 });
    watchdog.ready();
    await vi.advanceTimersByTimeAsync(3_000);
    await watchdog.stop();
    expect(calls).toBe(5);
  });
});

describe('the stall monitor', () => {
  it('reports work running longer than its limit, and forgets it once done', async () => {
    let now = 0;
    const monitor = createStallMonitor('applying a desired document', 300_000, () => now);
    let finish!: () => void;
    const work = monitor.track(new Promise<void>((resolve) => (finish = resolve)));
    now = 300_000;
    expect(monitor.problem()).toBeNull();
    now = 301_000;
    expect(monitor.problem()).toBe('applying a desired document has been running for 301 s');
    finish();
    await work;
    expect(monitor.problem()).toBeNull();
    await expect(monitor.track(Promise.reject(new Error('screen failed')))).rejects.toThrow('screen failed');
    expect(monitor.problem()).toBeNull();
  });
});
