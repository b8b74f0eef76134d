import { UPDATE_STATES, type UpdateState } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { configArgument, decideLaunch, type LaunchFacts } from '../../../src/launcher/launch-decision.js';
import type { UpdateRecord } from '../../../src/update/update-state.js';

const NOW = new Date('2026-11-26T10:00:00.000Z');
const EARLIER = '2026-11-26T09:58:00.000Z';

function record(state: UpdateState, starts = 0, extra: Partial<UpdateRecord> = {}): UpdateRecord {
  return {
    status: {
      state,
      targetVersion: '2.0.0',
      previousVersion: '1.0.0',
      problem: null,
      at: '2026-11-26T09:55:00.000Z',
    },
    sha256: 'a'.repeat(64),
    starts,
    healthSince: starts > 0 ? EARLIER : null,
    failedStage: null,
    failureReported: false,
    ...extra,
  };
}

/** The usual disk after a switch to 2.0.0: both releases complete. */
function facts(overrides: Partial<LaunchFacts> = {}): LaunchFacts {
  return {
    record: null,
    current: '2.0.0',
    currentRunnable: true,
    previous: '1.0.0',
    previousRunnable: true,
    maxStarts: 3,
    now: NOW,
    ...overrides,
  };
}

const GATED: UpdateState[] = ['switching', 'restarting', 'health-check'];
const SETTLED = UPDATE_STATES.filter((state) => !GATED.includes(state) && state !== 'rolling-back');

describe('decideLaunch', () => {
  it('starts current untouched without a record, or with the record of a settled update', () => {
    expect(decideLaunch(facts())).toEqual({ action: 'start', release: '2.0.0', reason: 'nothing to do' });
    for (const state of SETTLED) {
      expect(decideLaunch(facts({ record: record(state, 2) })), state).toMatchObject({ action: 'start' });
    }
  });

  it('does not count a gated record whose target is not current (the switch has not happened)', () => {
    for (const state of GATED) {
      const plan = decideLaunch(facts({ current: '1.0.0', previous: null, record: record(state) }));
      expect(plan, state).toEqual({ action: 'start', release: '1.0.0', reason: 'nothing to do' });
    }
  });

  it('counts each start of the target in its health gate, and stamps healthSince on the first', () => {
    for (const state of GATED) {
      const first = decideLaunch(facts({ record: record(state, 0) }));
      expect(first, state).toMatchObject({
        action: 'count-start',
        release: '2.0.0',
        record: { starts: 1, healthSince: NOW.toISOString(), status: { state } },
        reason: 'start 1 of 3 before release 2.0.0 is confirmed',
      });
      const third = decideLaunch(facts({ record: record(state, 2) }));
      expect(third, state).toMatchObject({
        action: 'count-start',
        record: { starts: 3, healthSince: EARLIER },
      });
    }
  });

  it('rolls back the start after maxStarts, naming the release, the count and the release it goes back to', () => {
    for (const state of GATED) {
      const plan = decideLaunch(facts({ record: record(state, 3) }));
      const message = 'release 2.0.0 stopped 3 times before it was confirmed; back on 1.0.0';
      const problem = { code: 'UPDATE_FAILED', message };
      expect(plan, state).toMatchObject({
        action: 'roll-back',
        from: '2.0.0',
        to: '1.0.0',
        moveLink: true,
        reason: message,
        rollingBack: { status: { state: 'rolling-back', problem, at: NOW.toISOString() }, starts: 4 },
        rolledBack: {
          status: { state: 'rolled-back', problem, targetVersion: '2.0.0', previousVersion: '1.0.0' },
          failedStage: 'restart',
          failureReported: false,
          starts: 4,
        },
      });
    }
    expect(decideLaunch(facts({ maxStarts: 1, record: record('health-check', 1) }))).toMatchObject({
      action: 'roll-back',
    });
  });

  it('keeps starting a crash-looping release when there is nothing usable to go back to', () => {
    for (const previous of [{ previous: null }, { previousRunnable: false }]) {
      const plan = decideLaunch(facts({ ...previous, record: record('health-check', 3) }));
      expect(plan).toMatchObject({ action: 'count-start', release: '2.0.0', record: { starts: 4 } });
      expect(plan.reason).toContain('no previous release');
    }
  });

  it('finishes a roll back cut short before the link moved, keeping the problem the agent recorded', () => {
    const timedOut = {
      code: 'UPDATE_FAILED' as const,
      message: 'release 2.0.0 was not healthy within 900 s',
    };
    const cut = record('rolling-back', 1, { failedStage: 'health-check' });
    cut.status.problem = timedOut;
    expect(decideLaunch(facts({ record: cut }))).toMatchObject({
      action: 'roll-back',
      to: '1.0.0',
      moveLink: true,
      rolledBack: { status: { state: 'rolled-back', problem: timedOut }, failedStage: 'health-check' },
    });
  });

  it('finishes a roll back cut short after the link moved without moving it again', () => {
    const plan = decideLaunch(facts({ current: '1.0.0', previous: null, record: record('rolling-back', 4) }));
    expect(plan).toMatchObject({
      action: 'roll-back',
      from: '2.0.0',
      to: '1.0.0',
      moveLink: false,
      rollingBack: null,
      rolledBack: {
        status: { state: 'rolled-back', problem: { code: 'UPDATE_FAILED' } },
        failedStage: 'restart',
      },
    });
  });

  it('starts the target when a roll back cannot be finished, and fails when nothing can run', () => {
    const stuck = facts({ previous: null, record: record('rolling-back', 4) });
    expect(decideLaunch(stuck)).toMatchObject({ action: 'start', release: '2.0.0' });
    expect(decideLaunch({ ...stuck, currentRunnable: false })).toEqual({
      action: 'fail',
      reason: 'no release to start: current 2.0.0 has no agent.mjs, no previous link',
    });
  });

  it('goes back to previous when current is missing or incomplete, touching only its own record', () => {
    const incomplete = decideLaunch(facts({ currentRunnable: false, record: record('committed') }));
    const message = 'release 2.0.0 is incomplete (no agent.mjs); back on 1.0.0';
    expect(incomplete).toMatchObject({
      action: 'roll-back',
      to: '1.0.0',
      moveLink: true,
      rolledBack: { status: { state: 'rolled-back', problem: { code: 'UPDATE_FAILED', message } } },
    });
    const missing = decideLaunch(
      facts({ current: null, currentRunnable: false, record: record('committed') }),
    );
    expect(missing).toMatchObject({ action: 'roll-back', to: '1.0.0', rollingBack: null, rolledBack: null });
    expect(missing.reason).toBe('there is no current release; back on 1.0.0');
    const foreign = decideLaunch(facts({ currentRunnable: false }));
    expect(foreign).toMatchObject({ action: 'roll-back', rollingBack: null, rolledBack: null });
  });

  it('fails with one line naming both links when neither can run', () => {
    expect(decideLaunch(facts({ current: null, currentRunnable: false, previous: null }))).toEqual({
      action: 'fail',
      reason: 'no release to start: no current link, no previous link',
    });
    const plan = decideLaunch(facts({ currentRunnable: false, previousRunnable: false }));
    expect(plan.reason).toBe(
      'no release to start: current 2.0.0 has no agent.mjs, previous 1.0.0 has no agent.mjs',
    );
  });
});

