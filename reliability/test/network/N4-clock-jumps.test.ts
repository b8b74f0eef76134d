import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConfig, DesiredDocument } from '@gatecast/protocol';
import { createAgent, type Agent } from '../../../device/src/agent.js';
import { FakeDisplayPower } from '../../../device/src/hardware/fake-hardware.js';
import { readUpdateRecord } from '../../../device/src/update/update-state.js';
import { FleetClient } from '../../../device/test/integration/helpers/fleet-client.js';
import {
  DEVICE_ID,
  RecordingScreen,
  SECRET,
  agentConfig,
  desired,
  tempDir,
  testLogger,
} from '../../../device/test/integration/helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../../../device/test/integration/helpers/test-broker.js';
import { ArtifactServer } from '../../../device/test/integration/update/helpers/artifact-server.js';
import {
  RecordingRestarter,
  buildTestRelease,
  eventuallyAsync,
  layDownRoot,
  withAgent,
} from '../../../device/test/integration/update/updater-support.js';
import { newSigningKey } from '../../../device/test/unit/update/release-signing.js';
import { recordFigure, sized } from '../../support/figures.js';

const YEAR_MS = 365 * 86_400_000;

/** Steps of the wall clock while a healthy new release is in its health gate. */
const STEPS: Array<{ name: string; steps: number[] }> = [
  { name: '+1 y', steps: [YEAR_MS] },
  { name: '−1 y', steps: [-YEAR_MS] },
  { name: '+1 y, then back', steps: [YEAR_MS, 0] },
];
const ROUNDS = sized(1, 10);
const FAST = {
  retryMinMs: 50,
  retryMaxMs: 200,
  announcementPollMs: 50,
  healthPollMs: 50,
  progressReportMs: 0,
};
/** Long enough that the steps land inside it; far shorter than a year, so a wall-clock timeout would fire. */
const HEALTH_GATE_SEC = 3;
const HEALTH_TIMEOUT_SEC = 60;

interface Outcome {
  rolledBack: boolean;
  accepted: string[];
  expiredCommandRan: boolean;
}

