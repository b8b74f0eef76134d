import { deviceTopic, desiredSchema, type ReportedState } from '@gatecast/protocol';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRolloutsFleet,
  type FakeScreen,
  type RolloutsFleet,
} from '../../../fleet/test/integration/rollouts/rollouts-fleet.js';
import { recordFigure, sized } from '../../support/figures.js';

const OLD = '1.0.0';
const GATE = 'cat-bi';
/** Screens per rollout, and how often each way of failing is tried. */
const SCREENS = sized(8, 40);
const REPEATS = sized(1, 5);
/** Engine ticks (100 ms) the test waits after the pause, for a wave that should never start. */
const SETTLE_MS = 1_500;

/** How the canaries fail, as an agent reports it. */
type Failure =
  /** Installed, started, failed its health gate, went back: `rolled-back`. */
  | 'health-gate-revert'
  /** Refused the release before installing it (signature, downgrade, disk): `refused`. */
  | 'refused'
  /** Rolled back at once, before the fleet saw any progress: the report races the hand-over. */
  | 'instant-revert'
  /** A canary wave of several screens where one fails and the others commit. */
  | 'one-of-several';

const FAILURES: Failure[] = ['health-gate-revert', 'refused', 'instant-revert', 'one-of-several'];

interface CaseResult {
  failure: Failure;
  canaries: number;
  /** Screens outside the canary wave whose desired document ever named the new release. */
  beyond: string[];
  state: string;
  /** The failing canary was handed the release: the case tested something. */
  canaryHanded: boolean;
}

