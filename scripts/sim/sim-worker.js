// One simulator worker process: up to 10k simulated screens, each its own MQTT.js connection
// speaking protocol v1 like the real agent (status with a retained will, reported state,
// jittered telemetry as heartbeat, ping answers, announcement receipts). Started by
// simulator.js with fork(); it talks to its parent over IPC only and exits when told to stop,
// when the parent goes away, or at its own deadline.
import mqtt from 'mqtt';
import {
  announcementEntries,
  commandResult,
  receiptEvent,
  reportedMessage,
  statusMessage,
  telemetryMessage,
  topic,
} from './sim-messages.js';
import { assertLoopbackUrl } from './loopback.js';

const MAX_SCREENS_PER_WORKER = 10_000;
/** CONNECTs in flight at once: a thousand at the same instant is a storm no real fleet sees. */
const CONNECTS_IN_FLIGHT = 100;
/** An announcement that starts later than this is left to the next desired document. */
const MAX_WAIT_FOR_START_MS = 10 * 60_000;

const screens = new Map();
let options = null;
let stopping = false;
const counters = { connected: 0, desired: 0, receipts: 0, telemetry: 0, commands: 0, errors: 0 };

function send(message) {
  if (process.connected) process.send(message);
}

process.on('message', (message) => {
  if (message?.type === 'start') void start(message).catch((error) => fail(error));
  if (message?.type === 'stop') void stop(0);
  if (message?.type === 'stats') send({ type: 'stats', ...counters, screens: screens.size });
});
// The parent went away (crash, SIGKILL): never leave thousands of sockets behind.
process.on('disconnect', () => void stop(0));
process.on('SIGINT', () => undefined); // the parent handles Ctrl-C and tells us to stop
process.on('SIGTERM', () => void stop(0));

function fail(error) {
  send({ type: 'error', message: error.message });
  void stop(1);
}

async function start(message) {
  options = message;
  assertLoopbackUrl(options.mqttUrl);
  if (options.screens.length > MAX_SCREENS_PER_WORKER) {
    throw new Error(`a worker holds at most ${MAX_SCREENS_PER_WORKER} screens`);
  }
  // Bounded in time whatever the parent does.
  setTimeout(() => void stop(0), options.deadlineMs).unref();
  const queue = [...options.screens];
  let inFlight = 0;
  await new Promise((resolveAll) => {
    const next = () => {
      if (stopping) return resolveAll();
      while (inFlight < CONNECTS_IN_FLIGHT && queue.length > 0) {
        inFlight += 1;
        connectScreen(queue.shift(), () => {
          inFlight -= 1;
          if (queue.length === 0 && inFlight === 0) resolveAll();
          else next();
        });
      }
    };
    next();
  });
  send({ type: 'ready', connected: counters.connected });
}

function connectScreen({ id, secret }, firstConnect) {
  const screen = {
    id,
    applied: null,
    shown: new Set(),
    timers: new Set(),
    startedAt: Date.now(),
    client: null,
    up: false,
  };
  screens.set(id, screen);
  const client = mqtt.connect(options.mqttUrl, {
    protocolVersion: 4,
    clientId: id,
    username: id,
    password: secret,
    clean: true,
    keepalive: options.keepaliveSec,
    // Jittered, so a fleet restart is not answered by every screen at the same millisecond.
    reconnectPeriod: 1_000 + Math.floor(Math.random() * 4_000),
    connectTimeout: 30_000,
    resubscribe: false,
    will: {
      topic: topic(id, 'status'),
      payload: JSON.stringify(statusMessage('offline')),
      qos: 1,
      retain: true,
    },
  });
  screen.client = client;
  // Opt-in (B4, bench-offline.js): each outgoing packet's time, on this machine's clock, so the
  // parent knows a screen's last packet even after this process is frozen or killed.
  if (options.reportPackets)
    client.on('packetsend', (packet) =>
      send({ type: 'packet', deviceId: id, cmd: packet.cmd, at: Date.now() }),
    );
  let first = true;
  client.on('connect', () => {
    screen.up = true;
    counters.connected += 1;
    client.subscribe([topic(id, 'desired'), topic(id, 'cmd/req')], { qos: 1 });
    publish(screen, 'status', statusMessage('online', new Date()), { qos: 1, retain: true });
    publish(screen, 'reported', reportedMessage(screen.applied, new Date()), { qos: 1, retain: true });
    scheduleTelemetry(screen, true);
    if (first) {
      first = false;
      firstConnect();
    }
  });
  client.on('close', () => {
    if (screen.up) counters.connected -= 1;
    screen.up = false;
  });
  client.on('error', () => {
    counters.errors += 1;
    if (first) {
      first = false;
      firstConnect();
    }
  });
  client.on('message', (topicName, payload) => onMessage(screen, topicName, payload));
}

