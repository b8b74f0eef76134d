import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  LeasedEngines,
  everyInterval,
  startRightAway,
  type Engine,
} from '../../../src/cluster/engine-runner.js';
import type { LeaseRepo } from '../../../src/cluster/lease-repo.js';

/** The lease rule of LeaseRepo.acquire, in memory: free, already mine, or expired at `now`. */
class MemoryLeases implements Pick<LeaseRepo, 'acquire' | 'release'> {
  readonly rows = new Map<string, { holder: string; expiresAt: string }>();
  failing = false;

  async acquire(name: string, holder: string, now: string, until: string): Promise<boolean> {
    if (this.failing) throw new Error('database is locked');
    const row = this.rows.get(name);
    if (row && row.holder !== holder && row.expiresAt > now) return false;
    this.rows.set(name, { holder, expiresAt: until });
    return true;
  }

  async release(name: string, holder: string): Promise<void> {
    if (this.rows.get(name)?.holder === holder) this.rows.delete(name);
  }
}

const T0 = Date.parse('2026-11-26T08:00:00.000Z');

function setup() {
  const repo = new MemoryLeases();
  const clock = { ms: T0 };
  const log: string[] = [];
  const engine = (name: string): Engine => ({
    start: () => void log.push(`${name}+`),
    stop: async () => void log.push(`${name}-`),
  });
  const runner = (holder: string) => {
    const engines = new LeasedEngines({
      repo,
      name: 'engines',
      holder,
      log: pino({ level: 'silent' }),
      ttlMs: 15_000,
      renewMs: 5_000,
      now: () => new Date(clock.ms),
    });
    void engines.run('alerts', engine(`${holder}.alerts`));
    void engines.run('rollouts', engine(`${holder}.rollouts`));
    return engines;
  };
  return { repo, clock, log, runner };
}

describe('LeasedEngines', () => {
  it('starts the engines in the first holder only, in order', async () => {
    const { log, runner } = setup();
    const a = runner('a');
    const b = runner('b');
    await a.renew();
    await b.renew();
    expect(log).toEqual(['a.alerts+', 'a.rollouts+']);
    await a.end();
    await b.end();
  });

  it('keeps the lease while the holder renews before expiry, however long', async () => {
    const { clock, runner } = setup();
    const a = runner('a');
    const b = runner('b');
    await a.renew();
    for (let i = 0; i < 10; i++) {
      clock.ms += 14_000;
      await a.renew();
      await b.renew();
      expect([a.holding, b.holding]).toEqual([true, false]);
    }
  });

  it('lets another process take over exactly when the lease lapses, and the old holder stops', async () => {
    const { clock, log, runner } = setup();
    const a = runner('a');
    const b = runner('b');
    await a.renew();
    clock.ms += 14_999;
    await b.renew();
    expect(b.holding).toBe(false);
    clock.ms += 1;
    await b.renew();
    expect(b.holding).toBe(true);
    await a.renew();
    expect(a.holding).toBe(false);
    expect(log).toEqual(['a.alerts+', 'a.rollouts+', 'b.alerts+', 'b.rollouts+', 'a.rollouts-', 'a.alerts-']);
  });

  it('stops acting when the store cannot confirm the lease, and resumes when it can', async () => {
    const { repo, log, runner } = setup();
    const a = runner('a');
    await a.renew();
    repo.failing = true;
    await a.renew();
    expect(a.holding).toBe(false);
    repo.failing = false;
    await a.renew();
    expect(a.holding).toBe(true);
    expect(log).toEqual(['a.alerts+', 'a.rollouts+', 'a.rollouts-', 'a.alerts-', 'a.alerts+', 'a.rollouts+']);
  });

  it('hands the lease back on end, so the next process takes it without waiting', async () => {
    const { repo, runner } = setup();
    const a = runner('a');
    const b = runner('b');
    await a.renew();
    await a.end();
    expect(repo.rows.size).toBe(0);
    await b.renew();
    expect(b.holding).toBe(true);
  });

  it('starts an engine registered after the lease was taken at once', async () => {
    const { log, runner } = setup();
    const a = runner('a');
    await a.renew();
    await a.run('late', { start: () => void log.push('late+'), stop: () => undefined });
    expect(log.at(-1)).toBe('late+');
  });

  it('starts every engine right away in a single process', async () => {
    const log: string[] = [];
    await startRightAway.run('alerts', { start: () => void log.push('alerts+'), stop: () => undefined });
    expect(log).toEqual(['alerts+']);
  });
});

describe('everyInterval', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs its pass on every interval while started, and never after stop', async () => {
    vi.useFakeTimers();
    let passes = 0;
    const engine = everyInterval(30_000, async () => void passes++, pino({ level: 'silent' }));
    await engine.start();
    await engine.start(); // a second start adds no second timer
    await vi.advanceTimersByTimeAsync(90_000);
    expect(passes).toBe(3);
    await engine.stop();
    await vi.advanceTimersByTimeAsync(90_000);
    expect(passes).toBe(3);
  });
});
