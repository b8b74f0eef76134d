import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UpdateState } from '@gatecast/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isCompleteRelease,
  RELEASE_MARKER,
  releaseDir,
  releasesDir,
} from '../../../device/src/update/release-layout.js';
import { readUpdateRecord } from '../../../device/src/update/update-state.js';
import {
  deviceView,
  enrolScreen,
  snapshotInstall,
  type OtaScreen,
} from '../../../e2e/test/support/install-root.js';
import {
  gatecastWithin,
  otaReleases,
  startOtaFleet,
  V1,
  V2,
  V3,
  type OtaFleet,
  type OtaReleases,
} from '../../../e2e/test/support/ota-releases.js';
import { tempDir, waitFor } from '../../../e2e/test/support/processes.js';
import { fuzzSeed, recordFigure, seededRandom, sized } from '../../support/figures.js';
import { artifactTree, cutPower, fileTree, treeDifferences } from '../../support/update-faults.js';

const GATE = 'cat-bi-airport';
const ZONE = 'arrivals-hall';
/** The states of an update that commits (to 2.0.0), then of one the launcher rolls back (3.0.0 crashes). */
const TO_V2: UpdateState[] = [
  'downloading',
  'verifying',
  'installing',
  'switching',
  'restarting',
  'health-check',
  'committed',
];
const TO_V3: UpdateState[] = ['rolling-back', 'rolled-back'];
/** Per state: the first cut right after the state is on disk (the agent's own hook), the others later. */
const RUNS_PER_STATE = sized(2, 55);
/** A later cut lands this long (at most) after the state was first seen on disk. */
const LATER_MS = 400;
const AT_ONCE = 5;
const SETTLE_MS = 180_000;

interface Run {
  at: UpdateState;
  target: typeof V2 | typeof V3;
  /** null: the agent's hook kills itself right after persisting `at`. */
  laterMs: number | null;
}

interface Result {
  run: Run;
  /** The record's state when the power went (the hook's state, or what a later cut met). */
  cutAt: string;
  stuck: boolean;
  mixed: string[];
}

