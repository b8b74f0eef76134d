import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statfsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  releaseManifestSchema,
  type ReleaseManifest,
  type ReleasePublicKey,
  type SignedManifest,
} from '@gatecast/protocol';
import { create as createTar, extract } from 'tar';
import { artifactNameOf, digestFile, manifestFileOf } from '../../fleet/src/releases/release-build.js';
import { generateReleaseKey, signManifest } from '../../fleet/src/releases/release-keys.js';
import { fileURLToPath } from 'node:url';

/** The device's built code: fault children run what a screen runs, not the test's sources. */
export const DEVICE_DIST = fileURLToPath(new URL('../../device/dist/', import.meta.url));

/**
 * A child that rewrites two state files forever, alternating two versions of each, through the
 * agent's own atomic write, as the desired store and the update record call it (the record first
 * clears stale temp files). Only that module is loaded, so a start is quick. It prints `ready` once
 * both files exist; the test then SIGKILLs it at a moment of its choosing.
 */
const REWRITER = `
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
const { dist, files, documentsFile } = JSON.parse(process.env.GATECAST_REWRITE);
const { writeFileAtomic, removeStaleTempFiles } = await import(dist + 'state/atomic-file.js');
const texts = JSON.parse(readFileSync(documentsFile, 'utf8'));
for (const file of files) mkdirSync(dirname(file), { recursive: true });
const write = async (i) => {
  await writeFileAtomic(files[0], texts[0][i % 2]);
  await removeStaleTempFiles(files[1]);
  await writeFileAtomic(files[1], texts[1][i % 2], 0o644);
};
await write(0);
process.stdout.write('ready\\n');
for (let i = 1; ; i++) await write(i);
`;

export interface Rewriter {
  child: ChildProcess;
  /** Resolves when both state files are on disk and the rewrite loop runs. */
  ready: Promise<void>;
  exited: Promise<void>;
}

/** `files[i]` alternates between `texts[i][0]` and `texts[i][1]` (read from `documentsFile`). */
export function startRewriter(files: readonly string[], documentsFile: string): Rewriter {
  const child = spawn(process.execPath, ['--input-type=module', '-e', REWRITER], {
    env: { ...process.env, GATECAST_REWRITE: JSON.stringify({ dist: DEVICE_DIST, files, documentsFile }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const ready = new Promise<void>((done, fail) => {
    child.stdout!.once('data', () => done());
    void exited.then(() => fail(new Error('the state rewriter ended before it was ready')));
  });
  return { child, ready, exited };
}

/**
 * A small tmpfs the test mounts and unmounts itself: a card partition of a known size, so a full
 * disk is a real ENOSPC from the kernel. Needs root (mount); `null` with the reason otherwise.
 */
export function tmpfsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = spawnSync('mount', ['--version']);
  if (probe.status !== 0) return 'mount(8) is missing (Debian util-linux)';
  if (spawnSync('fallocate', ['--version']).status !== 0)
    return 'fallocate(1) is missing (Debian util-linux)';
  return null;
}

export async function mountTmpfs(dir: string, bytes: number): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'tmpfs', dir]);
  if (mounted.status !== 0) throw new Error(`mount tmpfs on ${dir}: ${mounted.stderr.toString()}`);
  return async () => {
    const unmounted = spawnSync('umount', [dir]);
    if (unmounted.status !== 0) spawnSync('umount', ['-l', dir]);
    await rm(dir, { recursive: true, force: true });
  };
}

/** Takes all free space on `dir`'s file system but `leaveBytes`, at once, as another writer would. */
export function fillDisk(dir: string, file: string, leaveBytes: number): number {
  const stats = statfsSync(dir);
  const take = Math.max(0, stats.bavail * stats.bsize - leaveBytes);
  if (take === 0) return 0;
  const filled = spawnSync('fallocate', ['-l', String(take), file]);
  if (filled.status !== 0) throw new Error(`fallocate ${file}: ${filled.stderr.toString()}`);
  return take;
}

/** SIGKILLs every process of one screen's service (its command line names its config file): a power cut. */
export function cutPower(configFile: string): number {
  let killed = 0;
  for (const pid of servicePids(configFile)) {
    try {
      process.kill(pid, 'SIGKILL');
      killed += 1;
    } catch {
      // gone meanwhile
    }
  }
  return killed;
}