function onMessage(screen, topicName, payload) {
  let body;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    counters.errors += 1;
    return;
  }
  if (topicName.endsWith('/desired')) return onDesired(screen, body);
  if (topicName.endsWith('/cmd/req')) {
    counters.commands += 1;
    publish(screen, 'cmd/res', commandResult(body, new Date()), { qos: 1, retain: false });
  }
}

function onDesired(screen, desired) {
  counters.desired += 1;
  if (desired?.deviceId !== screen.id || !Number.isInteger(desired.version)) return;
  if (screen.applied !== null && desired.version <= screen.applied) return;
  screen.applied = desired.version;
  screen.desired = desired;
  const now = new Date();
  publish(screen, 'reported', reportedMessage(desired.version, now), { qos: 1, retain: true });
  showAnnouncements(screen, now);
}

/** Sends one receipt per announcement entry, when it is (or becomes) live, like the player does. */
function showAnnouncements(screen, now) {
  const { live, later } = announcementEntries(screen.desired, now);
  for (const entry of live) {
    if (screen.shown.has(entry.id)) continue;
    screen.shown.add(entry.id);
    const receipt = receiptEvent(entry, screen.desired, now);
    publish(screen, 'events', receipt, { qos: 1, retain: false }, () => {
      counters.receipts += 1;
      if (options.reportReceipts)
        send({ type: 'receipt', deviceId: screen.id, entryId: entry.id, at: Date.now() });
    });
  }
  for (const { entry, startsInMs } of later) {
    if (screen.shown.has(entry.id) || startsInMs > MAX_WAIT_FOR_START_MS) continue;
    const timer = setTimeout(() => {
      screen.timers.delete(timer);
      showAnnouncements(screen, new Date());
    }, startsInMs + 5);
    screen.timers.add(timer);
  }
}

function scheduleTelemetry(screen, firstAfterConnect) {
  if (screen.telemetryTimer) clearTimeout(screen.telemetryTimer);
  const period = options.heartbeatSec * 1000;
  // The first sample lands anywhere in the first period; later ones ±20 % around it.
  const delay = firstAfterConnect ? Math.random() * period : period * (0.8 + Math.random() * 0.4);
  screen.telemetryTimer = setTimeout(() => {
    if (stopping || !screen.client?.connected) return;
    const uptime = (Date.now() - screen.startedAt) / 1000;
    publish(screen, 'telemetry', telemetryMessage(new Date(), uptime), { qos: 0, retain: false });
    counters.telemetry += 1;
    scheduleTelemetry(screen, false);
  }, delay);
}

function publish(screen, kind, body, publishOptions, done) {
  screen.client?.publish(topic(screen.id, kind), JSON.stringify(body), publishOptions, (error) => {
    if (error) counters.errors += 1;
    else done?.();
  });
}

/** Says goodbye like the agent (retained offline, then DISCONNECT), bounded, then exits. */
async function stop(code) {
  if (stopping) return;
  stopping = true;
  const goodbyes = [...screens.values()].map((screen) => {
    clearTimeout(screen.telemetryTimer);
    for (const timer of screen.timers) clearTimeout(timer);
    const client = screen.client;
    if (!client) return Promise.resolve();
    if (!client.connected) return client.endAsync(true).catch(() => undefined);
    return client
      .publishAsync(topic(screen.id, 'status'), JSON.stringify(statusMessage('offline', new Date())), {
        qos: 1,
        retain: true,
      })
      .then(() => client.endAsync(false))
      .catch(() => client.endAsync(true).catch(() => undefined));
  });
  const bounded = new Promise((resolveAfter) => setTimeout(resolveAfter, 5_000).unref());
  await Promise.race([Promise.all(goodbyes), bounded]);
  // Exit once the last message is on its way, so nothing sent before it is lost.
  if (!process.connected) process.exit(code);
  process.send({ type: 'stopped', ...counters }, () => process.exit(code));
  setTimeout(() => process.exit(code), 2_000).unref();
}
