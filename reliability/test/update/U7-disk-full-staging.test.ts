import { randomBytes } from 'node:crypto';
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../../device/src/agent.js';
import { isCompleteRelease, releasesDir } from '../../../device/src/update/release-layout.js';
import { readCurrent } from '../../../device/src/update/release-links.js';
import { updatesDir } from '../../../device/src/update/download-release.js';
import { FleetClient, type SeenMessage } from '../../../device/test/integration/helpers/fleet-client.js';
import {
  DEVICE_ID,
  RecordingScreen,
  SECRET,
  agentConfig,
  desired,
  testLogger,
} from '../../../device/test/integration/helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../../../device/test/integration/helpers/test-broker.js';
import { ArtifactServer } from '../../../device/test/integration/update/helpers/artifact-server.js';
import { packTgz, sha256Of } from '../../../device/test/integration/update/helpers/release-files.js';
import {
  RecordingRestarter,
  layDownRoot,
  withAgent,
  type BuiltTestRelease,
} from '../../../device/test/integration/update/updater-support.js';
import {
  manifestFor,
  newSigningKey,
  signManifest,
  type TestSigningKey,
} from '../../../device/test/unit/update/release-signing.js';
import { recordFigure, sized } from '../../support/figures.js';
import { fillDisk, mountTmpfs, tmpfsUnavailable } from '../../support/update-faults.js';

const OLD = '1.0.0';
const NEW = '2.0.0';
/** Incompressible payload: unpacking it takes long enough for the card to fill part-way through. */
const PAYLOAD_BYTES = 24 << 20;
/** Room for the download check (artifact × 5) and the install check (unpacked + 16 MiB). */
const CARD_BYTES = 160 << 20;
/** What the other writer leaves free: less than the release unpacks to. */
const LEFT_FREE = 6 << 20;

type When = 'mid-unpack' | 'at-install-check';
const CASES: When[] = [
  ...Array.from({ length: sized(2, 20) }, () => 'mid-unpack' as const),
  ...Array.from({ length: sized(1, 10) }, () => 'at-install-check' as const),
];

interface Outcome {
  when: When;
  filled: boolean;
  problem: string;
  oldRunning: boolean;
  partial: string[];
  recovered: boolean;
}

const unavailable = tmpfsUnavailable();
if (unavailable && process.env.CI) throw new Error(`U7 needs a tmpfs it mounts itself: ${unavailable}`);
if (unavailable) process.stdout.write(`reliability U7: skipped: ${unavailable}\n`);

