// The subjects of B4 (bench-offline.js), each with its own simulated screens: the fleet manager
// with a real HTTP receiver as its webhook alert channel, and the floors (bare Aedes, mosquitto)
// with a plain subscriber to the screens' status. A subject says when every screen is online again
// (`settled`) and when each was seen offline (`detections(since)`: measure → Map<deviceId, ms>).
import { createServer } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { onCleanup } from './bench-support.js';
import { apiOf, startFleet } from './bench-brokers.js';
import { LastPackets, transitionsOf } from './bench-latency.js';
import { enrolScreens } from './sim/enrol.js';
import { Simulator } from './sim/simulator.js';

/** Telemetry as the agent sends it by default; keepalive pings fill the gaps. */
const HEARTBEAT_SEC = 30;
const SETTLE_MS = 120_000;
const STATUS_TOPIC = 'gatecast/v1/devices/+/status';

// ---------- the simulated screens, one simulator per subject ----------

/** A simulator whose workers report every outgoing packet into `subject.packets`. */
function simulatorFor(subject) {
  const simulator = new Simulator({
    mqttUrl: subject.mqttUrl,
    screens: subject.screens,
    workers: subject.run.workers,
    heartbeatSec: HEARTBEAT_SEC,
    keepaliveSec: subject.run.keepaliveSec,
    reportPackets: true,
    deadlineMs: subject.run.limitMs,
  });
  simulator.on('packet', (message) => subject.packets.record(message.deviceId, message.at));
  simulator.on('worker-error', (message) => console.error(`${subject.name} simulator: ${message}`));
  onCleanup(async () => {
    // A frozen worker cannot hear "stop".
    for (const pid of simulator.pids) signal(pid, 'SIGCONT');
    await simulator.stop();
  });
  return simulator;
}

export function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

export async function connect(subject) {
  subject.simulator = simulatorFor(subject);
  const started = performance.now();
  const connected = await subject.simulator.start();
  return { connected, ms: performance.now() - started };
}

// ---------- the fleet manager (FM) ----------

