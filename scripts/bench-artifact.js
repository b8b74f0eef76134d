// B11 `npm run bench:artifact`: the fleet serving one agent release artifact to many screens at
// once against Debian's nginx serving the same bytes, side by side, interleaved round by round.
// Every downloader is a plain node:http client (keep-alive off) that counts the bytes and drops
// them; one download per round is also hashed to prove the bytes. Reports aggregate throughput,
// per-download p50/p99 and each server's CPU and peak RSS.
//
//   npm run bench:artifact [-- --size-mb 200 --clients 100 --rounds 5 --route device|operator --subjects fleet,nginx --fleet-cpu-prof DIR]
//
// Loopback only; every child is stopped and the temp dirs (with the file) removed, also on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { chmodSync, chownSync, createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { nginxConfig, ratioOf, summariseRound } from './bench-artifact-stats.js';
import { apiOf, freePort, startFleet } from './bench-brokers.js';
import {
  argValue,
  fixed,
  importBuilt,
  median,
  printMachine,
  runBounded,
  sample,
  spawnChild,
  tempDir,
} from './bench-support.js';
import { enrolScreens } from './sim/enrol.js';

const NGINX = '/usr/sbin/nginx';
const MB = 2 ** 20;
const SIZE_MB = Number(argValue('--size-mb', '200'));
const CLIENTS = Number(argValue('--clients', '100'));
const ROUNDS = Number(argValue('--rounds', '5'));
const ROUTE = argValue('--route', 'device');
/** A V8 CPU profile of the fleet manager, written to DIR when it stops. */
const PROFILE_DIR = argValue('--fleet-cpu-prof', undefined);
/** Both by default; one alone to try a setup. */
const SUBJECTS = argValue('--subjects', 'fleet,nginx').split(',');
const VERSION = '99.0.0';
const ROUND_TIMEOUT_MS = 5 * 60_000;
const NOBODY = 65534;

if (!Number.isInteger(SIZE_MB) || SIZE_MB < 1 || SIZE_MB > 2048) throw new Error('--size-mb: 1 to 2048');
if (!Number.isInteger(CLIENTS) || CLIENTS < 1 || CLIENTS > 1000) throw new Error('--clients: 1 to 1000');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 10) throw new Error('--rounds: 1 to 10');
if (!['device', 'operator'].includes(ROUTE)) throw new Error('--route: device or operator');

/** Random bytes (nothing compresses or dedupes them), written in 1 MB chunks, with their sha256. */
async function writeArtifact(dir) {
  const path = join(dir, `gatecast-agent-${VERSION}.tgz`);
  const file = await open(path, 'w');
  const hash = createHash('sha256');
  for (let i = 0; i < SIZE_MB; i++) {
    const chunk = randomBytes(MB);
    hash.update(chunk);
    await file.write(chunk);
  }
  await file.close();
  return { path, name: `gatecast-agent-${VERSION}.tgz`, size: SIZE_MB * MB, sha256: hash.digest('hex') };
}

// ---------- nginx ----------

