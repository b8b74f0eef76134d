// `npm run sim -- --screens 1000 [--minutes M] [--workers W] --fleet http://127.0.0.1:PORT --token T`
// Enrols (or reuses) that many simulated screens at a gate of their own, connects them from
// worker processes, keeps them talking protocol v1 for M minutes, then says goodbye and exits.
// Loopback only; bounded in screens and time; Ctrl-C stops cleanly.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { enrolScreens } from './enrol.js';
import { assertLoopbackUrl } from './loopback.js';
import { MAX_SCREENS, Simulator } from './simulator.js';

const MAX_MINUTES = 120;
const USAGE = `usage: npm run sim -- --screens N --fleet http://127.0.0.1:PORT --token T
  [--minutes M (default 10, at most ${MAX_MINUTES})] [--workers W] [--gate sim] [--zones 4]
  [--heartbeat-sec 30] [--keepalive-sec 30] [--state FILE]
  [--mqtt mqtt://127.0.0.1:PORT (default: the URL the fleet hands to agents)]`;

function options() {
  const { values } = parseArgs({
    options: {
      screens: { type: 'string' },
      minutes: { type: 'string', default: '10' },
      workers: { type: 'string' },
      fleet: { type: 'string' },
      token: { type: 'string', default: process.env.GATECAST_TOKEN },
      gate: { type: 'string', default: 'sim' },
      zones: { type: 'string', default: '4' },
      'heartbeat-sec': { type: 'string', default: '30' },
      'keepalive-sec': { type: 'string', default: '30' },
      state: { type: 'string' },
      mqtt: { type: 'string' },
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
  if (!values.fleet || !values.token || values.screens === undefined)
    throw new Error(`missing options\n${USAGE}`);
  assertLoopbackUrl(values.fleet);
  if (values.mqtt !== undefined) assertLoopbackUrl(values.mqtt);
  const fleet = values.fleet.replace(/\/+$/, '');
  const port = new URL(fleet).port || '80';
  return {
    fleet,
    token: values.token,
    screens: number('screens', 1, MAX_SCREENS),
    minutes: number('minutes', 1, MAX_MINUTES),
    workers: values.workers === undefined ? undefined : number('workers', 1, 64),
    gate: values.gate,
    zones: number('zones', 1, 50),
    heartbeatSec: number('heartbeat-sec', 5, 3600),
    keepaliveSec: number('keepalive-sec', 5, 600),
    state: values.state ?? join(tmpdir(), 'gatecast-sim', `${port}-${values.gate}.json`),
    mqtt: values.mqtt,
  };
}

async function main() {
  const opts = options();
  const log = (line) => process.stderr.write(`sim: ${line}\n`);
  const deadlineMs = opts.minutes * 60_000;
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
  // The fleet may hand agents a public name; the simulator only ever dials this machine.
  const mqttUrl = opts.mqtt ?? enrolled.mqttUrl;
  log(`${screens.length} screens (${reused} reused, secrets in ${opts.state}); connecting to ${mqttUrl}`);
  const simulator = new Simulator({
    mqttUrl,
    screens,
    workers: opts.workers,
    heartbeatSec: opts.heartbeatSec,
    keepaliveSec: opts.keepaliveSec,
    // The workers stop themselves a little after the parent would, should it die.
    deadlineMs: deadlineMs + 30_000,
  });
  simulator.on('worker-error', (message) => log(`worker error: ${message}`));
  let stopping = null;
  const stop = (why) => {
    stopping ??= (async () => {
      log(`${why}: saying goodbye on every link…`);
      const stats = await simulator.stats().catch(() => ({}));
      await simulator.stop();
      log(`stopped: ${JSON.stringify(stats)}`);
    })();
    return stopping;
  };
  process.once('SIGINT', () => void stop('Ctrl-C').finally(() => process.exit(130)));
  process.once('SIGTERM', () => void stop('SIGTERM').finally(() => process.exit(143)));
  const connected = await simulator.start();
  log(
    `${connected} of ${screens.length} connected over ${simulator.workerCount} worker(s); running ${opts.minutes} min`,
  );
  const statusTimer = setInterval(async () => {
    const stats = await simulator.stats().catch(() => null);
    if (stats)
      log(
        `connected ${stats.connected}, desired ${stats.desired}, receipts ${stats.receipts}, telemetry ${stats.telemetry}, commands ${stats.commands}, errors ${stats.errors}`,
      );
  }, 30_000);
  await new Promise((resolveRun) => setTimeout(resolveRun, deadlineMs));
  clearInterval(statusTimer);
  await stop('time is up');
}

main().catch((error) => {
  console.error(`sim: ${error.message}`);
  process.exit(1);
});
