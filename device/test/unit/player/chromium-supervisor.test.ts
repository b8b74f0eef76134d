import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserSession, LossCause } from '../../../src/player/chromium/browser-session.js';
import { ChromiumSupervisor } from '../../../src/player/chromium/chromium-supervisor.js';
import { restartDelayMs } from '../../../src/player/chromium/restart-backoff.js';
import { testLogger } from '../../integration/helpers/fixtures.js';

type Lose = (cause: LossCause, detail: string) => void;

/** A supervisor over fake sessions: each launch is recorded with the time it happened. */
function supervised(): { supervisor: ChromiumSupervisor; launches: number[]; lose(): void } {
  const launches: number[] = [];
  let current: Lose | null = null;
  const session = (): BrowserSession =>
    ({
      page: {} as BrowserSession['page'],
      pid: launches.length,
      heartbeat: async () => true,
      heapBytes: async () => null,
      close: async () => undefined,
    }) satisfies BrowserSession;
  const supervisor = new ChromiumSupervisor({
    log: testLogger(),
    launch: async (onLost) => {
      launches.push(Date.now());
      current = onLost;
      return session();
    },
  });
  return { supervisor, launches, lose: () => current?.('exited', 'code null, signal SIGKILL') };
}

/** Lets the fake launch's promise chain settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('ChromiumSupervisor restart backoff', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('relaunches a browser that played its page after the first, quick delay every time (W1)', async () => {
    const { supervisor, launches, lose } = supervised();
    supervisor.start();
    await settle();
    for (let kill = 0; kill < 10; kill++) {
      supervisor.playing();
      await vi.advanceTimersByTimeAsync(1_000);
      const before = launches.length;
      const lostAt = Date.now();
      lose();
      await vi.advanceTimersByTimeAsync(restartDelayMs(0));
      await settle();
      expect(launches.length, `relaunch after kill ${kill + 1}`).toBe(before + 1);
      expect(launches.at(-1)! - lostAt).toBeLessThanOrEqual(restartDelayMs(0));
    }
    await supervisor.stop();
  });

  it('still backs off when the browser keeps dying before its page plays (a crash loop)', async () => {
    const { supervisor, launches, lose } = supervised();
    supervisor.start();
    await settle();
    for (let kill = 0; kill < 7; kill++) {
      lose();
      await vi.advanceTimersByTimeAsync(30_000);
      await settle();
    }
    const gaps = launches.slice(1).map((at, index) => at - launches[index]!);
    expect(gaps.at(-1)).toBeGreaterThan(restartDelayMs(4));
    await supervisor.stop();
  });
});