async function startNginx(artifact, dir) {
  const version = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  if (version.error) throw new Error(`${NGINX} is missing: apt-get install -y nginx`);
  const prefix = join(dir, 'nginx');
  mkdirSync(prefix);
  const port = await freePort();
  writeFileSync(join(prefix, 'nginx.conf'), nginxConfig({ prefix, rootDir: dir, port }));
  // As root, nginx would switch its workers to a user; run the whole server as nobody instead.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o755);
    chmodSync(artifact.path, 0o644);
    chownSync(prefix, NOBODY, NOBODY);
  }
  const child = spawnChild(
    NGINX,
    ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log'), '-g', 'daemon off;'],
    asRoot ? { uid: NOBODY, gid: NOBODY } : {},
  );
  const url = `http://127.0.0.1:${port}/${artifact.name}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const status = await fetch(url, { method: 'HEAD' }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200)
      return { name: 'nginx', pid: child.pid, url, headers: {}, version: version.stderr.trim() };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`nginx did not serve ${url}: ${child.stderrTail()}`);
}

// ---------- the fleet ----------

/** A signing key the fleet trusts (GATECAST_RELEASE_KEYS) and the signed manifest of the artifact. */
function releaseKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return { keyId, publicKey: raw.toString('base64'), privateKey };
}

async function signedManifest(key, artifact) {
  const { canonicalManifestBytes } = await importBuilt('protocol/dist/release.js');
  const createdAt = new Date();
  const manifest = {
    format: 1,
    version: VERSION,
    artifact: artifact.name,
    sha256: artifact.sha256,
    size: artifact.size,
    minPreviousVersion: null,
    rollback: false,
    createdAt: createdAt.toISOString(),
    expiresAt: new Date(createdAt.getTime() + 365 * 86_400_000).toISOString(),
    notes: 'B11 benchmark artifact (random bytes)',
  };
  const signature = sign(null, canonicalManifestBytes(manifest), key.privateKey).toString('base64');
  return { manifest, signature: { keyId: key.keyId, signature } };
}

async function startFleetSubject(artifact) {
  const key = releaseKey();
  const fleet = await startFleet({
    name: 'artifact-fleet',
    profileDir: PROFILE_DIR,
    env: { GATECAST_RELEASE_KEYS: `${key.keyId}:${key.publicKey}` },
  });
  const admin = apiOf(fleet.url, { authorization: `Bearer ${fleet.token}` });
  await admin('POST', '/api/v1/releases', await signedManifest(key, artifact), [201]);
  const upload = await fetch(`${fleet.url}/api/v1/releases/${VERSION}/artifact`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${fleet.token}`,
      'content-type': 'application/octet-stream',
      'content-length': String(artifact.size),
    },
    body: createReadStream(artifact.path),
    duplex: 'half',
  });
  if (upload.status >= 300) throw new Error(`artifact upload: ${upload.status} ${await upload.text()}`);
  let path = `/api/v1/releases/${VERSION}/artifact`;
  let headers = { authorization: `Bearer ${fleet.token}` };
  if (ROUTE === 'device') {
    // A screen's own credentials, as an agent downloading its update presents them.
    const [screen] = (
      await enrolScreens({
        fleetUrl: fleet.url,
        token: fleet.token,
        count: 1,
        gate: 'bench',
        zones: 1,
        stateFile: join(fleet.dir, 'screens.json'),
      })
    ).screens;
    path = `/api/v1/device/releases/${VERSION}/artifact`;
    headers = { authorization: `Basic ${Buffer.from(`${screen.id}:${screen.secret}`).toString('base64')}` };
  }
  return { name: 'fleet', pid: fleet.child.pid, url: `${fleet.url}${path}`, headers };
}

// ---------- the downloaders ----------

/** One download to nowhere: bytes counted (and hashed when asked), keep-alive off. */
function download(url, headers, hash) {
  const started = performance.now();
  return new Promise((resolveDownload) => {
    let bytes = 0;
    const digest = hash ? createHash('sha256') : null;
    const done = (ok) =>
      resolveDownload({ bytes, ms: performance.now() - started, ok, sha256: digest?.digest('hex') });
    const req = request(url, { headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return res.on('end', () => done(false));
      }
      res.on('data', (chunk) => {
        bytes += chunk.length;
        digest?.update(chunk);
      });
      res.on('end', () => done(true));
      res.on('error', () => done(false));
    });
    req.setTimeout(ROUND_TIMEOUT_MS, () => req.destroy());
    req.on('error', () => done(false));
    req.end();
  });
}

/** Every client at once; the server's CPU (its whole process tree) and peak RSS over the round. */
async function round(subject, artifact) {
  const before = sample(subject.pid, { tree: true });
  let peakRssKb = before.rssKb;
  const watch = setInterval(() => {
    peakRssKb = Math.max(peakRssKb, sample(subject.pid, { tree: true }).rssKb);
  }, 200);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const downloads = await Promise.all(
    Array.from({ length: CLIENTS }, (_, index) => download(subject.url, subject.headers, index === 0)),
  );
  const wallMs = performance.now() - started;
  clearInterval(watch);
  const after = sample(subject.pid, { tree: true });
  const client = process.cpuUsage(clientBefore);
  if (downloads[0].ok && downloads[0].sha256 !== artifact.sha256)
    throw new Error(`${subject.name} served other bytes than the artifact`);
  return {
    ...summariseRound({ downloads, wallMs, expectedBytes: artifact.size }),
    cpuPercent: ((after.ticks - before.ticks) / 100 / (wallMs / 1000)) * 100,
    rssMb: peakRssKb / 1024,
    // The downloaders share the machine: when they use a whole core, they are the bottleneck.
    clientCpuPercent: ((client.user + client.system) / 1000 / wallMs) * 100,
  };
}

