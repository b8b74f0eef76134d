import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { releaseManifestSchema, type ReleasePublicKey, type SignedManifest } from '@gatecast/protocol';
import { create as createTar, extract } from 'tar';
import { AGENT_ENTRY } from '../../../fleet/src/releases/agent-bundle.js';
import {
  artifactNameOf,
  buildRelease,
  digestFile,
  manifestFileOf,
} from '../../../fleet/src/releases/release-build.js';
import { generateReleaseKey, signManifest } from '../../../fleet/src/releases/release-keys.js';
import {
  readToken,
  RunningProcess,
  ROOT,
  startFleet,
  type CliResult,
  type FleetProcess,
} from './processes.js';

/**
 * The three agent releases the OTA end-to-end tests install, built and signed once and cached:
 *   1.0.0 and 2.0.0: real builds of this checkout (buildRelease, what `gatecast release build` runs);
 *   3.0.0: a real build whose agent.mjs throws before it does anything, repacked and signed with
 *   the same key through the same functions, so screens verify it like any other release.
 * The cache is named by a hash of everything that goes into a build, so an edited agent or launcher
 * is rebuilt, and concurrent test files wait for one build instead of bundling three times each.
 */
export const V1 = '1.0.0';
export const V2 = '2.0.0';
export const V3 = '3.0.0';
export const V3_CRASH = '3.0.0 crashes at start';

export interface BuiltArtifact {
  version: string;
  artifactFile: string;
  manifestFile: string;
  signed: SignedManifest;
}

export interface OtaReleases {
  dir: string;
  publicKey: ReleasePublicKey;
  /** `keyId:publicKey`, for `gatecast serve`'s GATECAST_RELEASE_KEYS. */
  trustedKeys: string;
  v1: BuiltArtifact;
  v2: BuiltArtifact;
  v3: BuiltArtifact;
}

const PREFIX = 'gatecast-ota-releases-';
/** What a build reads: the agent and launcher sources, their pages, the protocol, the bundler. */
const BUILD_INPUTS = [
  'device/src',
  'device/player-ui',
  'device/kiosk-ui',
  'device/package.json',
  'protocol/src',
  'fleet/src/releases',
  // this recipe itself (3.0.0 is made here)
  'e2e/test/support/ota-releases.ts',
];
const BUILD_TIMEOUT_MS = 240_000;

let cached: Promise<OtaReleases> | undefined;

export function otaReleases(): Promise<OtaReleases> {
  cached ??= loadOrBuild();
  return cached;
}

async function loadOrBuild(): Promise<OtaReleases> {
  const dir = join(tmpdir(), `${PREFIX}${inputsHash()}`);
  const lock = `${dir}.lock`;
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    const ready = readCache(dir);
    if (ready) return ready;
    if (tryLock(lock)) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for another test to build ${dir}`);
    await sleep(250);
  }
  try {
    const ready = readCache(dir);
    if (ready) return ready;
    removeOtherCaches(dir);
    const staging = await mkdtemp(`${dir}.tmp-`);
    try {
      await buildAll(staging);
      await rename(staging, dir);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  const built = readCache(dir);
  if (!built) throw new Error(`the OTA releases in ${dir} are incomplete after the build`);
  return built;
}

async function buildAll(dir: string): Promise<void> {
  const { privateKeyPem, publicKey } = generateReleaseKey();
  const now = () => new Date();
  for (const version of [V1, V2]) {
    await buildRelease({
      version,
      minPreviousVersion: null,
      rollback: false,
      notes: `e2e ${version}`,
      privateKeyPem,
      outDir: dir,
      now,
    });
  }
  // 3.0.0: a genuine build first, then its agent made to crash before it does anything.
  const work = await mkdtemp(join(tmpdir(), 'gatecast-ota-v3-'));
  try {
    const built = await buildRelease({
      version: V3,
      minPreviousVersion: null,
      rollback: false,
      notes: 'e2e 3.0.0: crashes at start',
      privateKeyPem,
      outDir: work,
      now,
    });
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    await extract({ file: built.artifactFile, cwd: unpacked });
    const entry = join(unpacked, AGENT_ENTRY);
    const bundle = await readFile(entry, 'utf8');
    // After the hashbang (it must stay first); ES imports are hoisted, so the modules load, then the
    // first statement of the body throws.
    const hashbang = /^#![^\n]*\n/.exec(bundle)?.[0] ?? '';
    const crash = `throw new Error(${JSON.stringify(V3_CRASH)});\n`;
    await writeFile(entry, `${hashbang}${crash}${bundle.slice(hashbang.length)}`);
    const artifactFile = join(dir, artifactNameOf(V3));
    await createTar(
      { gzip: true, file: artifactFile, cwd: unpacked, portable: true },
      readdirSync(unpacked).sort(),
    );
    const { sha256, size } = await digestFile(artifactFile);
    const manifest = releaseManifestSchema.parse({ ...built.signed.manifest, sha256, size });
    const signed = signManifest(manifest, privateKeyPem);
    await writeFile(manifestFileOf(artifactFile), `${JSON.stringify(signed, null, 2)}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  await writeFile(join(dir, 'public-key.json'), `${JSON.stringify(publicKey)}\n`);
}