// The card fills while a release is staged: another writer (logs, media) takes the space after
// the updater's checks passed, so unpacking meets a real ENOSPC; or it takes it just before the
// install's own check. The running release must go on running, no half release or temp folder may
// stay behind, and once the space is back the update must go through.
describe.skipIf(unavailable !== null)('U7: disk full while staging', () => {
  let work: string;
  let broker: TestBroker;
  let fleet: FleetClient;
  let server: ArtifactServer;
  let key: TestSigningKey;
  let release: BuiltTestRelease;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gatecast-u7-'));
    key = newSigningKey();
    release = await bigRelease(work, NEW, key);
    server = new ArtifactServer(release.artifact);
    await server.start();
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await fleet?.close();
    await broker?.stop();
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it(`keeps the old release and leaves no partial files (${CASES.length} cases)`, async () => {
    const outcomes: Outcome[] = [];
    for (const [index, when] of CASES.entries()) outcomes.push(await runCase(index, when));

    const cut = outcomes.filter((outcome) => outcome.filled);
    const oldRunning = cut.filter((outcome) => outcome.oldRunning).length;
    const partial = cut.flatMap((outcome) => outcome.partial);
    const recovered = cut.filter((outcome) => outcome.recovered).length;
    const byCase = (['mid-unpack', 'at-install-check'] as const)
      .map((when) => {
        const of = outcomes.filter((outcome) => outcome.when === when);
        const problems = [...new Set(of.map((outcome) => outcome.problem))].join(', ');
        return `${when} ${of.filter((o) => o.filled).length}/${of.length} (${problems})`;
      })
      .join('; ');
    const passed = cut.length === CASES.length && oldRunning === cut.length && partial.length === 0;
    recordFigure({
      id: 'U7',
      figure:
        `card filled ${byCase}; old version still running ${oldRunning}/${cut.length}; ` +
        `partial files left ${partial.length}${partial.length ? ` (${partial.join(', ')})` : ''}; ` +
        `updated once the space was back ${recovered}/${cut.length}`,
      pass: 'old version still running; 0 partial files',
      passed,
      size: `${CASES.length} cases, ${PAYLOAD_BYTES >> 20} MiB release on a ${CARD_BYTES >> 20} MiB tmpfs`,
    });
    expect(cut.length, 'the card filled in every case').toBe(CASES.length);
    expect({ oldRunning, partial }).toEqual({ oldRunning: cut.length, partial: [] });
  });

  async function runCase(index: number, when: When): Promise<Outcome> {
    const card = join(work, `card-${index}`);
    const unmount = await mountTmpfs(card, CARD_BYTES);
    cleanups.push(unmount);
    const root = join(card, 'opt-gatecast');
    const dataDir = join(card, 'var-lib-gatecast');
    await layDownRoot(root, OLD, true);
    await mkdir(releasesDir(root), { recursive: true });
    await mkdir(dataDir, { recursive: true });
    const filler = join(card, 'other-writer.bin');
    let filled = false;
    const fill = () => {
      if (filled) return;
      filled = true;
      fillDisk(card, filler, LEFT_FREE);
    };
    // The trigger: the unpack's temp folder appearing, or the record saying `installing`.
    const watcher: FSWatcher =
      when === 'mid-unpack'
        ? watch(releasesDir(root), (_event, name) => {
            if (name?.includes('.tmp-')) fill();
          })
        : watchRecord(dataDir, (state) => state === 'installing' && fill());
    const restarts = new RecordingRestarter();
    const base = agentConfig(broker.url, dataDir);
    const agent: Agent = createAgent({
      config: {
        ...base,
        updates: { ...base.updates, publicKeys: [key.pinned], installRoot: root, healthGateSec: 1 },
      },
      log: testLogger(),
      screen: new RecordingScreen(),
      agentVersion: OLD,
      restarter: restarts,
      updateTiming: { retryMinMs: 200, retryMaxMs: 400, progressReportMs: 0 },
      clockSync: { synchronized: () => true, refresh: async () => undefined },
    });
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      watcher.close();
      await agent.stop();
    };
    cleanups.push(stop);
    const from = fleet.seen.length;
    const after = (match: (message: SeenMessage) => boolean) => (message: SeenMessage) =>
      fleet.seen.indexOf(message) >= from && match(message);
    try {
      await agent.start();
      await fleet.publishDesired(DEVICE_ID, withAgent(desired(100 + index), release, server.url));
      const failed = await fleet
        .waitFor(
          after((message) => problemOf(message) !== null),
          60_000,
          'a reported update problem',
        )
        .catch(() => null);
      const problem = failed ? problemOf(failed)! : 'no problem reported';
      // A few retries against the full card; then the screen must still be on the old release.
      const seenAt = fleet.seen.length;
      await fleet
        .waitFor((message) => fleet.seen.indexOf(message) >= seenAt && message.kind === 'reported', 10_000)
        .catch(() => null);
      await sleep(800);
      const current = await readCurrent(root);
      const oldRunning =
        failed !== null &&
        restarts.reasons.length === 0 &&
        current === OLD &&
        (await isCompleteRelease(root, OLD)) &&
        fleet.seen.slice(seenAt).some((message) => message.kind === 'reported');
      const partial = await partialFiles(root, dataDir);

      // The other writer goes away: the next retry must install the release.
      await unlink(filler).catch(() => undefined);
      const deadline = Date.now() + 30_000;
      while (restarts.reasons.length === 0 && Date.now() < deadline) await sleep(100);
      const recovered = restarts.reasons.length > 0 && (await readCurrent(root)) === NEW;
      return { when, filled, problem, oldRunning, partial, recovered };
    } finally {
      await stop();
    }
  }
});

/** A release whose tree holds an incompressible payload, signed like any other. */
async function bigRelease(work: string, version: string, key: TestSigningKey): Promise<BuiltTestRelease> {
  const staging = join(work, `staging-${version}`);
  await mkdir(staging, { recursive: true });
  await writeFile(join(staging, 'agent.mjs'), `console.log('gatecast agent ${version}');\n`);
  await writeFile(join(staging, 'release.json'), `${JSON.stringify({ version })}\n`);
  await writeFile(join(staging, 'payload.bin'), randomBytes(PAYLOAD_BYTES));
  const name = `gatecast-agent-${version}.tgz`;
  const artifact = await packTgz(join(work, name), staging, ['agent.mjs', 'release.json', 'payload.bin']);
  const manifest = manifestFor({
    version,
    artifact: name,
    sha256: sha256Of(artifact),
    size: artifact.length,
  });
  return { version, artifact, signed: signManifest(manifest, key) };
}

function watchRecord(dataDir: string, onState: (state: string) => void): FSWatcher {
  return watch(dataDir, (_event, name) => {
    if (name !== 'update-state.json') return;
    try {
      const record = JSON.parse(readFileSync(join(dataDir, name), 'utf8')) as { status: { state: string } };
      onState(record.status.state);
    } catch {
      // between the temp file and its rename
    }
  });
}

function problemOf(message: SeenMessage): string | null {
  if (message.kind !== 'reported') return null;
  const update = message.payload.update as { problem?: { code: string; message: string } | null } | undefined;
  const problem = update?.problem;
  if (!problem) return null;
  return problem.message.includes('ENOSPC') ? `${problem.code} (ENOSPC)` : problem.code;
}

/** Anything of the new release on the card but a verified artifact: half folders, temp folders, `.part`s. */
async function partialFiles(root: string, dataDir: string): Promise<string[]> {
  const releases = (await readdir(releasesDir(root))).filter((name) => name !== OLD);
  const updates = (await readdir(updatesDir(dataDir)).catch(() => [] as string[])).filter(
    (name) => !name.endsWith('.tgz'),
  );
  return [...releases.map((name) => `releases/${name}`), ...updates.map((name) => `updates/${name}`)];
}