/** A real HTTP receiver for the webhook alert channel: the arrival time of each `offline` transition. */
async function startReceiver() {
  const firings = new Map(); // deviceId → [{ at: arrival, recordedAt: the fleet's transition time }]
  const open = new Set(); // screens with an offline alert not yet resolved
  const seen = new Set(); // transition ids, to count repeats
  let repeats = 0;
  const server = createServer((request, response) => {
    const at = Date.now();
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      let body = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // Not JSON: not a transition.
      }
      // A burst may come as one request with many alerts: each is timed at this request's arrival.
      for (const transition of transitionsOf(body)) {
        if (transition.rule !== 'offline') continue;
        if (transition.id && seen.has(transition.id)) repeats += 1;
        if (transition.id) seen.add(transition.id);
        if (transition.kind === 'firing') {
          open.add(transition.deviceId);
          const entry = { at, recordedAt: transition.recordedAt };
          firings.set(transition.deviceId, [...(firings.get(transition.deviceId) ?? []), entry]);
        } else if (transition.kind === 'resolved') open.delete(transition.deviceId);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  onCleanup(() => {
    server.closeAllConnections();
    return new Promise((resolveClose) => server.close(resolveClose));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/gatecast-alerts`,
    open,
    repeats: () => repeats,
    /**
     * Each screen's first offline firing that arrived at or after `since`: when the engine recorded
     * it (the transition's own time) and when it arrived here.
     */
    firedSince(since) {
      const recorded = new Map();
      const arrived = new Map();
      for (const [deviceId, entries] of firings) {
        const first = entries.find((entry) => entry.at >= since);
        if (first === undefined) continue;
        arrived.set(deviceId, first.at);
        if (Number.isFinite(first.recordedAt)) recorded.set(deviceId, first.recordedAt);
      }
      return { recorded, arrived };
    },
  };
}

export async function fleetSubject(run) {
  const fleet = await startFleet({ name: 'offline', profileDir: run.profileDir });
  const admin = apiOf(fleet.url, { authorization: `Bearer ${fleet.token}` });
  const { screens, mqttUrl } = await enrolScreens({
    fleetUrl: fleet.url,
    token: fleet.token,
    count: run.screens,
    gate: run.gate,
    stateFile: join(fleet.dir, 'sim-state.json'),
    progress: (line) => process.stderr.write(`  ${line}\n`),
  });
  const db = new Database(join(fleet.dataDir, 'gatecast.db'), { readonly: true, fileMustExist: true });
  onCleanup(() => db.close());
  const presence = db.prepare(
    'SELECT id, presence_state AS state, presence_since AS since FROM devices WHERE gate_id = ?',
  );
  const receiver = await startReceiver();
  const subject = {
    name: 'FM',
    run,
    pid: fleet.child.pid,
    mqttUrl,
    screens,
    packets: new LastPackets(),
    settled() {
      const rows = presence.all(run.gate);
      return (
        rows.length >= run.screens && rows.every((row) => row.state === 'online') && receiver.open.size === 0
      );
    },
    detections(since) {
      const offline = new Map();
      for (const row of presence.all(run.gate)) {
        const at = row.since ? Date.parse(row.since) : NaN;
        if (row.state === 'offline' && at >= since) offline.set(row.id, at);
      }
      const found = new Map([['offline stored', offline]]);
      if (subject.alerting) {
        const { recorded, arrived } = receiver.firedSince(since);
        found.set('alert recorded', recorded);
        found.set('alert sent', arrived);
      }
      return found;
    },
    receiver,
  };
  subject.connect = await connect(subject);
  // Everyone online before the alert policy and channel exist, so enrolment raises no alert.
  await settle(subject);
  const policy = await admin(
    'PUT',
    `/api/v1/alert-policies/${run.gate}`,
    {
      // Fire on detection, resolve on return, never fold the rounds' outages into one flapping alert.
      rules: { offline: { delaySec: 0, clearSec: 0, flapChanges: 1000, escalateAfterMin: null } },
      quietHours: null,
    },
    [200, 404],
  );
  subject.alerting = policy.status === 200;
  if (!subject.alerting) {
    console.log('this fleet has no alert policies API: "alert sent" is not measured');
    return subject;
  }
  await admin('POST', '/api/v1/alert-channels', {
    kind: 'webhook',
    name: 'bench receiver',
    url: receiver.url,
    language: 'en',
    minSeverity: 'warning',
  });
  return subject;
}

// ---------- the transport floor: bare Aedes and mosquitto ----------

/** A plain subscriber times each screen's offline status: its will, or its own goodbye. */
export async function floorSubject(name, broker, screens, run) {
  const listener = mqtt.connect(broker.url, {
    clientId: `bench-listener-${name.replace(/\W/g, '')}`,
    reconnectPeriod: 0,
    clean: true,
  });
  await new Promise((resolveConnect, reject) => {
    listener.once('connect', resolveConnect);
    listener.once('error', reject);
  });
  onCleanup(() => listener.endAsync(true));
  const state = new Map();
  const offlines = new Map(); // deviceId → arrival times of offline statuses
  listener.on('message', (topicName, payload) => {
    const at = Date.now();
    const deviceId = topicName.split('/')[3];
    const status = JSON.parse(String(payload));
    state.set(deviceId, status.state);
    if (status.state === 'offline') offlines.set(deviceId, [...(offlines.get(deviceId) ?? []), at]);
  });
  await listener.subscribeAsync(STATUS_TOPIC, { qos: 1 });
  const subject = {
    name,
    run,
    pid: broker.pid,
    mqttUrl: broker.url,
    screens: screens.map((screen) => ({ id: screen.id, secret: 'floor' })),
    packets: new LastPackets(),
    settled: () => screens.every((screen) => state.get(screen.id) === 'online'),
    detections(since) {
      const offline = new Map();
      for (const [deviceId, times] of offlines) {
        const first = times.find((at) => at >= since);
        if (first !== undefined) offline.set(deviceId, first);
      }
      return new Map([['offline delivered', offline]]);
    },
  };
  subject.connect = await connect(subject);
  return subject;
}

export async function settle(subject) {
  const deadline = Date.now() + SETTLE_MS;
  while (!subject.settled()) {
    if (Date.now() > deadline) {
      console.error(`${subject.name}: not every screen back online (and resolved) in ${SETTLE_MS / 1000} s`);
      return;
    }
    await sleep(100);
  }
}

/** Ends every link of a subject one way, times each screen's detection, then brings them back. */