function readCache(dir: string): OtaReleases | null {
  try {
    const publicKey = JSON.parse(readFileSync(join(dir, 'public-key.json'), 'utf8')) as ReleasePublicKey;
    const artifact = (version: string): BuiltArtifact => {
      const artifactFile = join(dir, artifactNameOf(version));
      const manifestFile = manifestFileOf(artifactFile);
      const signed = JSON.parse(readFileSync(manifestFile, 'utf8')) as SignedManifest;
      return { version, artifactFile, manifestFile, signed };
    };
    return {
      dir,
      publicKey,
      trustedKeys: `${publicKey.keyId}:${publicKey.publicKey}`,
      v1: artifact(V1),
      v2: artifact(V2),
      v3: artifact(V3),
    };
  } catch {
    return null;
  }
}

/** mkdir is atomic: one test file builds, the others wait. A lock older than the build timeout is stale. */
function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs > BUILD_TIMEOUT_MS) rmSync(lock, { recursive: true });
    } catch {
      // removed meanwhile
    }
    return false;
  }
}

/** Builds of older sources: only the newest is kept in the temp folder. */
function removeOtherCaches(keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (!name.startsWith(PREFIX) || path === keep || path.startsWith(`${keep}.`)) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

function inputsHash(): string {
  const hash = createHash('sha256');
  const visit = (path: string): void => {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) return;
    if (stats.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
      return;
    }
    hash.update(relative(ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const input of BUILD_INPUTS) visit(join(ROOT, input));
  return hash.digest('hex').slice(0, 16);
}

export interface OtaFleet {
  fleet: FleetProcess;
  /** GATECAST_URL and GATECAST_DATA_DIR for the `gatecast` CLI, as an operator's shell has them. */
  env: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  api: (method: string, url: string, body?: unknown) => Promise<{ status: number; body: any }>;
  stop: () => Promise<void>;
}

/** A real `gatecast serve` that trusts the test key, with the rollout engine ticking fast. */
export async function startOtaFleet(
  dataDir: string,
  releases: OtaReleases,
  env: Record<string, string> = {},
): Promise<OtaFleet> {
  const fleet = await startFleet(dataDir, {
    GATECAST_RELEASE_KEYS: releases.trustedKeys,
    GATECAST_ROLLOUT_TICK_MS: '250',
    LOG_LEVEL: 'info',
    ...env,
  });
  const token = readToken(dataDir);
  const api: OtaFleet['api'] = async (method, url, body) => {
    const response = await fetch(`${fleet.url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    fleet,
    env: { GATECAST_URL: fleet.url, GATECAST_DATA_DIR: dataDir },
    api,
    stop: () => fleet.stop(),
  };
}

/** The `gatecast` CLI, bounded: a command still running after `timeoutMs` is killed and fails the test. */
export async function gatecastWithin(
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<CliResult> {
  const proc = new RunningProcess(
    spawn(process.execPath, [join(ROOT, 'fleet/dist/cli/main.js'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  if (signal === 'SIGKILL') {
    throw new Error(
      `gatecast ${args.join(' ')} still ran after ${timeoutMs} ms:\n${proc.stdout}\n${proc.stderr}`,
    );
  }
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}
