// `npm run sim -- --screens 1000 [--minutes M] [--workers W] [--fleet http://127.0.0.1:PORT --token T]`
// Enrols (or reuses) that many simulated screens at a gate of their own, connects them from
// worker processes, keeps them talking protocol v1 for M minutes, then says goodbye, prints a
// summary and exits. Without --fleet it starts a private `gatecast serve` (temp data dir,
// ephemeral loopback ports) and stops it at the end. Loopback only; bounded in screens and time;
// Ctrl-C stops cleanly.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { enrolScreens } from './enrol.js';
import { assertLoopbackUrl } from './loopback.js';
import { summary } from './sim-summary.js';
import { MAX_SCREENS, Simulator } from './simulator.js';

const MAX_MINUTES = 120;
const CONNECT_BUDGET_MS = 10 * 60_000;
const FLEET_MAIN = join(import.meta.dirname, '../../fleet/dist/cli/main.js');
const USAGE = `usage: npm run sim -- --screens N [--fleet http://127.0.0.1:PORT --token T]
  (without --fleet: a private gatecast serve on a temp data dir, stopped at the end)
  [--minutes M (default 2, at most ${MAX_MINUTES})] [--workers W] [--gate sim] [--zones 4]
  [--heartbeat-sec 30] [--keepalive-sec 30] [--state FILE]
  [--mqtt mqtt://127.0.0.1:PORT (default: the URL the fleet hands to agents)]
  [--fleet-cpu-prof DIR (private fleet only: a V8 CPU profile of it, written at the end)]`;

function options() {
  const { values } = parseArgs({
    options: {
      screens: { type: 'string' },
      minutes: { type: 'string', default: '2' },
      workers: { type: 'string' },
      fleet: { type: 'string' },
      token: { type: 'string', default: process.env.GATECAST_TOKEN },
      gate: { type: 'string', default: 'sim' },
      zones: { type: 'string', default: '4' },
      'heartbeat-sec': { type: 'string', default: '30' },
      'keepalive-sec': { type: 'string', default: '30' },
      state: { type: 'string' },
      mqtt: { type: 'string' },
      'fleet-cpu-prof': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name, min, max) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
    }
    return value;
  };
  if (values.screens === undefined) throw new Error(`missing --screens\n${USAGE}`);
  if (values.fleet !== undefined && !values.token) throw new Error(`--fleet needs --token\n${USAGE}`);
  if (values.fleet !== undefined) assertLoopbackUrl(values.fleet);
  if (values.mqtt !== undefined) assertLoopbackUrl(values.mqtt);
  const fleet = values.fleet?.replace(/\/+$/, '');
  const port = fleet ? new URL(fleet).port || '80' : 'private';
  return {
    fleet,
    token: fleet ? values.token : undefined,
    screens: number('screens', 1, MAX_SCREENS),
    minutes: number('minutes', 1, MAX_MINUTES),
    workers: values.workers === undefined ? undefined : number('workers', 1, 64),
    gate: values.gate,
    zones: number('zones', 1, 50),
    heartbeatSec: number('heartbeat-sec', 5, 3600),
    keepaliveSec: number('keepalive-sec', 5, 600),
    state:
      values.state ?? (fleet ? join(tmpdir(), 'gatecast-sim', `${port}-${values.gate}.json`) : undefined),
    mqtt: values.mqtt,
    profileDir: values['fleet-cpu-prof'],
  };
}

/** A private `gatecast serve` for this run; its data dir goes with it (bench-support cleanup). */
async function privateFleet(log, profileDir) {
  if (!existsSync(FLEET_MAIN)) throw new Error('the fleet is not built: run "npm run build" first');
  const { startFleet } = await import('../bench-brokers.js');
  const fleet = await startFleet({ name: 'sim', profileDir });
  log(`private fleet ${fleet.url} (data in ${fleet.dataDir}, removed at the end)`);
  return fleet;
}

async function main(opts, log) {
  const deadlineMs = opts.minutes * 60_000;
  if (!opts.fleet) {
    const fleet = await privateFleet(log, opts.profileDir);
    opts.fleet = fleet.url;
    opts.token = fleet.token;
    opts.state = join(fleet.dir, 'sim-state.json');
  }
  const enrolStarted = performance.now();
  const enrolled = await enrolScreens({
    fleetUrl: opts.fleet,
    token: opts.token,
    count: opts.screens,
    gate: opts.gate,
    zones: opts.zones,
    stateFile: opts.state,
    progress: log,
  });
  const { screens, reused } = enrolled;
  const enrolSec = (performance.now() - enrolStarted) / 1000;
  // The fleet may hand agents a public name; the simulator only ever dials this machine.
  const mqttUrl = opts.mqtt ?? enrolled.mqttUrl;
  log(
    `${screens.length} screens ready in ${enrolSec.toFixed(1)} s (${reused} reused, secrets in ${opts.state}); connecting to ${mqttUrl}`,
  );
  const simulator = new Simulator({
    mqttUrl,
    screens,
    workers: opts.workers,
    heartbeatSec: opts.heartbeatSec,
    keepaliveSec: opts.keepaliveSec,
    // The workers stop themselves a little after the parent would, should it die (connecting
    // 10k screens on a busy machine may take minutes).
    deadlineMs: CONNECT_BUDGET_MS + deadlineMs + 30_000,
  });
  simulator.on('worker-error', (message) => log(`worker error: ${message}`));
  let lastProgress = 0;
  simulator.on('progress', ({ tried, connected, total }) => {
    if (Date.now() - lastProgress < 2_000) return;
    lastProgress = Date.now();
    log(`connecting ${tried}/${total} (${connected} connected)`);
  });
  let stopping = null;
  const stop = (why) => {
    stopping ??= (async () => {
      log(`${why}: saying goodbye on every link…`);
      const stats = await simulator.stats().catch(() => null);
      await simulator.stop();
      if (stats) console.log(summary(stats, screens.length, enrolSec));
    })();
    return stopping;
  };
  const stopAndExit = (why, code) =>
    void stop(why)
      .then(cleanupAll)
      .finally(() => process.exit(code));
  process.once('SIGINT', () => stopAndExit('Ctrl-C', 130));
  process.once('SIGTERM', () => stopAndExit('SIGTERM', 143));
  const connectStarted = performance.now();
  const connected = await simulator.start();
  log(
    `${connected} of ${screens.length} connected over ${simulator.workerCount} worker(s) in ${((performance.now() - connectStarted) / 1000).toFixed(1)} s; running ${opts.minutes} min`,
  );
  const statusTimer = setInterval(async () => {
    const stats = await simulator.stats().catch(() => null);
    if (stats)
      log(
        `connected ${stats.connected}, desired ${stats.desired}, receipts ${stats.receipts}, telemetry ${stats.telemetry}, commands ${stats.commands}, reconnects ${stats.reconnects}, errors ${stats.errors}`,
      );
  }, 30_000);
  await new Promise((resolveRun) => setTimeout(resolveRun, deadlineMs));
  clearInterval(statusTimer);
  await stop('time is up');
}

async function cleanupAll() {
  const { cleanup } = await import('../bench-support.js');
  await cleanup();
}

const log = (line) => process.stderr.write(`sim: ${line}\n`);
let opts;
try {
  opts = options();
} catch (error) {
  console.error(`sim: ${error.message}`);
  process.exit(1);
}
main(opts, log)
  .then(cleanupAll)
  .catch(async (error) => {
    console.error(`sim: ${error.message}`);
    await cleanupAll().catch(() => undefined);
    process.exit(1);
  });
