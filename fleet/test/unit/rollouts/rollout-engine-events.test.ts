import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetEvents } from '../../../src/devices/fleet-events.js';
import {
  EVENT_ROUND_MIN_MS,
  RolloutEngine,
  type RolloutEngineDeps,
} from '../../../src/rollouts/rollout-engine.js';

// K1 (fleet soak) found every health message of a screen in an active rollout asking for a round
// of the whole rollout: 200 screens made some 30 rounds a second. Changes now fold into one round.
describe('rollout engine rounds on screen changes', () => {
  let engine: RolloutEngine | undefined;

  afterEach(async () => {
    await engine?.stop();
  });

  it('runs one round for a burst of changes, not one per change', async () => {
    let rounds = 0;
    let notify: (deviceId: string) => void = () => undefined;
    const events = {
      subscribe: (listener: (deviceId: string) => void) => {
        notify = listener;
        return () => undefined;
      },
    } as unknown as FleetEvents;
    const screens = new Map(Array.from({ length: 200 }, (_, i) => [`screen-${i}`, 'rollout-1']));
    const deps = {
      repo: { active: async () => [], activeScreens: async () => screens },
      service: {},
      devices: {
        list: async () => {
          rounds += 1;
          return [];
        },
      },
      gates: { list: async () => [], maintenanceWindows: async () => new Map() },
      events,
      refresh: async () => undefined,
      tickMs: 60_000,
      log: pino({ level: 'silent' }),
    } as unknown as RolloutEngineDeps;
    engine = new RolloutEngine(deps);
    engine.start();
    await engine.settle();
    const afterStart = rounds;

    // Every screen reports, one every 2 ms or so: what health messages do to a rollout.
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      notify(`screen-${i}`);
      await sleep(2);
    }
    const elapsed = Date.now() - started;
    await sleep(EVENT_ROUND_MIN_MS + 200);
    // At most one round per interval of the burst, plus the trailing one (it was one per change).
    const folded = rounds - afterStart;
    expect(folded).toBeGreaterThanOrEqual(1);
    expect(folded).toBeLessThanOrEqual(Math.ceil(elapsed / EVENT_ROUND_MIN_MS) + 1);
  });
});
