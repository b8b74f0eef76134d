import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredDocument, SignedManifest } from '@gatecast/protocol';
import { readCurrent } from '../../../device/src/update/release-links.js';
import { releasesDir } from '../../../device/src/update/release-layout.js';
import { trustReleaseCreatedAt } from '../../../device/src/update/trusted-release.js';
import { createUpdater } from '../../../device/src/update/updater.js';
import { updatesDir } from '../../../device/src/update/download-release.js';
import { desired, tempDir, testLogger } from '../../../device/test/integration/helpers/fixtures.js';
import {
  buildTestRelease,
  layDownRoot,
  type BuiltTestRelease,
} from '../../../device/test/integration/update/updater-support.js';
import {
  newSigningKey,
  signManifest,
  type TestSigningKey,
} from '../../../device/test/unit/update/release-signing.js';
import { HostileArtifactServer, type ServeMode } from '../../support/api-security.js';
import { recordFigure, sized } from '../../support/figures.js';

// S10: every way a release can be forged or replayed, offered to the real updater (verification,
// resumable download, install, switch) with the artifact on a real HTTP server that misbehaves as
// the case needs. An install is any trace of the release taking effect: a restart asked for,
// `current` moved, or an unpacked release folder. Bytes beyond the declared size are what the
// device kept (progress and files on disk), while the server offers megabytes more.

const RUNNING = '2.0.0';
const EXTRA = 4 * 1024 * 1024;
/** How long an offer may take to end in a refusal or a restart, on a slow machine. */
const END_MS = 15_000;
/** How long an offer that ends in neither (a retried failure, nothing to do) is watched. */
const WATCH_MS = 1_500;
const DAY_MS = 86_400_000;

interface Case {
  name: string;
  signed: SignedManifest | Record<string, unknown>;
  artifact: Buffer;
  mode: ServeMode;
  /**
   * A build this screen refused before, offered again; or a screen that installed what it runs
   * over the air, so it trusts that release's createdAt.
   */
  history?: 'failed-before' | 'updated-to-running';
  /** Neither a refusal nor a restart ends this offer: it is watched for WATCH_MS. */
  open?: boolean;
}

interface Outcome {
  installed: boolean;
  beyondDeclared: number;
  state: string;
}

let work: Awaited<ReturnType<typeof tempDir>>;
let server: HostileArtifactServer;
let key: TestSigningKey;
const releases: Record<string, BuiltTestRelease> = {};

beforeAll(async () => {
  work = await tempDir('s10');
  key = newSigningKey();
  for (const version of ['1.0.0', '2.1.0', '3.0.0']) {
    releases[version] = await buildTestRelease(work.path, version, key);
  }
  // A signed rollback issued once, long ago, for screens that then ran something newer.
  releases.rollback = await buildTestRelease(work.path, '1.5.0', key, {
    rollback: true,
    createdAt: new Date(Date.now() - 200 * DAY_MS).toISOString(),
  });
  // The way back the operator has: a rollback built again now, after the release screens trust.
  releases.rebuiltRollback = await buildTestRelease(work.path, '1.6.0', key, {
    rollback: true,
    createdAt: new Date().toISOString(),
  });
  releases.stale = await buildTestRelease(work.path, '2.2.0', key, {
    createdAt: new Date(Date.now() - 400 * DAY_MS).toISOString(),
  });
  server = new HostileArtifactServer(Buffer.alloc(0));
  await server.start();
});

afterAll(async () => {
  await server?.stop();
  await work?.remove();
});

function release(name: string): BuiltTestRelease {
  const found = releases[name];
  if (!found) throw new Error(`no test release ${name}`);
  return found;
}

