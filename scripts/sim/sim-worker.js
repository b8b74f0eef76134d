// One simulator worker process: up to 10k simulated screens, each its own MQTT.js connection
// speaking protocol v1 like the real agent (status with a retained will, reported state,
// jittered telemetry as heartbeat, ping answers, announcement receipts, reconnects with the
// agent's jittered exponential backoff). Started by
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
import { afterConnection, agentPolicy, initialBackoff, nextBackoff } from './backoff.js';
import { assertLoopbackUrl } from './loopback.js';

const MAX_SCREENS_PER_WORKER = 10_000;
/** CONNECTs in flight at once: a thousand at the same instant is a storm no real fleet sees. */
const CONNECTS_IN_FLIGHT = 100;
/** An announcement that starts later than this is left to the next desired document. */
const MAX_WAIT_FOR_START_MS = 10 * 60_000;

const screens = new Map();
let options = null;
let stopping = false;
let policy = null;
const counters = {
  connected: 0,
  desired: 0,
  receipts: 0,
  telemetry: 0,
  commands: 0,
  errors: 0,
  reconnects: 0,
};
/** Messages sent per protocol kind (status, reported, telemetry, events, cmd/res). */
const sent = {};

function send(message) {
  if (process.connected) process.send(message);
}

process.on('message', (message) => {
  if (message?.type === 'start') void start(message).catch((error) => fail(error));
  if (message?.type === 'stop') void stop(0);
  if (message?.type === 'stats') send({ type: 'stats', ...counters, screens: screens.size, sent });
  if (message?.type === 'sync') send({ type: 'sync', ...syncTimes(message.since) });
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
  policy = agentPolicy(options.keepaliveSec);
  // Bounded in time whatever the parent does.
  setTimeout(() => void stop(0), options.deadlineMs).unref();
  const queue = [...options.screens];
  let inFlight = 0;
  const progress = setInterval(
    () => send({ type: 'progress', tried: screens.size - inFlight, connected: counters.connected }),
    1_000,
  );
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
  clearInterval(progress);
  send({ type: 'ready', connected: counters.connected });
}

/**
 * When each screen got back in sync at or after `since` (connected, subscribed again and sent its
 * retained desired document), and how many are not in sync now.
 */
function syncTimes(since) {
  const times = [];
  let notSynced = 0;
  for (const screen of screens.values()) {
    if (screen.up && screen.syncedAt !== null && screen.syncedAt >= since) times.push(screen.syncedAt);
    else notSynced += 1;
  }
  return { times, notSynced, reconnects: counters.reconnects };
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
    connectedAt: null,
    syncedAt: null,
    backoff: initialBackoff(policy),
    reconnectTimer: null,
  };
  screens.set(id, screen);
  const client = mqtt.connect(options.mqttUrl, {
    protocolVersion: 4,
    clientId: id,
    username: id,
    password: secret,
    clean: true,
    keepalive: options.keepaliveSec,
    // Reconnects are driven below with the agent's backoff, as the agent does.
    reconnectPeriod: 0,
    connectTimeout: 30_000,
    queueQoSZero: false,
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
  const tried = () => {
    if (!first) return;
    first = false;
    firstConnect();
  };
  client.on('connect', () => {
    screen.up = true;
    screen.connectedAt = performance.now();
    screen.syncedAt = null;
    counters.connected += 1;
    client.subscribe([topic(id, 'desired'), topic(id, 'cmd/req')], { qos: 1 });
    publish(screen, 'status', statusMessage('online', new Date()), { qos: 1, retain: true });
    publish(screen, 'reported', reportedMessage(screen.applied, new Date()), { qos: 1, retain: true });
    scheduleTelemetry(screen, true);
    tried();
  });
  client.on('close', () => {
    if (screen.up) counters.connected -= 1;
    screen.up = false;
    const upForMs = screen.connectedAt === null ? 0 : performance.now() - screen.connectedAt;
    screen.connectedAt = null;
    screen.backoff = afterConnection(policy, screen.backoff, upForMs);
    tried();
    scheduleReconnect(screen);
  });
  client.on('error', () => {
    counters.errors += 1;
    tried();
  });
  client.on('message', (topicName, payload) => onMessage(screen, topicName, payload));
}

function scheduleReconnect(screen) {
  if (stopping || screen.reconnectTimer) return;
  const { delayMs, state } = nextBackoff(policy, screen.backoff, Math.random);
  screen.backoff = state;
  screen.reconnectTimer = setTimeout(() => {
    screen.reconnectTimer = null;
    if (stopping || screen.client.connected) return;
    counters.reconnects += 1;
    screen.client.reconnect();
  }, delayMs);
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
  // Back in sync: connected, subscribed again, and the retained document arrived.
  if (screen.up && screen.syncedAt === null) screen.syncedAt = Date.now();
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
  sent[kind] = (sent[kind] ?? 0) + 1;
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
    clearTimeout(screen.reconnectTimer);
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
