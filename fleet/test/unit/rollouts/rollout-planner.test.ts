import type { ReportedState } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import type { Rollout, RolloutScreen } from '../../../src/rollouts/rollout-model.js';
import {
  outcomeOf,
  planAbort,
  planRound,
  waitingReasonOf,
  type ScreenFacts,
} from '../../../src/rollouts/rollout-planner.js';

const NOW = new Date('2026-11-26T03:00:00.000Z');

function rollout(extra: Partial<Rollout> = {}): Rollout {
  return {
    id: 'ro-1',
    version: '1.4.0',
    state: 'running',
    pauseReason: null,
    target: { gates: ['cat-bi'], zones: [], tags: [], devices: [] },
    waves: ['canary', 100],
    gates: ['cat-bi'],
    currentWave: 0,
    maxFailures: 0,
    failuresAccepted: 0,
    ignoreMaintenanceWindows: false,
    rollbackOf: null,
    createdBy: 'lan',
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    finishedAt: null,
    ...extra,
  };
}

function screen(deviceId: string, wave: number, extra: Partial<RolloutScreen> = {}): RolloutScreen {
  return {
    rolloutId: 'ro-1',
    deviceId,
    name: deviceId,
    gateId: 'cat-bi',
    zoneId: 'arrivals',
    wave,
    state: 'pending',
    waitingFor: null,
    fromVersion: '1.3.0',
    previous: null,
    problem: null,
    updatedAt: NOW.toISOString(),
    ...extra,
  };
}

type Update = NonNullable<ReportedState['update']>;
const update = (state: Update['state'], targetVersion = '1.4.0'): Update => ({
  state,
  targetVersion,
  previousVersion: '1.3.0',
  problem: state === 'rolled-back' ? { code: 'UPDATE_FAILED', message: 'health gate failed' } : null,
  at: NOW.toISOString(),
});

const facts = (extra: Partial<ScreenFacts> = {}): ScreenFacts => ({
  reported: { agentVersion: '1.3.0' },
  window: null,
  timeZone: 'Asia/Ho_Chi_Minh',
  announcementActive: false,
  ...extra,
});

const round = (
  r: Rollout,
  screens: RolloutScreen[],
  factsOf: Record<string, Partial<ScreenFacts>> = {},
  now = NOW,
) => planRound({ rollout: r, screens, facts: (id) => facts(factsOf[id]), now });

const ids = (screens: readonly RolloutScreen[]) => screens.map((s) => s.deviceId).sort();

describe('outcomeOf', () => {
  it('reads committed from the agent version, and failures from the update block for this version', () => {
    expect(outcomeOf('1.4.0', { agentVersion: '1.4.0' })).toEqual({ kind: 'committed' });
    expect(outcomeOf('1.4.0', { agentVersion: '1.4.0', update: update('committed') })).toEqual({
      kind: 'committed',
    });
    expect(outcomeOf('1.4.0', { agentVersion: '1.4.0', update: update('health-check') })).toBeNull();
    expect(outcomeOf('1.4.0', { agentVersion: '1.3.0', update: update('downloading') })).toBeNull();
    expect(outcomeOf('1.4.0', { agentVersion: '1.3.0', update: update('rolled-back') })).toEqual({
      kind: 'failed',
      problem: { code: 'UPDATE_FAILED', message: 'health gate failed' },
    });
    expect(outcomeOf('1.4.0', { agentVersion: '1.3.0', update: update('refused') })).toMatchObject({
      kind: 'failed',
      problem: { code: 'UPDATE_FAILED', message: 'the screen refused 1.4.0' },
    });
    // A failure of another version says nothing about this one.
    expect(outcomeOf('1.4.0', { agentVersion: '1.3.0', update: update('rolled-back', '1.3.5') })).toBeNull();
    expect(outcomeOf('1.4.0', null)).toBeNull();
  });
});

describe('waitingReasonOf: maintenance windows in the gate time zone', () => {
  const overnight = { from: '22:00', to: '05:00' };
  // Ho Chi Minh City is UTC+7: 23:30 local is 16:30 UTC, 04:59 local is 21:59 UTC the day before.
  it.each([
    ['2026-11-26T16:30:00Z', null],
    ['2026-11-26T21:59:00Z', null],
    ['2026-11-26T22:00:00Z', 'maintenance-window'],
    ['2026-11-26T03:00:00Z', 'maintenance-window'],
  ] as const)('overnight window 22:00–05:00 at %s → %s', (at, expected) => {
    expect(waitingReasonOf(facts({ window: overnight }), false, new Date(at))).toBe(expected);
  });

  it('hands out at any time without a window, or when told to ignore windows', () => {
    expect(waitingReasonOf(facts(), false, NOW)).toBeNull();
    expect(waitingReasonOf(facts({ window: overnight }), true, NOW)).toBeNull();
  });

  it('never while an announcement shows, not even ignoring windows', () => {
    expect(waitingReasonOf(facts({ announcementActive: true }), true, NOW)).toBe('announcement');
  });
});

