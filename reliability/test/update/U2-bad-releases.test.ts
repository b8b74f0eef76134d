import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, chromiumOrSkip } from '../../../e2e/test/support/browser.js';
import { FakeSystemd } from '../../../e2e/test/support/fake-systemd.js';
import { deviceView, prepareScreen, snapshotInstall } from '../../../e2e/test/support/install-root.js';
import {
  gatecastWithin,
  otaReleases,
  startOtaFleet,
  V1,
  type OtaFleet,
  type OtaReleases,
} from '../../../e2e/test/support/ota-releases.js';
import { tempDir, waitFor } from '../../../e2e/test/support/processes.js';
import { recordFigure, sized } from '../../support/figures.js';
import {
  buildBadReleases,
  FakeWatchdog,
  type BadKind,
  type BadReleaseSet,
} from '../../support/update-faults.js';

const GATE = 'cat-bi-airport';
const ZONE = 'arrivals-hall';
const KINDS: ReadonlyMap<BadKind, string> = new Map([
  ['crash', '4.0.0'],
  ['hang', '5.0.0'],
  ['blank', '6.0.0'],
  ['no-broker', '7.0.0'],
  ['leak', '8.0.0'],
]);
const REPEATS = sized(1, 4);
/**
 * The unit's timeouts, scaled down: WatchdogSec=60 and TimeoutStartSec=180 become 4 s and 30 s. The
 * gate (8 s healthy, 10 s at most) is long enough that every bad release shows itself inside it.
 */
const WATCHDOG_MS = 4_000;
const START_TIMEOUT_MS = 30_000;
const UPDATES = { healthGateSec: 8, healthTimeoutSec: 10, maxStarts: 2 };
/** A Pi-sized heap for the leaking release (and the release it goes back to). */
const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=192' };
const REVERT_WITHIN_MS = 150_000;
const PLAYER = {
  mode: 'chromium',
  headless: true,
  windowWidth: 480,
  windowHeight: 270,
  chromiumPath: CHROMIUM_PATH,
};

interface Outcome {
  kind: BadKind;
  reverted: boolean;
  /** Who reverted: the launcher (the release kept stopping) or the agent's health gate. */
  by: string;
  seconds: number;
  /** Starts that ended other than by a planned restart (75): crashes, kills, out of memory. */
  failedStarts: number;
}

const missing = [
  chromiumOrSkip() ? null : 'Chromium',
  spawnSync('python3', ['--version']).status === 0 ? null : 'python3 (the notify socket)',
  spawnSync('systemd-notify', ['--help']).status === 0 ? null : 'systemd-notify (Debian systemd)',
].filter((reason) => reason !== null);
if (missing.length && process.env.CI) throw new Error(`U2 needs ${missing.join(', ')}`);
if (missing.length) process.stdout.write(`reliability U2: skipped: ${missing.join(', ')} missing\n`);

