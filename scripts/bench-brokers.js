// The three subjects of the MQTT benchmarks (B4 bench-offline.js, B5 bench-announce.js): a real
// `gatecast serve` child process, and the transport floor — a bare Aedes (the same aedes version,
// net.createServer(aedes.handle), no hooks) and Debian's mosquitto when installed. Loopback only;
// every child is stopped and every temp dir removed at `cleanup()` (bench-support.js).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { onCleanup, root, spawnChild, tempDir } from './bench-support.js';

export const MOSQUITTO = '/usr/sbin/mosquitto';

/**
 * A fleet manager on a temp data dir and ephemeral loopback ports, with its first admin token.
 * `profileDir`: a V8 CPU profile of the fleet manager, written there when it stops. `from`: start
 * on a copy of another fleet's database file ({ database, token }: B6's idle twin), whose admin
 * token then works here too.
 */
export async function startFleet({ name, profileDir, env = {}, from }) {
  const dir = await tempDir(name);
  const dataDir = join(dir, 'data');
  if (from) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    await from.database.backup(join(dataDir, 'gatecast.db'));
  }
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawnChild(process.execPath, [...profile, join(root, 'fleet/dist/cli/main.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      GATECAST_DATA_DIR: dataDir,
      GATECAST_DEMO_CONTENT: '0',
      PORT: '0',
      HOST: '127.0.0.1',
      MQTT_PORT: '0',
      MQTT_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const deadline = Date.now() + 30_000;
  let banner = null;
  while (!banner) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`the fleet did not start: ${stderr}`);
    banner = /running: http:\/\/[^:]+:(\d+) mqtt :(\d+)/.exec(stderr);
    if (!banner) await sleep(100);
  }
  const token = from?.token ?? /shown only this once:\s+(\S+)/.exec(stderr)?.[1];
  if (!token) throw new Error('no admin token in the fleet banner');
  return { child, dir, dataDir, url: `http://127.0.0.1:${banner[1]}`, token };
}

/** A JSON client for the fleet's HTTP API with the given auth headers; throws on an unexpected status. */
export function apiOf(url, auth) {
  return async (method, path, body, expected = [200, 201, 204]) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!expected.includes(response.status)) {
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
}

export async function freePort() {
  const server = createServer();
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address();
  await new Promise((resolveClose) => server.close(resolveClose));
  return port;
}

export async function startBareAedes() {
  const child = spawn(process.execPath, [join(root, 'scripts/sim/bare-aedes.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  onCleanup(async () => {
    child.stdin.end();
    child.kill('SIGTERM');
  });
  const port = await new Promise((resolvePort, reject) => {
    child.stdout.on('data', (chunk) => {
      const match = /port (\d+)/.exec(String(chunk));
      if (match) resolvePort(Number(match[1]));
    });
    child.once('exit', () => reject(new Error('bare aedes exited')));
  });
  return { pid: child.pid, url: `mqtt://127.0.0.1:${port}` };
}

/** Debian's mosquitto, persistence off, on a free loopback port; null when it is not installed. */
export async function startMosquitto(dir) {
  const found = spawnSync(MOSQUITTO, ['-h'], { encoding: 'utf8' });
  if (found.error) return null;
  const version = /mosquitto version (\S+)/.exec(found.stdout)?.[1] ?? 'unknown';
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeMosquittoConf(conf, port);
  const child = spawnChild(MOSQUITTO, ['-c', conf]);
  for (let attempt = 0; attempt < 50; attempt++) {
    const ok = await new Promise((resolveTry) => {
      const probe = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 1_000 });
      probe.once('connect', () => probe.end(true, () => resolveTry(true)));
      probe.once('error', () => probe.end(true, () => resolveTry(false)));
    });
    if (ok) return { pid: child.pid, url: `mqtt://127.0.0.1:${port}`, version };
    await sleep(100);
  }
  throw new Error(`mosquitto did not start: ${child.stderrTail()}`);
}

export function packageVersion(name) {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** The benchmarks' mosquitto: loopback `port`, anonymous, persistence off, deep queues. */
export function writeMosquittoConf(file, port) {
  const lines = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    'log_type none',
    'max_queued_messages 100000',
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
}
