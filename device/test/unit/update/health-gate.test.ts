import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  effectiveHealthSince,
  HealthGate,
  judgeHealth,
  showsContent,
  type HealthReading,
  type HealthVerdict,
} from '../../../src/update/health-gate.js';

const SINCE = new Date('2026-11-26T12:00:00Z');
const reading = (changes: Partial<HealthReading>): HealthReading => ({
  now: new Date(SINCE.getTime() + 60_000),
  healthSince: SINCE,
  healthyForMs: 0,
  connected: true,
  showing: true,
  gateMs: 300_000,
  timeoutMs: 900_000,
  ...changes,
});

describe('judgeHealth', () => {
  it('commits once connected and showing content for the whole gate', () => {
    expect(judgeHealth(reading({ healthyForMs: 299_999 }))).toEqual({ verdict: 'wait' });
    expect(judgeHealth(reading({ healthyForMs: 300_000 }))).toEqual({ verdict: 'commit' });
    expect(judgeHealth(reading({ healthyForMs: 300_000, connected: false }))).toEqual({ verdict: 'wait' });
  });

  it('rolls back at the timeout and says what was missing', () => {
    const late = new Date(SINCE.getTime() + 900_000);
    expect(judgeHealth(reading({ now: late, connected: false }))).toEqual({
      verdict: 'roll-back',
      reason: 'not healthy within 15 min: not connected to the fleet',
    });
    expect(judgeHealth(reading({ now: late, connected: false, showing: false }))).toMatchObject({
      reason: expect.stringContaining('not connected to the fleet, not showing content'),
    });
    expect(judgeHealth(reading({ now: late, healthyForMs: 42_000 }))).toMatchObject({
      reason: expect.stringContaining('healthy for only 42 s of the 300 s gate'),
    });
  });
});

describe('effectiveHealthSince', () => {
  const build = new Date('2026-11-20T00:00:00Z');
  const now = new Date('2026-11-26T12:10:00Z');

  it('keeps a believable start and replaces one from a wrong clock', () => {
    expect(effectiveHealthSince(SINCE.toISOString(), now, build)).toEqual(SINCE);
    expect(effectiveHealthSince(null, now, build)).toEqual(now);
    expect(effectiveHealthSince('1970-01-01T00:00:12.000Z', now, build)).toEqual(now);
    expect(effectiveHealthSince('2027-01-01T00:00:00.000Z', now, build)).toEqual(now);
    expect(effectiveHealthSince('garbage', now, build)).toEqual(now);
  });
});

describe('showsContent', () => {
  it('needs the player to confirm playing; without one, applied is all there is', () => {
    expect(showsContent('playing', true)).toBe(true);
    expect(showsContent('applied', true)).toBe(false);
    expect(showsContent('applied', false)).toBe(true);
    expect(showsContent('degraded', false)).toBe(false);
    expect(showsContent('starting', false)).toBe(false);
  });
});

describe('HealthGate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts the healthy streak from its start and restarts it after a break', async () => {
    let monotonic = 0;
    const probe = { connected: true, showing: true };
    const verdicts: HealthVerdict[] = [];
    const gate = new HealthGate({
      probe: { connected: () => probe.connected, showingContent: () => probe.showing },
      clock: { now: () => new Date(SINCE.getTime() + monotonic) },
      healthSince: SINCE,
      gateMs: 1_000,
      timeoutMs: 60_000,
      pollMs: 1,
      monotonicMs: () => monotonic,
      onVerdict: (verdict) => verdicts.push(verdict),
    });
    // Time moves, then exactly one poll runs.
    const tick = async (ms: number) => {
      monotonic += ms;
      await vi.advanceTimersByTimeAsync(1);
    };
    gate.start();
    await tick(900);
    probe.connected = false;
    await tick(200);
    probe.connected = true;
    // The streak starts again at the first healthy poll after the break.
    await tick(10);
    await tick(900);
    expect(verdicts).toEqual([]);
    await tick(200);
    expect(verdicts).toEqual([{ verdict: 'commit' }]);
    gate.stop();
  });

  it('rolls back once the timeout passes without a healthy gate', async () => {
    let monotonic = 0;
    const verdicts: HealthVerdict[] = [];
    const gate = new HealthGate({
      probe: { connected: () => true, showingContent: () => false },
      clock: { now: () => new Date(SINCE.getTime() + monotonic) },
      healthSince: SINCE,
      gateMs: 1_000,
      timeoutMs: 60_000,
      pollMs: 1,
      monotonicMs: () => monotonic,
      onVerdict: (verdict) => verdicts.push(verdict),
    });
    gate.start();
    monotonic = 60_000;
    await vi.advanceTimersByTimeAsync(1);
    expect(verdicts).toEqual([
      { verdict: 'roll-back', reason: 'not healthy within 1 min: not showing content' },
    ]);
    gate.stop();
  });
  it.each([
    ['a year forward', 365 * 86_400_000],
    ['a year back', -365 * 86_400_000],
  ])(
    'neither rolls back a healthy release nor misses a sick one when the wall clock steps %s',
    async (_name, stepMs) => {
      let monotonic = 0;
      let wallStep = 0;
      const healthy = { showing: true };
      const verdicts: HealthVerdict[] = [];
      const gate = new HealthGate({
        probe: { connected: () => true, showingContent: () => healthy.showing },
        clock: { now: () => new Date(SINCE.getTime() + monotonic + wallStep) },
        healthSince: SINCE,
        gateMs: 10_000,
        timeoutMs: 60_000,
        pollMs: 1,
        monotonicMs: () => monotonic,
        onVerdict: (verdict) => verdicts.push(verdict),
      });
      gate.start();
      monotonic = 5_000;
      wallStep = stepMs;
      await vi.advanceTimersByTimeAsync(1);
      expect(verdicts).toEqual([]);
      monotonic = 10_000;
      await vi.advanceTimersByTimeAsync(1);
      expect(verdicts).toEqual([{ verdict: 'commit' }]);

      // A sick release under the stepped clock still goes back when the timeout has really passed.
      healthy.showing = false;
      monotonic = 0;
      const sick: HealthVerdict[] = [];
      const second = new HealthGate({
        probe: { connected: () => true, showingContent: () => healthy.showing },
        clock: { now: () => new Date(SINCE.getTime() + monotonic + wallStep) },
        healthSince: new Date(SINCE.getTime() + stepMs),
        gateMs: 10_000,
        timeoutMs: 60_000,
        pollMs: 1,
        monotonicMs: () => monotonic,
        onVerdict: (verdict) => sick.push(verdict),
      });
      second.start();
      wallStep = 0;
      monotonic = 30_000;
      await vi.advanceTimersByTimeAsync(1);
      expect(sick).toEqual([]);
      monotonic = 60_000;
      await vi.advanceTimersByTimeAsync(1);
      expect(sick).toEqual([
        { verdict: 'roll-back', reason: 'not healthy within 1 min: not showing content' },
      ]);
      gate.stop();
      second.stop();
    },
  );
});