// N4: the wall clock steps a year either way, and back. A healthy update must still commit (no
// false rollback), and no old or replayed manifest may be taken for new whatever the clock says.
describe('N4 clock jumps', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function runCase(steps: number[]): Promise<Outcome> {
    const work = await tempDir('rel-n4');
    cleanups.push(() => work.remove());
    const broker: TestBroker = await startTestBroker({ [DEVICE_ID]: SECRET });
    cleanups.push(() => broker.stop());
    const fleet = await FleetClient.connect(broker.url);
    cleanups.push(() => fleet.close());
    const key = newSigningKey();
    const v2 = await buildTestRelease(work.path, '2.0.0', key);
    const old = await buildTestRelease(work.path, '1.5.0', key);
    // Newer than anything the screen trusts, but its validity ended a minute ago (real time).
    const expired = await buildTestRelease(work.path, '3.0.0', key, {
      createdAt: new Date(Date.now() - 3_600_000).toISOString(),
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const servers = {
      v2: new ArtifactServer(v2.artifact),
      old: new ArtifactServer(old.artifact),
      expired: new ArtifactServer(expired.artifact),
    };
    for (const server of Object.values(servers)) {
      await server.start();
      cleanups.push(() => server.stop());
    }
    const root = join(work.path, 'root');
    const dataDir = join(work.path, 'data');
    await layDownRoot(root, '1.0.0');
    const base = agentConfig(broker.url, dataDir);
    const config: AgentConfig = {
      ...base,
      updates: {
        ...base.updates,
        publicKeys: [key.pinned],
        installRoot: root,
        healthGateSec: HEALTH_GATE_SEC,
        healthTimeoutSec: HEALTH_TIMEOUT_SEC,
      },
    };
    const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
    const screen = new RecordingScreen();
    const start = async (agentVersion: string): Promise<{ agent: Agent; restarts: RecordingRestarter }> => {
      const restarts = new RecordingRestarter();
      const agent = createAgent({
        config,
        log: testLogger(),
        screen,
        agentVersion,
        restarter: restarts,
        updateTiming: FAST,
        clock,
        displayPower: new FakeDisplayPower(),
        clockSync: { synchronized: () => true, refresh: async () => undefined },
      });
      cleanups.push(() => agent.stop());
      await agent.start();
      return { agent, restarts };
    };
    const publish = (document: DesiredDocument) => fleet.publishDesired(DEVICE_ID, document);

    // 1.0.0 takes the update to 2.0.0 as far as its restart; 2.0.0 starts and opens its gate.
    const first = await start('1.0.0');
    await publish(withAgent(desired(1), v2, servers.v2.url));
    await eventuallyAsync(async () => expect(first.restarts.reasons).toEqual(['update to 2.0.0']), 20_000);
    await first.agent.stop();
    const second = await start('2.0.0');
    await eventuallyAsync(async () =>
      expect((await readUpdateRecord(dataDir))?.status.state).toBe('health-check'),
    );

    // The steps land inside the gate, the last one a second before it would pass.
    for (const step of steps) {
      await sleep(((HEALTH_GATE_SEC - 1) * 1000) / steps.length);
      clock.offsetMs = step;
    }
    let state = '';
    await eventuallyAsync(async () => {
      state = (await readUpdateRecord(dataDir))?.status.state ?? '';
      expect(['committed', 'rolled-back']).toContain(state);
    }, 30_000);
    const rolledBack =
      state === 'rolled-back' || second.restarts.reasons.some((r) => r.startsWith('rolled back'));

    // Under the stepped clock: an expired release (in a document the fleet issues now), an older
    // signed release, the running release again, and an older desired document. Each would be an
    // acceptance of something stale.
    const downloadsBefore = servers.v2.requests.length;
    const shownBefore = screen.versions().length;
    // Each release offer is judged before the next replaces it.
    const judged = async (version: string, server: ArtifactServer) =>
      eventuallyAsync(async () => {
        const status = (await readUpdateRecord(dataDir))?.status;
        // Refused, or taken (its run recorded or its download begun): either is a verdict.
        expect(status?.targetVersion === version || server.requests.length > 0).toBe(true);
      }, 15_000).catch(() => undefined); // a release taken all the way restarts the agent: counted below
    await publish({
      ...withAgent(desired(2), expired, servers.expired.url),
      issuedAt: new Date().toISOString(),
    });
    await judged('3.0.0', servers.expired);
    await publish(withAgent(desired(3), old, servers.old.url));
    await judged('1.5.0', servers.old);
    await publish(withAgent(desired(4), v2, servers.v2.url));
    await eventuallyAsync(async () => expect(screen.versions().at(-1)).toBe(4));
    await publish(withAgent(desired(1), v2, servers.v2.url));
    await sleep(1_500);
    const accepted: string[] = [];
    if (servers.expired.requests.length > 0) accepted.push('expired release 3.0.0');
    if (servers.old.requests.length > 0) accepted.push('older release 1.5.0');
    if (servers.v2.requests.length > downloadsBefore) accepted.push('running release 2.0.0 again');
    if (screen.versions().slice(shownBefore).includes(1)) accepted.push('older desired document');
    const update = (await readUpdateRecord(dataDir))?.status.state ?? '';
    // Refusing leaves a `refused` record; taking it would start a download, install and switch.
    if (['downloading', 'verifying', 'installing', 'switching', 'restarting'].includes(update))
      accepted.push(`update ${update}`);

    // For the record: a command that expired a minute ago (real time), under the stepped clock.
    const id = `n4-expired-${steps.join('-')}`.slice(0, 60);
    await fleet.sendCommand(DEVICE_ID, {
      id,
      name: 'display',
      issuedAt: new Date(Date.now() - 120_000).toISOString(),
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
      args: { action: 'status' },
    });
    const answer = await fleet.waitFor((m) => m.kind === 'cmd/res' && m.payload.id === id, 10_000, id);
    return { rolledBack, accepted, expiredCommandRan: answer.payload.ok === true };
  }

  it('expired manifests accepted 0; false rollbacks 0', async () => {
    const lines: string[] = [];
    let falseRollbacks = 0;
    let accepted = 0;
    let expiredCommandsRan = 0;
    let cases = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const { name, steps } of STEPS) {
        const outcome = await runCase(steps);
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
        cases++;
        falseRollbacks += outcome.rolledBack ? 1 : 0;
        accepted += outcome.accepted.length;
        expiredCommandsRan += outcome.expiredCommandRan ? 1 : 0;
        if (round === 0)
          lines.push(
            `${name}: ${outcome.rolledBack ? 'rolled back' : 'committed'}` +
              (outcome.accepted.length ? `, accepted ${outcome.accepted.join(', ')}` : ''),
          );
      }
    }
    const passed = accepted === 0 && falseRollbacks === 0;
    recordFigure({
      id: 'N4',
      figure:
        `expired or stale manifests accepted ${accepted}/${cases * 4}; false rollbacks ${falseRollbacks}/${cases} ` +
        `(${lines.join('; ')}; commands run after their expiry ${expiredCommandsRan}/${cases})`,
      pass: '0; 0',
      passed,
      size: `${cases} healthy updates with the clock stepped in the gate`,
    });
    expect({ accepted, falseRollbacks }).toEqual({ accepted: 0, falseRollbacks: 0 });
  });
});