function hostileCases(): Case[] {
  const next = release('2.1.0');
  const flipped = Buffer.from(next.artifact);
  flipped.writeUInt8(flipped.readUInt8(100) ^ 0x01, 100);
  const badSignature = Buffer.from(next.signed.signature.signature, 'base64');
  badSignature.writeUInt8(badSignature.readUInt8(0) ^ 0x01, 0);
  const undersized = signManifest({ ...next.signed.manifest, size: next.artifact.length - 100 }, key);
  const half = Math.floor(next.artifact.length / 2);
  const exact: ServeMode = { kind: 'exact' };
  return [
    {
      name: 'unsigned',
      signed: { manifest: next.signed.manifest, signature: null },
      artifact: next.artifact,
      mode: exact,
    },
    {
      name: 'bad signature',
      signed: {
        ...next.signed,
        signature: { ...next.signed.signature, signature: badSignature.toString('base64') },
      },
      artifact: next.artifact,
      mode: exact,
    },
    {
      name: 'changed after signing',
      signed: { ...next.signed, manifest: { ...next.signed.manifest, size: next.artifact.length + EXTRA } },
      artifact: next.artifact,
      mode: exact,
    },
    {
      name: 'unknown key',
      signed: signManifest(next.signed.manifest, newSigningKey()),
      artifact: next.artifact,
      mode: exact,
    },
    { name: 'hash mismatch', signed: next.signed, artifact: flipped, mode: exact },
    {
      name: 'oversize announced',
      signed: next.signed,
      artifact: next.artifact,
      mode: { kind: 'announced-extra', extra: EXTRA },
    },
    {
      name: 'oversize chunked',
      signed: next.signed,
      artifact: next.artifact,
      mode: { kind: 'chunked-extra', extra: EXTRA },
    },
    {
      name: 'declared size too small',
      signed: undersized,
      artifact: next.artifact,
      mode: { kind: 'chunked-extra', extra: EXTRA },
    },
    { name: 'truncated', signed: next.signed, artifact: next.artifact, mode: { kind: 'short', bytes: half } },
    {
      name: 'cut mid-way',
      signed: next.signed,
      artifact: next.artifact,
      mode: { kind: 'cut', bytes: half },
      open: true,
    },
    { name: 'downgrade', signed: release('1.0.0').signed, artifact: release('1.0.0').artifact, mode: exact },
    // Built 400 days ago with the default year of validity: expired 35 days ago.
    {
      name: 'expired (400 days old, valid for 365)',
      signed: release('stale').signed,
      artifact: release('stale').artifact,
      mode: exact,
    },
    { name: 'replayed running', signed: runningManifest(), artifact: next.artifact, mode: exact, open: true },
    {
      name: 'replayed refused',
      signed: next.signed,
      artifact: flipped,
      mode: exact,
      history: 'failed-before',
      open: true,
    },
    {
      name: 'replayed old',
      signed: release('1.0.0').signed,
      artifact: release('1.0.0').artifact,
      mode: exact,
    },
    {
      name: 'replayed old signed rollback',
      signed: release('rollback').signed,
      artifact: release('rollback').artifact,
      mode: exact,
      history: 'updated-to-running',
    },
    { name: 'mix-and-match', signed: next.signed, artifact: release('3.0.0').artifact, mode: exact },
  ];
}

/** The manifest of what runs, as a replay of the document that installed it would carry it. */
function runningManifest(): SignedManifest {
  const next = release('2.1.0');
  return signManifest(
    { ...next.signed.manifest, version: RUNNING, artifact: `gatecast-agent-${RUNNING}.tgz` },
    key,
  );
}

async function offerOnce(name: string, offered: Case, round: number): Promise<Outcome> {
  const slug = `${round}-${name.replace(/\W+/g, '-')}`;
  const root = join(work.path, slug, 'root');
  const dataDir = join(work.path, slug, 'data');
  await layDownRoot(root, RUNNING);
  if (offered.history === 'updated-to-running') {
    // What the updater keeps once it has installed the running release.
    await mkdir(dataDir, { recursive: true });
    await trustReleaseCreatedAt(dataDir, runningManifest().manifest.createdAt);
  }
  if (offered.history === 'failed-before') {
    // The first offer ends refused; the replay comes to an updater that remembers it.
    await runUpdater(root, dataDir, offered);
  }
  return runUpdater(root, dataDir, offered);
}