// ---------- main ----------

async function main() {
  printMachine();
  console.log(`B11: ${CLIENTS} concurrent downloads of one ${SIZE_MB} MB artifact, ${ROUNDS} rounds`);
  const dir = await tempDir('artifact');
  const artifact = await writeArtifact(dir);
  const nginx = SUBJECTS.includes('nginx') ? await startNginx(artifact, dir) : null;
  const fleet = SUBJECTS.includes('fleet') ? await startFleetSubject(artifact) : null;
  const idleMb = (subject) => fixed(sample(subject.pid, { tree: true }).rssKb / 1024, 0);
  if (nginx) console.log(`${nginx.version}; RSS at rest ${idleMb(nginx)} MB`);
  if (fleet)
    console.log(
      `fleet route: ${new URL(fleet.url).pathname} (${ROUTE} credentials); RSS at rest ${idleMb(fleet)} MB`,
    );
  const results = { fleet: [], nginx: [] };
  for (let index = 0; index < ROUNDS; index++) {
    // Interleaved, and the first subject alternates, so neither always runs on a warmer machine.
    const order = (index % 2 === 0 ? [fleet, nginx] : [nginx, fleet]).filter(Boolean);
    for (const subject of order) {
      const result = await round(subject, artifact);
      results[subject.name].push(result);
      console.log(
        `round ${index + 1} ${subject.name.padEnd(5)}: ${fixed(result.mbPerSec, 0)} MB/s, ` +
          `p50 ${fixed(result.p50Ms / 1000, 2)} s, p99 ${fixed(result.p99Ms / 1000, 2)} s, ` +
          `CPU ${fixed(result.cpuPercent, 0)} %, RSS ${fixed(result.rssMb, 0)} MB, ` +
          `downloaders' CPU ${fixed(result.clientCpuPercent, 0)} %, failed ${result.failed}, ` +
          `load ${fixed(loadavg()[0], 2)}`,
      );
    }
  }
  const summary = (name) => {
    const list = results[name];
    return {
      mbPerSec: median(list.map((r) => r.mbPerSec)),
      p50Ms: median(list.map((r) => r.p50Ms)),
      p99Ms: median(list.map((r) => r.p99Ms)),
      cpuPercent: median(list.map((r) => r.cpuPercent)),
      rssMb: Math.max(...list.map((r) => r.rssMb)),
      clientCpuPercent: median(list.map((r) => r.clientCpuPercent)),
      failed: list.reduce((sum, r) => sum + r.failed, 0),
    };
  };
  console.log(
    '\n| subject | MB/s (median) | p50 s | p99 s | server CPU % (of one core) | peak RSS MB | downloaders CPU % | failed |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|');
  for (const [name, label] of [
    ['fleet', 'gatecast fleet'],
    ['nginx', 'nginx'],
  ]) {
    if (results[name].length === 0) continue;
    const s = summary(name);
    console.log(
      `| ${label} | ${fixed(s.mbPerSec, 0)} | ${fixed(s.p50Ms / 1000, 2)} | ${fixed(s.p99Ms / 1000, 2)} | ` +
        `${fixed(s.cpuPercent, 0)} | ${fixed(s.rssMb, 0)} | ${fixed(s.clientCpuPercent, 0)} | ${s.failed} |`,
    );
  }
  if (!fleet || !nginx) return;
  const fleetSummary = summary('fleet');
  const nginxSummary = summary('nginx');
  // Each round's pair ran back to back under the same load: their ratios cancel most of the noise.
  const paired = results.fleet.map((r, i) => ratioOf(r.mbPerSec, results.nginx[i]?.mbPerSec ?? NaN));
  console.log(
    `\nper-round fleet ÷ nginx: ${paired.map((r) => fixed(r, 2)).join(', ')}; median ${fixed(median(paired), 2)}`,
  );
  const ratio = ratioOf(fleetSummary.mbPerSec, nginxSummary.mbPerSec);
  console.log(
    `fleet ÷ nginx, medians: ${fixed(ratio, 2)} (goal ≥ 0.70) ${ratio >= 0.7 ? 'PASS' : 'BELOW GOAL'}`,
  );
}

await runBounded(main, 30 * 60_000);
