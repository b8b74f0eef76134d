import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kinds, run, settings, type Step } from './machine-harness.js';

describe('the alert machine: delay and hysteresis', () => {
  it('fires only once the condition outlasts the delay', () => {
    const short = run(
      [
        { at: 0, active: true },
        { at: 30, active: false },
        { at: 200, active: false },
      ],
      settings({ delaySec: 60 }),
    );
    expect(short.actions).toEqual([]);

    const long = run(
      [
        { at: 0, active: true },
        { at: 61, active: true },
      ],
      settings({ delaySec: 60 }),
    );
    expect(kinds(long.actions)).toEqual(['fire']);
    expect(long.actions[0]).toMatchObject({ type: 'fire', since: '2026-12-01T08:00:00.000Z', notify: true });
  });

  it('asks to be stepped again exactly when the delay ends', () => {
    const { memory, actions } = run([{ at: 0, active: true }], settings({ delaySec: 60 }), {
      followDue: false,
    });
    expect(actions).toEqual([]);
    expect(memory?.condition).toBe(true);
    // Followed by the engine's tick at dueAt, the alert fires with no new observation.
    const followed = run(
      [
        { at: 0, active: true },
        { at: 500, active: true },
      ],
      settings({ delaySec: 60 }),
    );
    expect(followed.actions.map((action) => [action.type, action.atSec])).toEqual([['fire', 60]]);
  });

  it('resolves only after the condition stayed clear for clearSec; a re-raise inside continues the alert', () => {
    const { actions } = run(
      [
        { at: 0, active: true },
        { at: 100, active: true },
        { at: 110, active: false },
        { at: 120, active: true }, // back within the 30 s clear window: same alert
        { at: 130, active: false },
        { at: 300, active: false },
      ],
      settings({ delaySec: 60, clearSec: 30, flapChanges: 100 }),
    );
    expect(actions.map((action) => [action.type, action.atSec])).toEqual([
      ['fire', 60],
      ['resolve', 160],
    ]);
  });

  it('never opens a second alert while one is open (deduplication)', () => {
    const { actions } = run(
      [
        { at: 0, active: true },
        { at: 100, active: true },
        { at: 200, active: true },
        { at: 5000, active: true },
      ],
      settings({ delaySec: 0 }),
    );
    expect(kinds(actions)).toEqual(['fire']);
  });

  it('believes the rule about when the condition began (offline since before the fleet restarted)', () => {
    const { actions } = run([{ at: 0, active: true, since: -300 }], settings({ delaySec: 60 }));
    expect(actions.map((action) => [action.type, action.atSec])).toEqual([['fire', 0]]);
    expect(actions[0]).toMatchObject({ since: '2026-12-01T07:55:00.000Z' });
  });
});

describe('the alert machine: flapping', () => {
  it('a screen with 10 disconnects in 5 minutes gives one firing and one resolved', () => {
    const steps: Step[] = [];
    for (let cycle = 0; cycle < 10; cycle++) {
      steps.push({ at: cycle * 30, active: true }, { at: cycle * 30 + 10, active: false });
    }
    steps.push({ at: 2000, active: false });
    // Defaults: delay 180 s (never outlasted), 6 changes in 10 min mark flapping.
    const { actions } = run(
      steps,
      settings({ delaySec: 180, clearSec: 60, flapChanges: 6, flapWindowSec: 600 }),
    );
    expect(kinds(actions).filter((kind) => kind !== 'flapping')).toEqual(['fire', 'resolve']);
    const fire = actions.find((action) => action.type === 'fire');
    expect(fire).toMatchObject({ flapping: true, since: '2026-12-01T08:00:00.000Z' });
    // Held until stable for the whole flap window after the last change (at 280 s).
    expect(actions.find((action) => action.type === 'resolve')?.atSec).toBe(280 + 600);
  });

  it('marks an alert that fired normally as flapping when the condition starts to flap', () => {
    const steps: Step[] = [
      { at: 0, active: true },
      { at: 100, active: false },
    ];
    for (let cycle = 0; cycle < 4; cycle++)
      steps.push({ at: 105 + cycle * 4, active: true }, { at: 107 + cycle * 4, active: false });
    const { actions } = run(
      steps,
      settings({ delaySec: 60, clearSec: 30, flapChanges: 6, flapWindowSec: 600 }),
    );
    expect(kinds(actions)).toEqual(['fire', 'flapping']);
  });
});