// Power cut (SIGKILL of the whole service, nothing flushed) at each update state, then the fake
// systemd starts the screen again: it must end on a working release (2.0.0 committed; or 1.0.0 after
// the crashing 3.0.0 is rolled back), with every release folder on the card exactly as its artifact.
describe('U1: kill -9 at each update state', () => {
  const work = tempDir('reliability-u1');
  let releases: OtaReleases;
  let ota: OtaFleet;
  const trees = new Map<string, Map<string, string>>();
  const screens: OtaScreen[] = [];

  beforeAll(async () => {
    releases = await otaReleases();
    for (const release of [releases.v1, releases.v2, releases.v3])
      trees.set(release.version, await artifactTree(release.artifactFile, work.path));
    ota = await startOtaFleet(join(work.path, 'fleet'), releases);
    expect((await ota.api('POST', '/api/v1/gates', { id: GATE, name: 'Cat Bi' })).status).toBe(201);
    expect(
      (await ota.api('POST', `/api/v1/gates/${GATE}/zones`, { id: ZONE, name: 'Arrivals' })).status,
    ).toBe(201);
    const published = await Promise.all(
      [releases.v2, releases.v3].map((release) =>
        gatecastWithin(['release', 'publish', release.artifactFile], ota.env, 60_000),
      ),
    );
    for (const result of published) expect(result.code, result.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(screens.map((screen) => screen.systemd.stop()));
    await ota?.stop();
    work.remove();
  });

  it(`ends every screen on one whole release (${RUNS_PER_STATE} cuts per state)`, async () => {
    const seed = fuzzSeed('U1');
    const random = seededRandom(seed);
    const runs: Run[] = [];
    for (let repeat = 0; repeat < RUNS_PER_STATE; repeat++) {
      for (const at of [...TO_V2, ...TO_V3]) {
        const target = TO_V2.includes(at) ? V2 : V3;
        runs.push({ at, target, laterMs: repeat === 0 ? null : Math.round(random() * LATER_MS) });
      }
    }
    const results: Result[] = [];
    const queue = runs.map((run, index) => ({ run, index }));
    await Promise.all(
      Array.from({ length: AT_ONCE }, async () => {
        for (let next = queue.shift(); next; next = queue.shift())
          results.push(await cutAndCheck(next.run, next.index));
      }),
    );

    const stuck = results.filter((result) => result.stuck);
    const mixed = results.filter((result) => result.mixed.length > 0);
    const cutStates = new Map<string, number>();
    for (const result of results) cutStates.set(result.cutAt, (cutStates.get(result.cutAt) ?? 0) + 1);
    // A run the power never went out in tested nothing: named, so a harness miss is seen.
    const uncut = results.filter((result) => result.cutAt === 'none');
    const passed = stuck.length === 0 && mixed.length === 0;
    const describeBad = (bad: Result[]) => bad.map((result) => `${result.run.at}/${result.cutAt}`).join(', ');
    recordFigure({
      id: 'U1',
      figure:
        `mixed ${mixed.length}, stuck ${stuck.length} of ${results.length} cuts` +
        `${mixed.length ? ` (mixed: ${describeBad(mixed)})` : ''}${stuck.length ? ` (stuck: ${describeBad(stuck)})` : ''}; ` +
        `cut in state: ${[...cutStates].map(([state, count]) => `${state} ${count}`).join(', ')}` +
        `${uncut.length ? ` (no cut: ${uncut.map((r) => `${r.run.at}+${r.run.laterMs ?? 'hook'}`).join(', ')})` : ''}`,
      pass: '0 mixed or stuck devices',
      passed,
      size: `${results.length} cuts, ${RUNS_PER_STATE} per state`,
      seed,
    });
    expect({ mixed: mixed.map((r) => r.mixed), stuck: stuck.length }).toEqual({ mixed: [], stuck: 0 });
  });

  async function cutAndCheck(run: Run, index: number): Promise<Result> {
    const id = `u1-${index}-${run.at}`;
    let cutAt = 'none';
    const mixed: string[] = [];
    const screen = await enrolScreen({
      ota,
      releases,
      dir: work.path,
      device: { id, name: `U1 ${index}`, gateId: GATE, zoneId: ZONE },
      ...(run.laterMs === null ? { faultEnv: { GATECAST_FAULT_KILL_AT: run.at } } : {}),
      // Between the cut and the next start: the card exactly as the cut left it.
      onExit: async (exit) => {
        if (exit.signal !== 'SIGKILL' || cutAt !== 'none') return;
        const disk = await snapshotInstall(screen);
        cutAt = disk.record?.status.state ?? 'no record';
        mixed.push(...(await torn(screen)).map((name) => `at the cut: ${name}`));
      },
    });
    screens.push(screen);
    try {
      await waitFor(
        `${id} online on ${V1}`,
        async () => (await deviceView(ota, id))?.agentVersion === V1,
        60_000,
      );
      const created = await ota.api('POST', '/api/v1/rollouts', {
        version: run.target,
        target: { devices: [id] },
        waves: [100],
        maxFailures: 0,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      if (run.laterMs !== null) await cutLater(screen, run);

      const expected =
        run.target === V2 ? { version: V2, state: 'committed' } : { version: V1, state: 'rolled-back' };
      const settled = await waitFor(
        `${id} on ${expected.version} ${expected.state}`,
        async () => {
          const device = await deviceView(ota, id);
          const update = device?.reported?.update;
          const disk = await snapshotInstall(screen);
          return (
            device?.agentVersion === expected.version &&
            update?.state === expected.state &&
            disk.current === expected.version &&
            disk.currentComplete
          );
        },
        SETTLE_MS,
      ).then(
        () => true,
        () => false,
      );
      mixed.push(...(await torn(screen)));
      return { run, cutAt, stuck: !settled, mixed };
    } finally {
      await screen.systemd.stop();
    }
  }

  /** Waits for `run.at` (or a later state) on the card, then cuts the power after `laterMs`. */
  async function cutLater(screen: OtaScreen, run: Run): Promise<void> {
    const order = [...TO_V2, ...TO_V3];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const state = (await readUpdateRecord(screen.dataDir))?.status.state;
      if (state && order.indexOf(state) >= order.indexOf(run.at)) break;
      await sleep(10);
    }
    await sleep(run.laterMs ?? 0);
    // Between a planned exit and the next start no process runs: the cut waits for one.
    while (cutPower(screen.configFile) === 0 && Date.now() < deadline) await sleep(20);
  }

  /** Release folders on the card that are not exactly their artifact, and leftovers in `current`. */
  async function torn(screen: OtaScreen): Promise<string[]> {
    const bad: string[] = [];
    const names = await readdir(releasesDir(screen.root)).catch(() => [] as string[]);
    for (const name of names) {
      // Unfinished work carries the temp marker: removed by the next install, never started.
      if (name.includes('.tmp-')) continue;
      if (!(await isCompleteRelease(screen.root, name))) bad.push(`${name}: no completion marker`);
      const expected = trees.get(name);
      const actual = await fileTree(releaseDir(screen.root, name), [RELEASE_MARKER]);
      const differences = expected ? treeDifferences(expected, actual) : ['unknown release'];
      if (differences.length) bad.push(`${name}: ${differences.slice(0, 3).join(', ')}`);
    }
    const disk = await snapshotInstall(screen);
    if (!disk.currentComplete) bad.push(`current (${disk.current}) is not a complete release`);
    return bad;
  }
});
