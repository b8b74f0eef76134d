import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, chromiumOrSkip } from '../support/browser.js';
import { deviceView, enrolScreen, snapshotInstall, type OtaScreen } from '../support/install-root.js';
import {
  gatecastWithin,
  otaReleases,
  startOtaFleet,
  V1,
  V2,
  type OtaFleet,
  type OtaReleases,
} from '../support/ota-releases.js';
import { tempDir, waitFor } from '../support/processes.js';

const SCREENS = [
  { id: 'cat-bi-belt-01', name: 'Belt 1', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' },
  { id: 'cat-bi-belt-02', name: 'Belt 2', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' },
  { id: 'hai-phong-hall-01', name: 'Hall 1', gateId: 'hai-phong-port', zoneId: 'cruise-terminal' },
];

/** The one screen of the second gate runs a real headless player: its health gate needs the page playing. */
const PLAYER_SCREEN = 'hai-phong-hall-01';
const PLAYER = chromiumOrSkip()
  ? { mode: 'chromium', headless: true, windowWidth: 480, windowHeight: 270, chromiumPath: CHROMIUM_PATH }
  : undefined;

interface RolloutScreen {
  deviceId: string;
  wave: number;
  state: string;
}
interface RolloutView {
  id: string;
  state: string;
  totals: { screens: number; committed: number; failed: number };
  screens: RolloutScreen[];
}

// The "must show": a real fleet and three real agents, each started by its launcher from
// release 1.0.0 under a supervisor that restarts it like systemd; an operator publishes 2.0.0 and
// rolls it out with the CLI, canary first; every screen ends on 2.0.0, committed.
describe('a rollout takes three screens in two gates from 1.0.0 to 2.0.0', () => {
  const work = tempDir('e2e-ota-update');
  let releases: OtaReleases;
  let ota: OtaFleet;
  const screens: OtaScreen[] = [];

  beforeAll(async () => {
    releases = await otaReleases();
    ota = await startOtaFleet(join(work.path, 'fleet'), releases);
    for (const [gate, name, zone, zoneName] of [
      ['cat-bi-airport', 'Cat Bi International Airport', 'arrivals-hall', 'Arrivals hall'],
      ['hai-phong-port', 'Port of Hai Phong', 'cruise-terminal', 'Cruise terminal'],
    ] as const) {
      expect((await ota.api('POST', '/api/v1/gates', { id: gate, name })).status).toBe(201);
      expect(
        (await ota.api('POST', `/api/v1/gates/${gate}/zones`, { id: zone, name: zoneName })).status,
      ).toBe(201);
    }
    for (const device of SCREENS) {
      const player = device.id === PLAYER_SCREEN ? PLAYER : undefined;
      screens.push(
        await enrolScreen({ ota, releases, dir: work.path, device, ...(player ? { player } : {}) }),
      );
    }
    for (const screen of screens) {
      await waitFor(
        `${screen.deviceId} online on ${V1}`,
        async () => {
          const view = await deviceView(ota, screen.deviceId);
          return view?.presence.state === 'online' && view.agentVersion === V1;
        },
        60_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${screen.systemd.tail()}`);
      });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(screens.map((screen) => screen.systemd.stop()));
    await ota?.stop();
    work.remove();
  });

  it('publishes 2.0.0 with the CLI', async () => {
    const published = await gatecastWithin(['release', 'publish', releases.v2.artifactFile], ota.env, 60_000);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain(`published ${V2}`);
  });

  it('rolls out canary first, then the rest, and `rollout status --follow` ends with 0', async () => {
    const created = await gatecastWithin(
      ['rollout', 'create', V2, '--gates', 'cat-bi-airport,hai-phong-port', '--waves', 'canary,100'],
      ota.env,
      30_000,
    );
    expect(created.code, created.stderr).toBe(0);
    const id = /^created rollout (\S+):/m.exec(created.stdout)?.[1];
    expect(id, created.stdout).toBeDefined();
    expect(created.stdout).toMatch(/wave 1 canary: 2 screens/);

    // Watch the rollout beside the CLI: no screen of the second wave may move before the canaries commit.
    const seen: RolloutView[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const { body } = await ota.api('GET', `/api/v1/rollouts/${id}`);
        seen.push(body as RolloutView);
        await new Promise((done) => setTimeout(done, 300));
      }
    })();
    const followed = await gatecastWithin(['rollout', 'status', id!, '--follow'], ota.env, 240_000).finally(
      () => (watching = false),
    );
    await watcher;
    const tails = screens.map((screen) => `--- ${screen.deviceId}\n${screen.systemd.tail(3_000)}`).join('\n');
    expect(followed.code, `${followed.stdout}\n${followed.stderr}\n${tails}`).toBe(0);
    expect(followed.stdout.trim().split('\n').at(-1)).toBe(`rollout ${id} completed`);

    const canaries = seen[0]!.screens.filter((screen) => screen.wave === 0);
    expect(canaries.map((screen) => screen.deviceId).sort()).toHaveLength(2);
    expect(
      new Set(canaries.map((screen) => SCREENS.find((s) => s.id === screen.deviceId)?.gateId)).size,
    ).toBe(2);
    for (const view of seen) {
      const secondWaveMoved = view.screens.some((s) => s.wave === 1 && s.state !== 'pending');
      if (!secondWaveMoved) continue;
      const canariesDone = view.screens.filter((s) => s.wave === 0).every((s) => s.state === 'committed');
      expect(canariesDone, JSON.stringify(view.screens)).toBe(true);
    }
    const { body: final } = await ota.api('GET', `/api/v1/rollouts/${id}`);
    expect(final).toMatchObject({ state: 'completed', totals: { screens: 3, committed: 3, failed: 0 } });
  }, 300_000);

  it('every screen reports 2.0.0, committed, over its previous 1.0.0', async () => {
    for (const screen of screens) {
      const view = await waitFor(`${screen.deviceId} reporting ${V2} committed`, async () => {
        const device = await deviceView(ota, screen.deviceId);
        return device?.agentVersion === V2 && device.reported?.update?.state === 'committed' && device;
      });
      expect(view.reported?.update).toMatchObject({ targetVersion: V2, previousVersion: V1, problem: null });
      if (screen.deviceId === PLAYER_SCREEN && PLAYER) expect(view.reported?.phase).toBe('playing');
    }
  });

  it('every screen runs 2.0.0 from its install root, with 1.0.0 kept to go back to', async () => {
    for (const screen of screens) {
      const disk = await snapshotInstall(screen);
      expect(disk).toMatchObject({ current: V2, previous: V1, currentComplete: true });
      expect(disk.record?.status).toMatchObject({ state: 'committed', targetVersion: V2 });
      // One planned restart (exit 75) into 2.0.0, and no crash on the way.
      const codes = screen.systemd.exits.map((exit) => exit.code);
      expect(codes, screen.systemd.tail()).toEqual([75]);
      expect(screen.systemd.running).toBe(true);
    }
  });
});