describe('planRound', () => {
  it('hands the current wave its release and leaves later waves pending', () => {
    const plan = round(rollout(), [screen('a1', 0), screen('a2', 1), screen('a3', 1)]);
    expect(ids(plan.handOver)).toEqual(['a1']);
    expect(plan.screens.map((s) => [s.deviceId, s.state])).toEqual([['a1', 'updating']]);
    expect(plan.rolloutChanged).toBe(false);
  });

  it('keeps a screen waiting, with its reason, outside its window or during an announcement', () => {
    const closed = { window: { from: '01:00', to: '02:00' } };
    const plan = round(rollout({ waves: [100] }), [screen('a1', 0), screen('a2', 0)], {
      a1: closed,
      a2: { announcementActive: true },
    });
    expect(plan.handOver).toEqual([]);
    expect(plan.screens.map((s) => [s.deviceId, s.state, s.waitingFor])).toEqual([
      ['a1', 'waiting', 'maintenance-window'],
      ['a2', 'waiting', 'announcement'],
    ]);
    // The clock enters the window (01:30 in Ho Chi Minh City): a1 is handed its release.
    const later = round(
      rollout({ waves: [100] }),
      plan.screens,
      { a1: closed },
      new Date('2026-11-26T18:30:00Z'),
    );
    expect(ids(later.handOver)).toEqual(['a1', 'a2']);
  });

  it('moves to the next wave once the canary committed, and completes after the last', () => {
    const canary = screen('a1', 0, { state: 'updating' });
    const next = round(rollout(), [canary, screen('a2', 1)], { a1: { reported: { agentVersion: '1.4.0' } } });
    expect(next.rollout.currentWave).toBe(1);
    expect(ids(next.handOver)).toEqual(['a2']);
    const done = round(
      next.rollout,
      [
        { ...canary, state: 'committed' },
        { ...screen('a2', 1), state: 'updating' },
      ],
      {
        a2: { reported: { agentVersion: '1.4.0', update: update('committed') } },
      },
    );
    expect(done.rollout).toMatchObject({ state: 'completed', finishedAt: NOW.toISOString() });
  });

  it('passes over waves that are already done (skipped screens)', () => {
    const plan = round(rollout({ waves: ['canary', 50, 100] }), [
      screen('a1', 0, { state: 'skipped' }),
      screen('a2', 1, { state: 'skipped' }),
      screen('a3', 2),
    ]);
    expect(plan.rollout.currentWave).toBe(2);
    expect(ids(plan.handOver)).toEqual(['a3']);
  });

  it('pauses past maxFailures before the next wave, and gives the failed screen its old assignment back', () => {
    const canary = screen('a1', 0, { state: 'updating', previous: { version: '1.3.0', rolloutId: 'ro-0' } });
    const plan = round(rollout(), [canary, screen('a2', 1)], {
      a1: { reported: { agentVersion: '1.3.0', update: update('rolled-back') } },
    });
    expect(plan.rollout).toMatchObject({ state: 'paused', currentWave: 0 });
    expect(plan.rollout.pauseReason).toBe('more than 0 screens failed (1)');
    expect(plan.handOver).toEqual([]);
    expect(plan.release.map((s) => [s.deviceId, s.state, s.previous])).toEqual([
      ['a1', 'failed', { version: '1.3.0', rolloutId: 'ro-0' }],
    ]);
  });

  it('tolerates failures up to maxFailures, and moves on once the failed screen settled the wave', () => {
    const plan = round(
      rollout({ maxFailures: 1 }),
      [screen('a1', 0, { state: 'updating' }), screen('a2', 1)],
      {
        a1: { reported: { agentVersion: '1.3.0', update: update('refused') } },
      },
    );
    expect(plan.rollout).toMatchObject({ state: 'running', currentWave: 1 });
    expect(ids(plan.handOver)).toEqual(['a2']);
  });

  it('after a resume counts only new failures against the threshold', () => {
    const failed = screen('a1', 0, { state: 'failed' });
    const resumed = rollout({ failuresAccepted: 1, currentWave: 0, waves: ['canary', 100] });
    const plan = round(resumed, [failed, screen('a2', 1), screen('a3', 1)]);
    expect(plan.rollout).toMatchObject({ state: 'running', currentWave: 1 });
    const again = round(
      plan.rollout,
      [failed, { ...screen('a2', 1), state: 'updating' }, screen('a3', 1, { state: 'updating' })],
      {
        a2: { reported: { agentVersion: '1.3.0', update: update('rolled-back') } },
      },
    );
    expect(again.rollout.state).toBe('paused');
  });

  it('while paused hands nothing out, yet still records screens that commit', () => {
    const plan = round(
      rollout({ state: 'paused', pauseReason: 'by lan' }),
      [screen('a1', 0, { state: 'updating' }), screen('a2', 0)],
      {
        a1: { reported: { agentVersion: '1.4.0' } },
      },
    );
    expect(plan.handOver).toEqual([]);
    expect(plan.screens.map((s) => [s.deviceId, s.state])).toEqual([['a1', 'committed']]);
    expect(plan.rollout.state).toBe('paused');
  });

  it('does nothing for a finished rollout', () => {
    const plan = round(rollout({ state: 'completed' }), [screen('a1', 0)]);
    expect(plan).toMatchObject({ rolloutChanged: false, screens: [], handOver: [], release: [] });
  });
});

describe('planAbort', () => {
  it('cancels the screens not yet done and takes back the release of those handed it', () => {
    const plan = planAbort(
      rollout(),
      [
        screen('a1', 0, { state: 'committed' }),
        screen('a2', 0, { state: 'updating' }),
        screen('a3', 1, { state: 'waiting', waitingFor: 'announcement' }),
        screen('a4', 1),
      ],
      NOW,
    );
    expect(plan.rollout).toMatchObject({ state: 'aborted', finishedAt: NOW.toISOString() });
    expect(plan.screens.map((s) => [s.deviceId, s.state])).toEqual([
      ['a2', 'cancelled'],
      ['a3', 'cancelled'],
      ['a4', 'cancelled'],
    ]);
    expect(ids(plan.release)).toEqual(['a2']);
  });
});