async function runUpdater(root: string, dataDir: string, offered: Case): Promise<Outcome> {
  server.serve(offered.artifact, offered.mode);
  const restarts: string[] = [];
  let seenBytes = 0;
  const updater = createUpdater({
    dataDir,
    installRoot: root,
    runningVersion: RUNNING,
    updates: { publicKeys: [key.pinned], healthGateSec: 1, healthTimeoutSec: 60, maxStarts: 3 },
    clock: { now: () => new Date() },
    buildTime: new Date('2026-01-01T00:00:00Z'),
    log: testLogger(),
    probe: { connected: () => true, showingContent: () => true },
    announcementShowing: () => false,
    emitEvent: async () => true,
    onStatus: () => {
      seenBytes = Math.max(seenBytes, updater.status?.downloadedBytes ?? 0);
    },
    requestRestart: (reason) => void restarts.push(reason),
    timing: {
      retryMinMs: 50,
      retryMaxMs: 100,
      announcementPollMs: 20,
      healthPollMs: 50,
      progressReportMs: 0,
    },
  });
  try {
    await updater.start();
    const document: DesiredDocument = {
      ...desired(1),
      agent: { release: offered.signed as SignedManifest, artifactUrl: server.url },
    };
    updater.offer(document);
    // A refusal already on record (the replay of a refused build) does not end the watch.
    const refusedBefore = updater.status?.state === 'refused';
    const deadline = Date.now() + (offered.open ? WATCH_MS : END_MS);
    const ended = () => restarts.length > 0 || (!refusedBefore && updater.status?.state === 'refused');
    while (Date.now() < deadline && !ended()) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await updater.stop();
  }
  const declared = declaredSize(offered.signed);
  const onDisk = await largestFile(updatesDir(dataDir));
  const installedFolders = (await readdir(releasesDir(root))).filter((name) => name !== RUNNING);
  return {
    installed: restarts.length > 0 || (await readCurrent(root)) !== RUNNING || installedFolders.length > 0,
    beyondDeclared: Math.max(0, Math.max(seenBytes, onDisk) - declared),
    state: updater.status?.state ?? 'none',
  };
}

function declaredSize(signed: Case['signed']): number {
  const size = (signed as { manifest?: { size?: unknown } }).manifest?.size;
  return typeof size === 'number' ? size : 0;
}

async function largestFile(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const sizes = await Promise.all(names.map(async (name) => (await stat(join(dir, name))).size));
  return Math.max(0, ...sizes);
}

describe('S10 OTA authenticity', () => {
  it('installs none of the forged, damaged or replayed releases and keeps no byte beyond the declared size', async () => {
    const rounds = sized(1, 20);
    const cases = hostileCases();
    const installs = new Map<string, number>();
    let beyond = 0;
    const states = new Map<string, string>();
    for (let round = 0; round < rounds; round++) {
      for (const offered of cases) {
        const outcome = await offerOnce(offered.name, offered, round);
        installs.set(offered.name, (installs.get(offered.name) ?? 0) + (outcome.installed ? 1 : 0));
        beyond = Math.max(beyond, outcome.beyondDeclared);
        states.set(offered.name, outcome.state);
      }
    }
    // The same harness with a valid release: an install is seen when one happens.
    const control = await offerOnce(
      'control',
      {
        name: 'control',
        signed: release('2.1.0').signed,
        artifact: release('2.1.0').artifact,
        mode: { kind: 'exact' },
      },
      0,
    );
    // The freshness floor refuses the old rollback, not rollbacks: one built now installs.
    const rebuiltRollback = await offerOnce(
      'control rollback',
      {
        name: 'control rollback',
        signed: release('rebuiltRollback').signed,
        artifact: release('rebuiltRollback').artifact,
        mode: { kind: 'exact' },
        history: 'updated-to-running',
      },
      0,
    );
    const controls = (control.installed ? 1 : 0) + (rebuiltRollback.installed ? 1 : 0);

    const total = [...installs.values()].reduce((sum, n) => sum + n, 0);
    const perCase = [...installs].map(([name, n]) => `${name} ${n}/${rounds}`).join(', ');
    const offeredMb = (server.extraOffered / 2 ** 20).toFixed(1);
    const passed = total === 0 && beyond === 0 && controls === 2;
    recordFigure({
      id: 'S10',
      figure:
        `installs ${total} (${perCase}); bytes kept beyond declared size ${beyond} ` +
        `(the server wrote ${offeredMb} MiB beyond the artifacts into its sockets); controls: a valid release and a rollback built now installed ${controls}/2`,
      pass: '0 installs; 0 bytes beyond declared size',
      passed,
      size: `${rounds} × ${cases.length} cases`,
    });
    expect(control.installed, 'the valid control release must install').toBe(true);
    expect(rebuiltRollback.installed, 'a rollback built after the trusted release must install').toBe(true);
    expect(
      Object.fromEntries(installs),
      `final states: ${JSON.stringify(Object.fromEntries(states))}`,
    ).toEqual(Object.fromEntries(cases.map((c) => [c.name, 0])));
    expect(beyond).toBe(0);
  });
});
