import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deviceView,
  enrolScreen,
  snapshotInstall,
  TEST_UPDATE_SETTINGS,
  type OtaScreen,
} from '../support/install-root.js';
import {
  gatecastWithin,
  otaReleases,
  startOtaFleet,
  V1,
  V3,
  V3_CRASH,
  type OtaFleet,
  type OtaReleases,
} from '../support/ota-releases.js';
import { tempDir, waitFor } from '../support/processes.js';

const GATE = 'cat-bi-airport';
const DEVICES = ['cat-bi-belt-01', 'cat-bi-belt-02'];

// The "must show": a signed release that crashes at start is rolled back by the canary's
// launcher after maxStarts, the failure reaches the fleet, and the rollout pauses before the
// second wave, so the other screen never gets it.
describe('a release that crashes at start is rolled back on its canary and pauses the rollout', () => {
  const work = tempDir('e2e-ota-rollback');
  let releases: OtaReleases;
  let ota: OtaFleet;
  const screens: OtaScreen[] = [];
  let rolloutId: string;
  let canary: OtaScreen;
  let other: OtaScreen;

  beforeAll(async () => {
    releases = await otaReleases();
    ota = await startOtaFleet(join(work.path, 'fleet'), releases);
    expect(
      (await ota.api('POST', '/api/v1/gates', { id: GATE, name: 'Cat Bi International Airport' })).status,
    ).toBe(201);
    expect(
      (await ota.api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'arrivals-hall', name: 'Arrivals hall' }))
        .status,
    ).toBe(201);
    for (const [index, id] of DEVICES.entries()) {
      const device = { id, name: `Belt ${index + 1}`, gateId: GATE, zoneId: 'arrivals-hall' };
      screens.push(await enrolScreen({ ota, releases, dir: work.path, device }));
    }
    for (const screen of screens) {
      await waitFor(
        `${screen.deviceId} online on ${V1}`,
        async () => {
          const view = await deviceView(ota, screen.deviceId);
          return view?.presence.state === 'online' && view.agentVersion === V1;
        },
        60_000,
      );
    }
    const published = await gatecastWithin(['release', 'publish', releases.v3.artifactFile], ota.env, 60_000);
    expect(published.code, published.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(screens.map((screen) => screen.systemd.stop()));
    await ota?.stop();
    work.remove();
  });

  it('pauses the rollout by itself: `rollout status --follow` ends with 3 and says why', async () => {
    const created = await gatecastWithin(
      ['rollout', 'create', V3, '--gates', GATE, '--waves', 'canary,100', '--max-failures', '0', '--json'],
      ota.env,
      30_000,
    );
    expect(created.code, created.stderr).toBe(0);
    const view = JSON.parse(created.stdout) as {
      id: string;
      screens: Array<{ deviceId: string; wave: number }>;
    };
    rolloutId = view.id;
    const canaryId = view.screens.find((screen) => screen.wave === 0)!.deviceId;
    canary = screens.find((screen) => screen.deviceId === canaryId)!;
    other = screens.find((screen) => screen.deviceId !== canaryId)!;

    const followed = await gatecastWithin(['rollout', 'status', rolloutId, '--follow'], ota.env, 240_000);
    expect(followed.code, `${followed.stdout}\n${followed.stderr}\n${canary.systemd.tail()}`).toBe(3);
    expect(followed.stderr).toMatch(new RegExp(`rollout ${rolloutId} paused: .*failed`));
    const { body: rollout } = await ota.api('GET', `/api/v1/rollouts/${rolloutId}`);
    expect(rollout).toMatchObject({ state: 'paused', currentWave: 0, totals: { failed: 1 } });
    const byId = new Map(
      (rollout.screens as Array<{ deviceId: string; state: string }>).map((s) => [s.deviceId, s]),
    );
    expect(byId.get(canary.deviceId)).toMatchObject({ state: 'failed', problem: { code: 'UPDATE_FAILED' } });
    expect(byId.get(other.deviceId)).toMatchObject({ state: 'pending' });
  }, 300_000);

  it('the canary started 3.0.0 maxStarts times, then its launcher went back to 1.0.0', async () => {
    const codes = canary.systemd.exits.map((exit) => exit.code);
    // The planned restart into 3.0.0, then a crash per allowed start; 1.0.0 runs since.
    expect(codes, canary.systemd.tail()).toEqual([
      75,
      ...Array<number>(TEST_UPDATE_SETTINGS.maxStarts).fill(1),
    ]);
    expect(canary.systemd.output).toContain(V3_CRASH);
    expect(canary.systemd.running).toBe(true);
    const disk = await snapshotInstall(canary);
    expect(disk).toMatchObject({ current: V1, currentComplete: true });
    expect(disk.record).toMatchObject({
      status: { state: 'rolled-back', targetVersion: V3, problem: { code: 'UPDATE_FAILED' } },
      failedStage: 'restart',
    });
  });

  it('the canary reports rolled-back on 1.0.0, and one update-failed event reaches the fleet', async () => {
    const view = await waitFor('the canary reporting rolled-back', async () => {
      const device = await deviceView(ota, canary.deviceId);
      return device?.reported?.update?.state === 'rolled-back' && device;
    });
    expect(view.agentVersion).toBe(V1);
    expect(view.reported?.update).toMatchObject({ targetVersion: V3, problem: { code: 'UPDATE_FAILED' } });
    const events = await waitFor('the update-failed event', async () => {
      const { body } = await ota.api('GET', `/api/v1/devices/${canary.deviceId}/events?kind=update-failed`);
      return body?.events?.length > 0 && (body.events as Array<{ event: Record<string, unknown> }>);
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.event).toMatchObject({
      kind: 'update-failed',
      targetVersion: V3,
      runningVersion: V1,
      stage: 'restart',
      problem: { code: 'UPDATE_FAILED' },
    });
    await waitFor('the event marked as sent on the screen', async () => {
      return (await snapshotInstall(canary)).record?.failureReported === true;
    });
  });

  it('the other screen was never handed 3.0.0 and still runs 1.0.0', async () => {
    const view = await deviceView(ota, other.deviceId);
    expect(view).toMatchObject({ agentVersion: V1, presence: { state: 'online' } });
    expect(view?.reported?.update).toBeUndefined();
    const saved = JSON.parse(await readFile(join(other.dataDir, 'state', 'desired.json'), 'utf8')) as {
      agent?: unknown;
    };
    expect(saved.agent).toBeUndefined();
    const disk = await snapshotInstall(other);
    expect(disk).toMatchObject({ current: V1, record: null, currentComplete: true });
    expect(other.systemd.exits).toEqual([]);
  });
});
