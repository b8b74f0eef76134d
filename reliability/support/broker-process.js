// The fleet's broker (fleet/dist: Aedes behind the frame guard, authentication and ACL) in a
// process of its own, driven over IPC by reliability/support/broker-robustness.ts. A process of
// its own so that its RSS and event-loop delay are the broker's alone, and a crash is an exit code
// rather than a torn test run. Nothing here catches an uncaught error: a crash must show.
//
//   node --expose-gc broker-process.js '<json options>'
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { createBroker } from '../../fleet/dist/broker/broker.js';
import { FrameGuard } from '../../fleet/dist/broker/frame-guard.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const devices = new Set(options.devices ?? []);

/** Bytes each guard passed on to Aedes' parser, and the socket bytes it had read when it closed. */
const guardBytes = { passedMax: 0, readMax: 0, closed: 0 };
const originalPush = FrameGuard.prototype.push;
FrameGuard.prototype.push = function push(chunk, ...rest) {
  if (chunk) this.passedBytes = (this.passedBytes ?? 0) + chunk.length;
  return originalPush.call(this, chunk, ...rest);
};
const liveGuards = new Set();
const originalStart = FrameGuard.prototype.start;
FrameGuard.prototype.start = function start() {
  liveGuards.add(this);
  return originalStart.call(this);
};
const originalDestroy = FrameGuard.prototype._destroy;
FrameGuard.prototype._destroy = function destroy(error, callback) {
  guardBytes.passedMax = Math.max(guardBytes.passedMax, this.passedBytes ?? 0);
  guardBytes.readMax = Math.max(guardBytes.readMax, this.socket.bytesRead);
  guardBytes.closed += 1;
  liveGuards.delete(this);
  return originalDestroy.call(this, error, callback);
};

/** Log lines the tests read back: how many of each message, and each frame-guard reason. */
const logCounts = {};
const log = pino(
  { level: 'info' },
  {
    write(line) {
      const { msg, reason } = JSON.parse(line);
      // Sizes folded into one key, so fuzzing does not grow this table (and the RSS it measures).
      const key =
        msg === 'connection closed by frame guard'
          ? `guard: ${String(reason).replace(/declares \d+ bytes/, 'declares N bytes')}`
          : msg;
      logCounts[key] = (logCounts[key] ?? 0) + 1;
    },
  },
);

/** Accepted device→fleet messages, by device id. */
const accepted = {};
let port = 0;
let broker = null;

async function start() {
  broker = createBroker({
    log,
    limits: options.limits,
    tcp: { host: '127.0.0.1', port },
    authenticator: {
      authenticate: (id, secret) => devices.has(id) && secret.toString() === `secret-of-${id}`,
    },
    handlers: {
      onDeviceMessage: (message) => (accepted[message.deviceId] = (accepted[message.deviceId] ?? 0) + 1),
      onDeviceConnected: () => undefined,
      onDeviceDisconnected: () => undefined,
    },
  });
  ({ mqttPort: port } = await broker.start());
  return { port };
}

let rssPeak = 0;
let rssTimer = null;
let delay = null;
let cpuAtStart = null;

function rss() {
  globalThis.gc?.();
  return process.memoryUsage().rss;
}

/** After full GCs a moment apart, so V8 has released the pages it no longer uses. */
async function memory() {
  for (let round = 0; round < 3; round += 1) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage();
}

/** Publishes each message `repeat` times (in order); resolves with how long that took. */
async function publish({ messages, repeat = 1 }) {
  const started = performance.now();
  for (let round = 0; round < repeat; round += 1) {
    for (const { deviceId, kind, payload } of messages) await broker.publishToDevice(deviceId, kind, payload);
  }
  return { ms: performance.now() - started };
}

const operations = {
  start,
  stop: async () => (await broker.stop(), {}),
  restart: async () => (await broker.stop(), start()),
  addDevices: ({ ids }) => (ids.forEach((id) => devices.add(id)), {}),
  rss: async () => ({ memory: await memory() }),
  rssWatchStart: () => {
    rssPeak = rss();
    rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
    return { rss: rssPeak };
  },
  rssWatchStop: () => (clearInterval(rssTimer), { peak: rssPeak }),
  delayStart: () => {
    // 1 ms: a storm lasts a second or two, and at 10 ms its p99 would be one of ~100 samples.
    delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    cpuAtStart = process.cpuUsage();
    return {};
  },
  /** Event-loop delay since delayStart, and the CPU time the process used meanwhile. */
  delayStop: () => {
    delay.disable();
    const cpu = process.cpuUsage(cpuAtStart);
    return {
      p99Ms: delay.percentile(99) / 1e6,
      maxMs: delay.max / 1e6,
      samples: delay.count,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  },
  resetGuardBytes: () => (Object.assign(guardBytes, { passedMax: 0, readMax: 0, closed: 0 }), {}),
  /** Bytes waiting to be written to the slowest live connection (guard and socket buffers). */
  writeBacklog: () => ({
    bytes: Math.max(0, ...[...liveGuards].map((guard) => guard.writableLength + guard.socket.writableLength)),
    written: Math.max(0, ...[...liveGuards].map((guard) => guard.socket.bytesWritten)),
  }),
  isConnected: ({ deviceId }) => ({ connected: broker.isConnected(deviceId) }),
  stats: () => ({ stats: broker.stats(), accepted, logCounts, guardBytes }),
  publish,
};

/** An answer to a test that has already closed the channel (a flood still running at teardown) is dropped. */
function reply(message) {
  if (process.connected) process.send(message, () => undefined);
}

process.on('message', async ({ id, op, args }) => {
  try {
    reply({ id, ok: true, result: await operations[op](args ?? {}) });
  } catch (error) {
    reply({ id, ok: false, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