// Signed, well-formed releases that are bad once they run, rolled out to a screen each: the real
// launcher under a stand-in for systemd (restarts, and its watchdog and start timeout), the real
// agent and its health gate, a real headless player for the blank screen. Each must go back to
// 1.0.0 by itself and tell the fleet.
describe.skipIf(missing.length > 0)('U2: bad releases are reverted automatically', () => {
  const work = tempDir('reliability-u2');
  let releases: OtaReleases;
  let set: BadReleaseSet;
  let ota: OtaFleet;
  const services: Array<{ systemd: FakeSystemd; watchdog: FakeWatchdog }> = [];

  beforeAll(async () => {
    releases = await otaReleases();
    set = await buildBadReleases(releases.v1, releases.v2, KINDS, join(work.path, 'releases'));
    ota = await startOtaFleet(join(work.path, 'fleet'), { ...releases, ...set, v1: set.v1 } as OtaReleases);
    expect((await ota.api('POST', '/api/v1/gates', { id: GATE, name: 'Cat Bi' })).status).toBe(201);
    expect(
      (await ota.api('POST', `/api/v1/gates/${GATE}/zones`, { id: ZONE, name: 'Arrivals' })).status,
    ).toBe(201);
    const published = await Promise.all(
      [...set.bad.values()].map((release) =>
        gatecastWithin(['release', 'publish', release.artifactFile], ota.env, 60_000),
      ),
    );
    for (const result of published) expect(result.code, result.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    for (const { systemd, watchdog } of services) {
      await systemd.stop();
      await watchdog.stop();
    }
    await ota?.stop();
    work.remove();
  });

  it(`reverts every bad release (${KINDS.size} kinds × ${REPEATS})`, async () => {
    const cases = Array.from({ length: REPEATS }, (_, repeat) =>
      [...KINDS.keys()].map((kind) => ({ kind, repeat })),
    ).flat();
    const outcomes = await Promise.all(cases.map(({ kind, repeat }) => rollOutBad(kind, repeat)));

    const reverted = outcomes.filter((outcome) => outcome.reverted).length;
    const perKind = [...KINDS.keys()]
      .map((kind) => {
        const of = outcomes.filter((outcome) => outcome.kind === kind);
        const slowest = Math.max(...of.map((outcome) => outcome.seconds));
        const failed = of.reduce((sum, outcome) => sum + outcome.failedStarts, 0);
        const by = [...new Set(of.map((outcome) => outcome.by))].join('/');
        return `${kind} ${of.filter((o) => o.reverted).length}/${of.length} by ${by}, ${failed} failed starts, ≤ ${slowest} s`;
      })
      .join(', ');
    const passed = reverted === outcomes.length;
    recordFigure({
      id: 'U2',
      figure: `reverted automatically ${reverted}/${outcomes.length} (${Math.round((100 * reverted) / outcomes.length)} %): ${perKind}`,
      pass: '100 % reverted automatically',
      passed,
      size: `${outcomes.length} bad rollouts`,
    });
    expect(outcomes.filter((outcome) => !outcome.reverted)).toEqual([]);
  });

  async function rollOutBad(kind: BadKind, repeat: number): Promise<Outcome> {
    const id = `u2-${kind}-${repeat}`;
    const bad = set.bad.get(kind)!;
    const enrolled = await ota.api('POST', '/api/v1/devices', {
      id,
      name: `U2 ${kind}`,
      gateId: GATE,
      zoneId: ZONE,
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const install = await prepareScreen({
      dir: join(work.path, id),
      agentConfig: enrolled.body.agentConfig,
      publicKey: set.publicKey,
      release: { ...set.v1, version: V1 },
      ...(kind === 'blank' ? { player: PLAYER } : {}),
      updates: UPDATES,
    });
    const watchdog = new FakeWatchdog(install.configFile, join(work.path, id), WATCHDOG_MS, START_TIMEOUT_MS);
    await watchdog.start();
    const systemd = new FakeSystemd({
      launcher: install.launcher,
      configFile: install.configFile,
      env: { ...watchdog.env, ...(kind === 'leak' ? SMALL_HEAP : {}) },
    }).start();
    services.push({ systemd, watchdog });
    await waitFor(
      `${id} online on ${V1}`,
      async () => (await deviceView(ota, id))?.agentVersion === V1,
      90_000,
    );

    const created = await ota.api('POST', '/api/v1/rollouts', {
      version: bad.version,
      target: { devices: [id] },
      waves: [100],
      maxFailures: 0,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = Date.now();
    const reverted = await waitFor(
      `${id} back on ${V1}`,
      async () => {
        const device = await deviceView(ota, id);
        const update = device?.reported?.update;
        const disk = await snapshotInstall(install);
        return (
          device?.agentVersion === V1 &&
          update?.state === 'rolled-back' &&
          update.targetVersion === bad.version &&
          disk.current === V1 &&
          disk.currentComplete
        );
      },
      REVERT_WITHIN_MS,
    ).then(
      () => true,
      () => false,
    );
    const seconds = Math.round((Date.now() - started) / 1000);
    const record = (await snapshotInstall(install)).record;
    const by =
      record?.failedStage === 'restart'
        ? 'launcher'
        : record?.failedStage === 'health-check'
          ? 'health gate'
          : String(record?.failedStage);
    if (!reverted)
      process.stdout.write(`--- ${id} (watchdog kills ${watchdog.kills})\n${systemd.tail(4_000)}\n`);
    const failedStarts = systemd.exits.filter((exit) => exit.signal !== null || exit.code !== 75).length;
    const kills = watchdog.kills;
    return {
      kind,
      reverted,
      by: kills > 0 ? `${by} after ${kills} watchdog kills` : by,
      seconds,
      failedStarts,
    };
  }
});