/** Every file under `dir` by relative path, with its sha256 (links by their target). */
export async function fileTree(dir: string, skip: readonly string[] = []): Promise<Map<string, string>> {
  const tree = new Map<string, string>();
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      const name = relative(dir, path);
      if (skip.includes(name)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) tree.set(name, `link:${await readlink(path)}`);
      else
        tree.set(
          name,
          createHash('sha256')
            .update(await readFile(path))
            .digest('hex'),
        );
    }
  };
  await walk(dir);
  return tree;
}

/** The files an artifact unpacks to, as `fileTree` lists them. */
export async function artifactTree(artifactFile: string, work: string): Promise<Map<string, string>> {
  const dir = await mkdtemp(join(work, 'artifact-'));
  try {
    await extract({ file: artifactFile, cwd: dir });
    return await fileTree(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Paths that differ between two trees: missing, extra or changed. */
export function treeDifferences(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const differences: string[] = [];
  for (const [name, hash] of expected) if (actual.get(name) !== hash) differences.push(name);
  for (const name of actual.keys()) if (!expected.has(name)) differences.push(`+${name}`);
  return differences;
}

/** The ways a signed, well-formed release can still be bad once it runs. */
export type BadKind = 'crash' | 'hang' | 'blank' | 'no-broker' | 'leak';

/**
 * What each bad release does, put at the top of a real agent bundle (after its hashbang; imports
 * are hoisted, so the modules load first, as with a real defect in the agent's own code).
 */
const BAD_CODE: Record<Exclude<BadKind, 'blank'>, string> = {
  crash: 'throw new Error("this release crashes at start");\n',
  // The event loop stops a second after the start: no timer runs, no watchdog is fed.
  hang: 'setTimeout(() => { for (;;) {} }, 1_000);\n',
  // Every connection fails, as with a wrong broker address or port baked into the build.
  'no-broker':
    'import __gcNet from "node:net";\n' +
    '__gcNet.createConnection = __gcNet.connect = () => { const socket = new __gcNet.Socket(); ' +
    'process.nextTick(() => socket.destroy(Object.assign(new Error("connect ECONNREFUSED: this release cannot reach the broker"), { code: "ECONNREFUSED" }))); ' +
    'return socket; };\n',
  // Objects kept forever, fast: the heap runs out within seconds.
  leak: 'const __gcLeak = []; setInterval(() => { for (let i = 0; i < 50_000; i++) __gcLeak.push({ i, at: Date.now(), text: `leak ${i}` }); }, 20);\n',
};

export interface SignedRelease {
  version: string;
  artifactFile: string;
  manifestFile: string;
  signed: SignedManifest;
}

export interface BadReleaseSet {
  dir: string;
  publicKey: ReleasePublicKey;
  trustedKeys: string;
  /** The good release the screens start on, signed with this set's key. */
  v1: SignedRelease;
  bad: Map<BadKind, SignedRelease>;
}

/**
 * Bad releases made from a real build (`good`), each a complete artifact under its own version,
 * signed with a fresh key through the fleet's own functions, so screens verify them like any other.
 * `blank` keeps the agent and empties the player page's script: the browser shows nothing.
 */
export async function buildBadReleases(
  v1: SignedRelease,
  good: SignedRelease,
  kinds: ReadonlyMap<BadKind, string>,
  dir: string,
): Promise<BadReleaseSet> {
  await mkdir(dir, { recursive: true });
  const { privateKeyPem, publicKey } = generateReleaseKey();
  const write = async (artifactFile: string, manifest: ReleaseManifest): Promise<SignedRelease> => {
    const signed = signManifest(manifest, privateKeyPem);
    const manifestFile = manifestFileOf(artifactFile);
    await writeFile(manifestFile, `${JSON.stringify(signed, null, 2)}\n`);
    return { version: manifest.version, artifactFile, manifestFile, signed };
  };
  const v1File = join(dir, artifactNameOf(v1.version));
  await copyFile(v1.artifactFile, v1File);
  const set: BadReleaseSet = {
    dir,
    publicKey,
    trustedKeys: `${publicKey.keyId}:${publicKey.publicKey}`,
    v1: await write(v1File, v1.signed.manifest),
    bad: new Map(),
  };
  const build = async (kind: BadKind, version: string): Promise<void> => {
    const unpacked = await mkdtemp(join(dir, `unpacked-${kind}-`));
    try {
      await extract({ file: good.artifactFile, cwd: unpacked });
      await writeFile(join(unpacked, 'release.json'), `${JSON.stringify({ version })}\n`);
      if (kind === 'blank') {
        await writeFile(join(unpacked, 'player-ui', 'player.js'), '// this release shows nothing\n');
      } else {
        const entry = join(unpacked, 'agent.mjs');
        const bundle = await readFile(entry, 'utf8');
        const hashbang = /^#![^\n]*\n/.exec(bundle)?.[0] ?? '';
        await writeFile(entry, `${hashbang}${BAD_CODE[kind]}${bundle.slice(hashbang.length)}`);
      }
      const artifactFile = join(dir, artifactNameOf(version));
      await createTar(
        { gzip: true, file: artifactFile, cwd: unpacked, portable: true },
        readdirSync(unpacked).sort(),
      );
      const { sha256, size } = await digestFile(artifactFile);
      const manifest = releaseManifestSchema.parse({
        ...good.signed.manifest,
        version,
        artifact: artifactNameOf(version),
        sha256,
        size,
        notes: `a bad release: ${kind}`,
      });
      set.bad.set(kind, await write(artifactFile, manifest));
    } finally {
      await rm(unpacked, { recursive: true, force: true });
    }
  };
  await Promise.all([...kinds].map(([kind, version]) => build(kind, version)));
  return set;
}

/**
 * systemd's side of Type=notify with WatchdogSec, for one screen: a unix datagram socket that
 * `systemd-notify` (the agent's way to speak sd_notify) writes to, and the two timeouts systemd
 * enforces: no READY=1 within `startMs` of a start, or no WATCHDOG=1 for `watchdogMs` after it,
 * and the service is killed (SIGABRT, then SIGKILL), as systemd does.
 */
export class FakeWatchdog {
  readonly socket: string;
  kills = 0;
  private listener: ChildProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pid: number | null = null;
  private startedAt = 0;
  private readyAt: number | null = null;
  private fedAt: number | null = null;

  constructor(
    private readonly configFile: string,
    dir: string,
    private readonly watchdogMs: number,
    private readonly startMs: number,
  ) {
    this.socket = join(dir, 'notify.sock');
  }

  /** The service environment that turns the agent's watchdog on. */
  get env(): Record<string, string> {
    return { NOTIFY_SOCKET: this.socket, WATCHDOG_USEC: String(this.watchdogMs * 1000) };
  }

  async start(): Promise<void> {
    const listener = spawn('python3', ['-u', '-c', NOTIFY_LISTENER, this.socket], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.listener = listener;
    listener.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const now = Date.now();
      if (chunk.includes('READY=1')) this.readyAt ??= now;
      if (chunk.includes('WATCHDOG=1')) this.fedAt = now;
    });
    const deadline = Date.now() + 10_000;
    while (!existsSync(this.socket)) {
      if (Date.now() > deadline || listener.exitCode !== null)
        throw new Error('the notify socket did not appear');
      await sleep(20);
    }
    this.timer = setInterval(() => this.check(), 200);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.listener?.kill('SIGKILL');
    await rm(this.socket, { force: true });
  }

  private check(): void {
    const pid = servicePids(this.configFile)[0] ?? null;
    const now = Date.now();
    if (pid !== this.pid) {
      this.pid = pid;
      this.startedAt = now;
      this.readyAt = null;
      this.fedAt = null;
    }
    if (pid === null) return;
    const starved = this.readyAt !== null && now - (this.fedAt ?? this.readyAt) > this.watchdogMs;
    const notStarted = this.readyAt === null && now - this.startedAt > this.startMs;
    if (!starved && !notStarted) return;
    this.kills += 1;
    this.pid = null; // the next check sees the next start
    try {
      process.kill(pid, 'SIGABRT');
    } catch {
      return;
    }
    setTimeout(() => cutPower(this.configFile), 1_000).unref();
  }
}

const NOTIFY_LISTENER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    sys.stdout.write(s.recv(4096).decode(errors='replace').replace('\\n', ' ') + '\\n')
`;

/** The processes of one screen's service (their command line names its config file). */
export function servicePids(configFile: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (Number(pid) !== process.pid && cmdline.split('\0').includes(configFile)) pids.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