describe('decideLaunch over every state × links × starts', () => {
  const records = [
    null,
    ...UPDATE_STATES.flatMap((state) => [0, 3, 4].map((starts) => record(state, starts))),
  ];
  const links: Partial<LaunchFacts>[] = [
    {},
    { currentRunnable: false },
    { current: null, currentRunnable: false },
    { current: '1.0.0', previous: null, previousRunnable: false },
    { previous: null, previousRunnable: false },
    { previousRunnable: false },
    { current: null, currentRunnable: false, previous: null, previousRunnable: false },
  ];

  it('starts a release that can run, never fails while one can, and goes back only to a runnable previous', () => {
    for (const rec of records) {
      for (const link of links) {
        const input = facts({ ...link, record: rec });
        const plan = decideLaunch(input);
        const label = `${rec?.status.state ?? 'none'}/${rec?.starts ?? '-'} ${JSON.stringify(link)}`;
        const canRun = input.currentRunnable || (input.previous !== null && input.previousRunnable);
        expect(plan.action === 'fail', label).toBe(!canRun);
        if (plan.action === 'start' || plan.action === 'count-start') {
          expect(plan.release, label).toBe(input.current);
          expect(input.currentRunnable, label).toBe(true);
        }
        if (plan.action === 'roll-back') {
          const target = plan.moveLink ? input.previous : input.current;
          expect(plan.to, label).toBe(target);
          expect(plan.moveLink ? input.previousRunnable : input.currentRunnable, label).toBe(true);
          expect(plan.rolledBack?.status.state ?? 'rolled-back', label).toBe('rolled-back');
        }
        if (plan.action === 'count-start') expect(plan.record.starts, label).toBe((rec?.starts ?? 0) + 1);
      }
    }
  });
});

describe('configArgument', () => {
  it('reads the agent config file in each spelling the agent accepts, and nothing else', () => {
    expect(configArgument(['--config', '/etc/gatecast/agent.json'])).toBe('/etc/gatecast/agent.json');
    expect(configArgument(['-c', 'agent.json', '--verbose'])).toBe('agent.json');
    expect(configArgument(['--config=a.json'])).toBe('a.json');
    expect(configArgument(['--version'])).toBeNull();
    expect(configArgument(['--config'])).toBeNull();
  });
});