// A staged rollout in a real fleet (engine, SQLite store, Aedes) to screens that are real MQTT
// clients and behave like agents: each updates when its desired document names a release; the
// canaries fail in the ways an agent reports. No screen past the canary wave may be handed it.
describe('U4: staged rollout, canaries fail', () => {
  let t: RolloutsFleet;
  let versions = 0;

  beforeAll(async () => {
    t = await startRolloutsFleet();
    const gate = await t.fleet.api('POST', '/api/v1/gates', { id: GATE, name: 'Cát Bi', timeZone: 'UTC' });
    expect(gate.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it(`hands no screen past the canaries a failed release (${FAILURES.length * REPEATS} rollouts)`, async () => {
    const results: CaseResult[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat++)
      for (const failure of FAILURES) results.push(await runCase(failure, `${repeat}-${failure}`));

    const beyond = results.flatMap((result) => result.beyond);
    const notPaused = results.filter((result) => result.state !== 'paused');
    const byFailure = FAILURES.map((failure) => {
      const of = results.filter((result) => result.failure === failure);
      const past = of.reduce((sum, result) => sum + result.beyond.length, 0);
      return `${failure} ${past} (${of.map((result) => result.state).join('/')})`;
    }).join(', ');
    const checked = results.reduce((sum, result) => sum + SCREENS - result.canaries, 0);
    const handed = results.filter((result) => result.canaryHanded).length;
    const passed = beyond.length === 0 && handed === results.length;
    recordFigure({
      id: 'U4',
      figure:
        `screens handed the release beyond the canary wave: ${beyond.length} of ` +
        `${checked} checked; per way of failing: ${byFailure}; failing canary handed the release ` +
        `${handed}/${results.length}; rollouts not paused ${notPaused.length}/${results.length}`,
      pass: '0 devices updated beyond the canary',
      passed,
      size: `${results.length} rollouts × ${SCREENS} screens`,
    });
    expect({ beyond, handed }).toEqual({ beyond: [], handed: results.length });
  });

  async function runCase(failure: Failure, name: string): Promise<CaseResult> {
    versions += 1;
    const version = `1.${versions}.0`;
    await t.publish(version);
    const zone = `zone-${versions}`;
    const zoned = await t.fleet.api('POST', `/api/v1/gates/${GATE}/zones`, { id: zone, name });
    expect(zoned.status, zoned.text).toBe(201);
    const screens: SimulatedScreen[] = [];
    for (let i = 0; i < SCREENS; i++)
      screens.push(new SimulatedScreen(await t.screen(`${zone}-s${i}`, GATE, zone, OLD)));

    const waves = failure === 'one-of-several' ? [25, 100] : ['canary', 100];
    const created = await t.fleet.api('POST', '/api/v1/rollouts', {
      version,
      target: { zones: [`${GATE}/${zone}`] },
      waves,
      maxFailures: 0,
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const canaryIds = new Set(
      (created.body.screens as Array<{ deviceId: string; wave: number }>)
        .filter((screen) => screen.wave === 0)
        .map((screen) => screen.deviceId),
    );
    const failing = [...canaryIds].sort()[0]!;
    for (const screen of screens) {
      if (screen.id === failing) screen.behave(version, failure);
      else screen.behave(version, 'commits');
    }
    const paused = await t.until(id, (rollout) => rollout.state !== 'running');
    await sleep(SETTLE_MS);
    const final = await t.rollout(id);
    const beyond = screens
      .filter((screen) => !canaryIds.has(screen.id) && screen.assigned.has(version))
      .map((screen) => screen.id);
    // Ends this rollout, so the zone's screens are free again and nothing runs in the next case.
    await t.fleet.api('POST', `/api/v1/rollouts/${id}/abort`);
    for (const screen of screens) screen.close();
    const canaryHanded = screens.some((screen) => screen.id === failing && screen.assigned.has(version));
    return { failure, canaries: canaryIds.size, beyond, state: final.state ?? paused.state, canaryHanded };
  }
});

type Behaviour = Failure | 'commits';

/** Wraps a fleet-side fake screen with the agent's update reports, driven by its desired document. */
class SimulatedScreen {
  /** Every release version a desired document to this screen named. */
  readonly assigned = new Set<string>();
  private behaviour: { version: string; as: Behaviour } | null = null;
  private started = false;
  private readonly listener = (topic: string, payload: Buffer) => {
    if (topic !== deviceTopic(this.screen.id, 'desired')) return;
    const version = desiredSchema.parse(JSON.parse(payload.toString())).agent?.release.manifest.version;
    if (!version) return;
    this.assigned.add(version);
    if (this.behaviour?.version === version && !this.started) {
      this.started = true;
      void this.update(version, this.behaviour.as);
    }
  };

  constructor(private readonly screen: FakeScreen) {
    screen.client().on('message', this.listener);
  }

  get id(): string {
    return this.screen.id;
  }

  behave(version: string, as: Behaviour): void {
    this.behaviour = { version, as };
  }

  close(): void {
    this.screen.client().off('message', this.listener);
  }

  /** The reports an agent sends on its way through an update (see device/src/update). */
  private async update(version: string, as: Behaviour): Promise<void> {
    const status = (
      state: NonNullable<ReportedState['update']>['state'],
      problem: { code: 'UPDATE_FAILED' | 'UPDATE_BAD_SIGNATURE'; message: string } | null = null,
    ) => ({ state, targetVersion: version, previousVersion: OLD, problem, at: new Date().toISOString() });
    const step = async (agentVersion: string, update: ReturnType<typeof status>) => {
      await this.screen.report(agentVersion, update);
      await sleep(50);
    };
    if (as === 'instant-revert') {
      await step(
        OLD,
        status('rolled-back', { code: 'UPDATE_FAILED', message: `${version} stopped 2 times` }),
      );
      return;
    }
    await step(OLD, status('downloading'));
    if (as === 'refused') {
      await step(
        OLD,
        status('refused', { code: 'UPDATE_BAD_SIGNATURE', message: 'signature does not verify' }),
      );
      return;
    }
    await step(OLD, status('installing'));
    await step(version, status('health-check'));
    if (as === 'commits') {
      await step(version, status('committed'));
      return;
    }
    await step(version, status('rolling-back', { code: 'UPDATE_FAILED', message: 'no content on screen' }));
    await step(OLD, status('rolled-back', { code: 'UPDATE_FAILED', message: 'no content on screen' }));
  }
}
