import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBootProvisioning } from '../../../device/src/provisioning/import-boot-provisioning.js';
import { launchPlayerBrowser } from '../../../device/src/player/launch-player.js';
import { agentConfig } from '../../../device/test/integration/helpers/fixtures.js';
import { CHROMIUM_PATH, chromiumOrSkip } from '../../../e2e/test/support/browser.js';
import { runCli } from '../../../fleet/src/cli/program.js';
import { buildRelease } from '../../../fleet/src/releases/release-build.js';
import { generateReleaseKey } from '../../../fleet/src/releases/release-keys.js';
import { startRealFleet, type RealFleet } from '../../../fleet/test/integration/fleet/real-fleet.js';
import { scanText, type Finding, type ScanRules } from '../../support/api-security.js';
import { recordFigure } from '../../support/figures.js';

// S12: what goes into a screen's SD card, scanned for private keys, tokens, default passwords and
// an open Chromium debugging port. The image itself is built after this suite (npm run
// test:image), so the scan covers its inputs: the os-image recipe and overlay, a boot partition as
// `gatecast provision` writes it for a test gate (before and after the screen's first boot), the
// agent release as `gatecast release build` bundles it, and the agent's real Chromium launch.

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const IMAGE_INPUTS = ['os-image/overlay', 'os-image/scripts', 'os-image/build.sh', 'os-image/balena'];
const IMAGE_OUT = join(REPO, 'os-image/out');
/** Text files only: a scan of a binary would find nothing a reader could act on. */
const BINARY = /\.(png|jpe?g|gif|webp|woff2?|ttf|otf|ico|gz|tgz|xz|img|mp4|webm|wasm)$/i;
const GATE = 'cat-bi';

let work: string;
let fleet: RealFleet;
const releaseKey = generateReleaseKey();
const known = new Map<string, string>();

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info) return [];
  if (!info.isDirectory()) return BINARY.test(path) ? [] : [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries.filter((entry) => !entry.isSymbolicLink()).map((entry) => filesUnder(join(path, entry.name))),
  );
  return nested.flat();
}

async function scanTree(
  root: string,
  paths: string[],
  rules: ScanRules,
): Promise<{ files: number; findings: Finding[] }> {
  const files = (await Promise.all(paths.map((path) => filesUnder(join(root, path))))).flat();
  const findings: Finding[] = [];
  for (const file of files)
    findings.push(...scanText(relative(root, file), await readFile(file, 'utf8'), rules));
  return { files: files.length, findings };
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: {
      GATECAST_URL: `http://127.0.0.1:${fleet.running.httpPort}`,
      GATECAST_TOKEN: fleet.token,
      HOME: '/nonexistent',
    },
    cwd: fleet.dataDir,
  });
  return { code, out: out.join(''), err: err.join('') };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gatecast-s12-'));
  fleet = await startRealFleet({
    GATECAST_RELEASE_KEYS: `${releaseKey.publicKey.keyId}:${releaseKey.publicKey.publicKey}`,
  });
  known.set('admin token', fleet.token);
  if (fleet.running.adminPassword) known.set('admin password', fleet.running.adminPassword);
  known.set('release signing key', releaseKey.privateKeyPem.trim());
  await fleet.api('POST', '/api/v1/gates', { id: GATE, name: 'Cat Bi International Airport' });
  await fleet.api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'arrivals', name: 'Arrivals hall' });
}, 60_000);

