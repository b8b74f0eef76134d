// The three subjects of B2 (bench-steady.js) and B3 (bench-storm.js), each startable again on the
// same port (and, for the fleet manager, the same data dir), so a subject can be restarted under
// its connected screens: a real `gatecast serve`, a bare Aedes (scripts/sim/bare-aedes.js) and
// Debian's mosquitto. Loopback only; every child is stopped at cleanup() (bench-support.js).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { writeMosquittoConf } from './bench-brokers.js';
import { onCleanup, root, spawnChild, stopChild } from './bench-support.js';

const START_MS = 60_000;

/**
 * `gatecast serve` on `dataDir` and the given ports (0: ephemeral, the first time). The admin
 * token is printed only on the first start of a data dir; later starts return token undefined.
 */
export async function launchFleet({ dataDir, httpPort = 0, mqttPort = 0, profileDir }) {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawnChild(process.execPath, [...profile, join(root, 'fleet/dist/cli/main.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      GATECAST_DATA_DIR: dataDir,
      GATECAST_DEMO_CONTENT: '0',
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      MQTT_PORT: String(mqttPort),
      MQTT_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const deadline = Date.now() + START_MS;
  let banner = null;
  while (!banner) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`the fleet did not start: ${stderr.slice(-2000)}`);
    banner = /running: http:\/\/[^:]+:(\d+) mqtt :(\d+)/.exec(stderr);
    if (!banner) await sleep(50);
  }
  return {
    child,
    pid: child.pid,
    httpPort: Number(banner[1]),
    mqttPort: Number(banner[2]),
    url: `http://127.0.0.1:${banner[1]}`,
    mqttUrl: `mqtt://127.0.0.1:${banner[2]}`,
    token: /shown only this once:\s+(\S+)/.exec(stderr)?.[1],
    stop: () => stopChild(child, 20_000),
    kill: async () => {
      child.kill('SIGKILL');
      await child.exited;
    },
  };
}

/**
 * The fleet's own event-loop delay p99 in ms (`nodejs_eventloop_delay_p99_seconds` on /metrics),
 * measured since the fleet started: the fleet exposes no windowed figure.
 */
export async function fleetLoopDelayP99Ms(url, token) {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  const match = /^nodejs_eventloop_delay_p99_seconds\s+(\S+)/m.exec(text);
  return match ? Number(match[1]) * 1000 : NaN;
}

/**
 * scripts/sim/bare-aedes.js on `port` (0: ephemeral), with the fleet's retained-message index (see
 * there). `loopP99Ms()` reads and resets its event-loop delay monitor.
 */
export async function launchBareAedes(port = 0) {
  const script = join(root, 'scripts/sim/bare-aedes.js');
  const child = spawn(process.execPath, [script, String(port), '--index-retained'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  onCleanup(() => stopChild(child));
  const answers = [];
  let buffer = '';
  let portSeen;
  const listening = new Promise((resolvePort, reject) => {
    portSeen = resolvePort;
    child.once('exit', () => reject(new Error('bare aedes exited')));
  });
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const portMatch = /^port (\d+)/.exec(line);
      if (portMatch) portSeen(Number(portMatch[1]));
      const loopMatch = /^loop-p99-ms (\S+)/.exec(line);
      if (loopMatch) answers.shift()?.(Number(loopMatch[1]));
    }
  });
  const actual = await listening;
  return {
    child,
    pid: child.pid,
    port: actual,
    mqttUrl: `mqtt://127.0.0.1:${actual}`,
    loopP99Ms: () =>
      new Promise((resolveLoop) => {
        answers.push(resolveLoop);
        child.stdin.write('loop\n');
      }),
    stop: () => stopChild(child),
    kill: async () => {
      child.kill('SIGKILL');
      await child.exited;
    },
  };
}

/** Debian's mosquitto on `port`, persistence off, config in `dir`. */
export async function launchMosquitto(dir, port) {
  const conf = join(dir, `mosquitto-${port}.conf`);
  writeMosquittoConf(conf, port);
  const child = spawnChild('/usr/sbin/mosquitto', ['-c', conf]);
  const mqttUrl = `mqtt://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await new Promise((resolveTry) => {
      const probe = mqtt.connect(mqttUrl, { reconnectPeriod: 0, connectTimeout: 1_000 });
      probe.once('connect', () => probe.end(true, () => resolveTry(true)));
      probe.once('error', () => probe.end(true, () => resolveTry(false)));
    });
    if (ok)
      return {
        child,
        pid: child.pid,
        port,
        mqttUrl,
        stop: () => stopChild(child),
        kill: async () => {
          child.kill('SIGKILL');
          await child.exited;
        },
      };
    await sleep(100);
  }
  throw new Error(`mosquitto did not start: ${child.stderrTail()}`);
}

export function mosquittoVersion() {
  const found = spawnSync('/usr/sbin/mosquitto', ['-h'], { encoding: 'utf8' });
  return found.error
    ? 'mosquitto not installed'
    : `mosquitto ${/mosquitto version (\S+)/.exec(found.stdout)?.[1]}`;
}