describe('the alert machine: quiet hours', () => {
  it('records a firing inside quiet hours but holds it, and releases it when they end', () => {
    const { actions } = run(
      [
        { at: 0, active: true, quiet: true, quietEndsAt: 3600 },
        { at: 60, active: true, quiet: true, quietEndsAt: 3600 },
        { at: 4000, active: true },
      ],
      settings({ delaySec: 60 }),
    );
    expect(actions.map((action) => [action.type, action.atSec])).toEqual([
      ['fire', 60],
      ['release', 3600],
    ]);
    expect(actions[0]).toMatchObject({ notify: false });
    expect(actions[1]).toMatchObject({ alertIds: ['alert-1'] });
  });

  it('never notifies an alert that fired and resolved wholly inside quiet hours', () => {
    const { actions, memory } = run(
      [
        { at: 0, active: true, quiet: true, quietEndsAt: 3600 },
        { at: 60, active: true, quiet: true, quietEndsAt: 3600 },
        { at: 100, active: false, quiet: true, quietEndsAt: 3600 },
        { at: 4000, active: false },
      ],
      settings({ delaySec: 60, clearSec: 30 }),
    );
    expect(kinds(actions)).toEqual(['fire', 'resolve', 'suppress']);
    expect(actions[1]).toMatchObject({ notify: 'suppressed' });
    expect(memory?.held).toEqual([]);
  });

  it('holds the resolution of an alert people were told about, and sends it when quiet hours end', () => {
    const { actions } = run(
      [
        { at: 0, active: true },
        { at: 60, active: true },
        { at: 100, active: false, quiet: true, quietEndsAt: 3600 },
        { at: 4000, active: false },
      ],
      settings({ delaySec: 60, clearSec: 30 }),
    );
    expect(actions.map((action) => [action.type, action.atSec])).toEqual([
      ['fire', 60],
      ['resolve', 130],
      ['release', 3600],
    ]);
    expect(actions[1]).toMatchObject({ notify: 'held' });
  });
});

describe('the alert machine: escalation', () => {
  it('escalates once when still firing and unacknowledged', () => {
    const { actions } = run(
      [
        { at: 0, active: true },
        { at: 10_000, active: true },
        { at: 20_000, active: true },
      ],
      settings({ delaySec: 0, escalateAfterMin: 30 }),
    );
    expect(actions.map((action) => [action.type, action.atSec])).toEqual([
      ['fire', 0],
      ['escalate', 1800],
    ]);
  });

  it('does not escalate an acknowledged alert', () => {
    const first = run([{ at: 0, active: true }], settings({ delaySec: 0, escalateAfterMin: 30 }));
    const memory = first.memory;
    if (!memory?.open) throw new Error('expected an open alert');
    const acknowledged = { ...memory, open: { ...memory.open, acknowledged: true } };
    const later = run([{ at: 4000, active: true }], settings({ delaySec: 0, escalateAfterMin: 30 }), {
      memory: acknowledged,
    });
    expect(later.actions).toEqual([]);
  });

  it('resolves at once when the rule is switched off', () => {
    const first = run([{ at: 0, active: true }], settings({ delaySec: 0 }));
    const later = run([{ at: 10, active: true }], settings({ enabled: false, clearSec: 600 }), {
      memory: first.memory,
    });
    expect(kinds(later.actions)).toEqual(['resolve']);
  });
});

describe('the alert machine: properties', () => {
  it('never has two open alerts, and every firing is resolved at most once', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ gap: fc.integer({ min: 1, max: 400 }), active: fc.boolean(), quiet: fc.boolean() }),
          {
            maxLength: 60,
          },
        ),
        fc.record({
          delaySec: fc.integer({ min: 0, max: 300 }),
          clearSec: fc.integer({ min: 0, max: 300 }),
          flapChanges: fc.integer({ min: 2, max: 10 }),
          flapWindowSec: fc.integer({ min: 1, max: 900 }),
        }),
        (observations, tuning) => {
          let at = 0;
          const steps = observations.map(({ gap, active, quiet }) => {
            at += gap;
            return { at, active, quiet, quietEndsAt: at + 3600 };
          });
          const { actions } = run(steps, settings(tuning));
          let open: string | null = null;
          const resolved = new Set<string>();
          for (const action of actions) {
            if (action.type === 'fire') {
              expect(open).toBeNull();
              open = action.alertId;
            }
            if (action.type === 'resolve') {
              expect(action.alertId).toBe(open);
              expect(resolved.has(action.alertId)).toBe(false);
              resolved.add(action.alertId);
              open = null;
            }
          }
        },
      ),
    );
  });
});