afterAll(async () => {
  await fleet?.close();
  // A killed browser's helpers may still write into their profile for a moment.
  if (work) await rm(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

/** The boot partition `gatecast provision` writes, scanned before and after the first boot's import. */
async function provisioningFindings(): Promise<{ before: Finding[]; after: Finding[]; files: number }> {
  const boot = join(work, 'boot');
  await mkdir(boot);
  const psk = 'S12 arrivals wifi passphrase';
  const written = await cli([
    'provision',
    '--device',
    'cat-bi-arrivals-01',
    '--boot-dir',
    boot,
    '--gate',
    GATE,
    '--zone',
    'arrivals',
    '--name',
    'Arrivals 1',
    '--wifi-ssid',
    'CatBi-Screens',
    '--wifi-psk',
    psk,
    '--json',
  ]);
  if (written.code !== 0) throw new Error(`gatecast provision failed: ${written.err}`);
  const before = await scanTree(boot, ['.'], { passwords: false, cdp: true, known });
  // The card carries this screen's own secret and Wi-Fi passphrase by design, until its first boot.
  const provision = JSON.parse(await readFile(join(boot, 'gatecast/provision.json'), 'utf8')) as {
    device?: { secret?: string };
  };
  const own = new Map(known);
  own.set('device secret', provision.device?.secret ?? '');
  own.set('wifi passphrase', psk);
  if (!provision.device?.secret) throw new Error('the provision file holds no device secret');
  const imported = await importBootProvisioning({
    bootDir: boot,
    configFile: join(work, 'data/agent.json'),
    log: pino({ level: 'silent' }),
    network: { reload: async () => undefined },
  });
  if (imported.kind !== 'device') throw new Error(`first-boot import: ${JSON.stringify(imported)}`);
  const after = await scanTree(boot, ['.'], { passwords: false, cdp: true, known: own });
  return { before: before.findings, after: after.findings, files: before.files };
}

/** The agent release as the image's first release is built: bundled, packed, unpacked here. */
async function bundleFindings(): Promise<{ files: number; findings: Finding[] }> {
  const built = await buildRelease({
    version: '1.0.0',
    minPreviousVersion: null,
    rollback: false,
    notes: 'S12 scan',
    privateKeyPem: releaseKey.privateKeyPem,
    outDir: join(work, 'release'),
  });
  const unpacked = join(work, 'unpacked');
  await mkdir(unpacked);
  await extract({ file: built.artifactFile, cwd: unpacked });
  // No CDP rule here: the bundled browser driver names the flag for callers that want a port.
  return scanTree(unpacked, ['.'], { passwords: false, cdp: false, known });
}

/** TCP sockets listening in a process and its descendants, and CDP flags on their command lines. */
async function debuggingExposure(pid: number): Promise<{ listening: number; flags: number }> {
  const pids = await processTree(pid);
  const inodes = new Set<string>();
  let flags = 0;
  for (const each of pids) {
    const cmdline = await readFile(`/proc/${each}/cmdline`, 'utf8').catch(() => '');
    if (/--remote-debugging-(port|address)/.test(cmdline)) flags += 1;
    const fds = await readdir(`/proc/${each}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${each}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    }
  }
  let listening = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const row of rows) {
      const fields = row.trim().split(/\s+/);
      // st 0A is LISTEN; field 9 is the socket's inode.
      if (fields[3] === '0A' && fields[9] && inodes.has(fields[9])) listening += 1;
    }
  }
  return { listening, flags };
}

async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const statLine = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(statLine.slice(statLine.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isFinite(ppid)) parents.set(Number(name), ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree;
}

/** The agent's own Chromium launch, on a real page; and a browser with a port, to prove the probe sees one. */
async function launchExposure(): Promise<{ agent: { listening: number; flags: number }; control: number }> {
  const page = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<p>S12</p>'),
  );
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
  const dataDir = join(work, 'agent-data');
  const base = agentConfig('mqtt://127.0.0.1:1', dataDir).player;
  try {
    const session = await launchPlayerBrowser({
      player: { ...base, mode: 'chromium', headless: true, chromiumPath: CHROMIUM_PATH },
      dataDir,
      locale: 'vi',
      languages: ['vi', 'en'],
      pageUrl,
      webOrigins: () => [],
      bindingName: '__gatecastReport',
      onReport: () => undefined,
      onLost: () => undefined,
      log: pino({ level: 'silent' }),
    });
    let agent: { listening: number; flags: number };
    try {
      if (session.pid === null) throw new Error('the agent launched Chromium without a process id');
      agent = await debuggingExposure(session.pid);
    } finally {
      await session.close();
    }
    return { agent, control: await controlExposure() };
  } finally {
    page.close();
  }
}

async function controlExposure(): Promise<number> {
  const profile = join(work, 'control-profile');
  const browser = spawn(
    CHROMIUM_PATH,
    ['--headless', '--no-sandbox', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { stdio: 'ignore' },
  );
  try {
    for (let tries = 0; tries < 50; tries++) {
      await sleep(200);
      const seen = await debuggingExposure(browser.pid ?? -1);
      if (seen.listening > 0) return seen.listening;
    }
    return 0;
  } finally {
    if (browser.exitCode === null && browser.signalCode === null) {
      const exited = new Promise((resolve) => browser.once('exit', resolve));
      browser.kill('SIGKILL');
      await exited;
    }
  }
}

/** The rules see what they are for: one planted sample of each kind must be found. */
function scannerControl(): string[] {
  const planted = [
    releaseKey.privateKeyPem,
    `GATECAST_TOKEN=gct_${'k'.repeat(43)}`,
    'kiosk:$6$salt$hash:19000:0:99999:7:::',
    "echo 'kiosk:raspberry' | chpasswd",
    'ExecStart=/usr/bin/chromium --remote-debugging-port=9222',
  ].join('\n');
  const kinds = new Set(scanText('planted', planted, { passwords: true, cdp: true }).map((f) => f.kind));
  return (['private key', 'token', 'password', 'cdp port'] as const).filter((kind) => !kinds.has(kind));
}

describe('S12 image secrets scan', () => {
  it('finds no private key, token, default password or open debugging port in what goes onto the card', async () => {
    expect(scannerControl(), 'kinds the scan failed to see in planted samples').toEqual([]);
    const recipe = await scanTree(REPO, IMAGE_INPUTS, { passwords: true, cdp: true, known });
    const launchCode = await scanTree(REPO, ['device/src'], { passwords: false, cdp: true, known });
    const provisioned = await provisioningFindings();
    const bundle = await bundleFindings();
    const built = await scanTree(IMAGE_OUT, ['.'], { passwords: true, cdp: true, known });
    // A packed image is checked by npm run test:image (no usable password in /etc/shadow, and more).
    const images = (await readdir(IMAGE_OUT).catch(() => [] as string[])).filter((name) =>
      /\.img/.test(name),
    );
    const launch = chromiumOrSkip() ? await launchExposure() : null;

    const findings = [
      ...recipe.findings,
      ...launchCode.findings,
      ...provisioned.before,
      ...provisioned.after,
      ...bundle.findings,
      ...built.findings,
    ];
    const count = (kind: Finding['kind']) => findings.filter((finding) => finding.kind === kind).length;
    const cdpOpen = launch ? launch.agent.listening + launch.agent.flags : 0;
    const cdpTotal = count('cdp port') + cdpOpen;
    const launched = launch
      ? `agent's Chromium: ${launch.agent.listening} listening TCP sockets, ${launch.agent.flags} CDP flags (control with a port: ${launch.control} seen)`
      : 'Chromium not here: launch not checked';
    const passed =
      count('private key') + count('token') + count('password') + cdpTotal === 0 &&
      (launch === null || launch.control > 0);
    recordFigure({
      id: 'S12',
      figure:
        `private keys ${count('private key')}, tokens ${count('token')}, default passwords ${count('password')}, ` +
        `open CDP ports ${cdpTotal}; scanned ${recipe.files} image recipe files, ${launchCode.files} agent source files, ` +
        `${provisioned.files} provisioned boot files (own secret gone after first boot: ${provisioned.after.length === 0 ? 'yes' : 'no'}), ` +
        `${bundle.files} release files, ${built.files} unpacked image files` +
        `${images.length ? ` (${images.length} packed image(s) in os-image/out left to test:image)` : ''}; ${launched}` +
        `${
          findings.length
            ? `; found: ${findings
                .slice(0, 5)
                .map((f) => `${f.kind} in ${f.file} (${f.excerpt})`)
                .join('; ')}`
            : ''
        }`,
      pass: '0 private keys, tokens, default passwords, open CDP ports',
      passed,
    });
    expect(findings).toEqual([]);
    expect(cdpOpen).toBe(0);
    if (launch) expect(launch.control, 'the probe sees a debugging port when one is open').toBeGreaterThan(0);
  });
});
