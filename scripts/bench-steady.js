// B2, fleet steady state (docs/benchmarks.md): simulated screens connected and talking protocol v1
// (telemetry as heartbeat every 30 s, keepalive 30 s), ramped 1k → 5k → 10k on a fresh broker each
// round, against the fleet manager (FM), a bare Aedes and Debian's mosquitto, interleaved. Per size
// and subject: RSS per screen, CPU % of one core over a steady window, event-loop delay p99, and
// for the FM the telemetry → stored p99 (the sample's `at` vs the fleet's `received_at`, read from
// its SQLite file opened read-only).
//
//   npm run bench:steady [-- --quick | --sizes 1000,5000,10000 --rounds 3 --window-sec S
//                          --subjects fm,aedes,mosquitto --fleet-cpu-prof DIR]
//
// Loopback only; every child is stopped and every temp dir removed, also on Ctrl-C; bounded by time.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { fixed, loadAverage, onCleanup, printMachine, runBounded, sample, tempDir } from './bench-support.js';
import { freePort, packageVersion } from './bench-brokers.js';
import { mosquittoVersion } from './bench-steady-subjects.js';
import {
  SUBJECTS,
  cpuPercent,
  kbPerScreen,
  medianOfRounds,
  p99,
  parseOptions,
  parseSizes,
  ratio,
  telemetryDelaysMs,
} from './bench-steady-stats.js';
import {
  fleetLoopDelayP99Ms,
  launchBareAedes,
  launchFleet,
  launchMosquitto,
} from './bench-steady-subjects.js';
import { enrolScreens } from './sim/enrol.js';
import { Simulator } from './sim/simulator.js';

const options = parseOptions(
  process.argv,
  { rounds: [3, 1, 10], 'window-sec': [0, 0, 600] },
  { subjects: ['fm,aedes,mosquitto', SUBJECTS] },
);
const QUICK = options.quick;
const SIZES = parseSizes(
  process.argv.includes('--sizes')
    ? process.argv[process.argv.indexOf('--sizes') + 1]
    : QUICK
      ? '200,1000'
      : '1000,5000,10000',
);
const ROUNDS = QUICK ? 1 : options.rounds;
const PROFILE_DIR = process.argv.includes('--fleet-cpu-prof')
  ? process.argv[process.argv.indexOf('--fleet-cpu-prof') + 1]
  : undefined;
const HEARTBEAT_SEC = 30;
const KEEPALIVE_SEC = 30;
/** After a batch connects: let the connect burst pass before the window opens. */
const SETTLE_MS = 5_000;
const LIMIT_MS = QUICK ? 5 * 60_000 : 45 * 60_000;
const GATE = 'steady';

/** Long enough for most screens to send one telemetry sample (every 30 s ± 20 %) at 10k. */
function windowSec(size) {
  if (options['window-sec'] > 0) return options['window-sec'];
  if (QUICK) return 15;
  return size >= 10_000 ? 30 : 15;
}

// ---------- subjects ----------

async function fmSubject(dir) {
  const dataDir = join(dir, 'fm-data');
  const first = await launchFleet({ dataDir });
  const started = performance.now();
  const { screens } = await enrolScreens({
    fleetUrl: first.url,
    token: first.token,
    count: SIZES.at(-1),
    gate: GATE,
    stateFile: join(dir, 'sim-state.json'),
    // One line in ten: enrolment reports every 100 screens.
    progress: (line) => /ready: \d+000\//.test(line) && process.stderr.write(`  ${line}\n`),
  });
  console.log(`FM: ${screens.length} screens enrolled in ${fixed((performance.now() - started) / 1000)} s`);
  await first.stop();
  const token = first.token;
  return {
    name: 'FM',
    screens,
    async start() {
      const fleet = await launchFleet({ dataDir, profileDir: PROFILE_DIR });
      const db = new Database(join(dataDir, 'gatecast.db'), { readonly: true, fileMustExist: true });
      const rows = db.prepare(
        `SELECT received_at AS receivedAt, json_extract(sample, '$.at') AS sentAt
         FROM telemetry WHERE received_at >= ? AND received_at < ?`,
      );
      return {
        pid: fleet.pid,
        mqttUrl: fleet.mqttUrl,
        resetLoop: async () => undefined,
        loopP99Ms: () => fleetLoopDelayP99Ms(fleet.url, token),
        telemetry: (fromIso, toIso) => telemetryDelaysMs(rows.all(fromIso, toIso)),
        stop: async () => {
          db.close();
          await fleet.stop();
        },
      };
    },
  };
}

function aedesSubject(screens) {
  return {
    name: 'bare Aedes',
    screens,
    async start() {
      const broker = await launchBareAedes(0);
      return { ...broker, resetLoop: () => broker.loopP99Ms(), telemetry: () => [] };
    },
  };
}

function mosquittoSubject(screens, dir) {
  return {
    name: 'mosquitto',
    screens,
    async start() {
      const broker = await launchMosquitto(dir, await freePort());
      return { ...broker, resetLoop: async () => undefined, loopP99Ms: async () => NaN, telemetry: () => [] };
    },
  };
}

// ---------- one round: a fresh broker, ramped through the sizes ----------

async function round(subject) {
  const broker = await subject.start();
  const simulators = [];
  const results = [];
  try {
    await sleep(3_000);
    const idleKb = sample(broker.pid).rssKb;
    let connected = 0;
    for (const size of SIZES) {
      const simulator = new Simulator({
        mqttUrl: broker.mqttUrl,
        screens: subject.screens.slice(connected, size),
        heartbeatSec: HEARTBEAT_SEC,
        keepaliveSec: KEEPALIVE_SEC,
        deadlineMs: LIMIT_MS,
      });
      simulators.push(simulator);
      onCleanup(() => simulator.stop());
      simulator.on('worker-error', (message) => console.error(`${subject.name} simulator: ${message}`));
      const connectStarted = performance.now();
      await simulator.start();
      const connectSec = (performance.now() - connectStarted) / 1000;
      connected = size;
      await sleep(SETTLE_MS);
      await broker.resetLoop();
      const seconds = windowSec(size);
      const fromIso = new Date().toISOString();
      const first = sample(broker.pid);
      const started = performance.now();
      await sleep(seconds * 1000);
      const last = sample(broker.pid);
      const elapsed = (performance.now() - started) / 1000;
      const toIso = new Date().toISOString();
      const loopMs = await broker.loopP99Ms();
      const delays = broker.telemetry(fromIso, toIso);
      let up = 0;
      for (const one of simulators) up += (await one.stats()).connected ?? 0;
      const result = {
        size,
        up,
        connectSec,
        kbPerScreen: kbPerScreen(last.rssKb, idleKb, size),
        rssMb: last.rssKb / 1024,
        idleMb: idleKb / 1024,
        cpu: cpuPercent(last.ticks - first.ticks, elapsed),
        loopMs,
        telemetryP99Ms: delays.length > 0 ? p99(delays) : NaN,
        telemetryStored: delays.length,
      };
      process.stderr.write(
        `  ${subject.name} ${size}: ${up} up (connect ${fixed(connectSec)} s), ${fixed(result.kbPerScreen)} KB/screen, ` +
          `CPU ${fixed(result.cpu)} %, loop p99 ${fixed(loopMs)} ms, telemetry p99 ${fixed(result.telemetryP99Ms)} ms (${delays.length})\n`,
      );
      results.push(result);
    }
  } finally {
    for (const simulator of simulators) await simulator.stop();
    await broker.stop();
  }
  return results;
}

// ---------- the run ----------

function table(perSubject) {
  const lines = [
    '| screens | subject | connected | RSS MB | KB/screen | CPU % of a core | loop p99 ms | telemetry→stored p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const size of SIZES) {
    for (const [name, rounds] of perSubject) {
      const m = medianOfRounds(rounds.map((one) => one.find((result) => result.size === size)));
      lines.push(
        `| ${size} | ${name} | ${fixed(m.up, 0)}/${size} | ${fixed(m.rssMb)} | ${fixed(m.kbPerScreen)} | ${fixed(m.cpu)} | ${fixed(m.loopMs)} | ${name === 'FM' ? fixed(m.telemetryP99Ms) : '—'} |`,
      );
    }
  }
  return lines.join('\n');
}

function ratios(perSubject) {
  const at = (name, size) =>
    medianOfRounds((perSubject.get(name) ?? []).map((one) => one.find((result) => result.size === size)));
  const lines = [];
  for (const size of SIZES) {
    const fm = at('FM', size);
    const aedes = at('bare Aedes', size);
    const mosquitto = at('mosquitto', size);
    lines.push(
      `${size} screens: KB/screen FM ÷ bare Aedes ${fixed(ratio(fm.kbPerScreen, aedes.kbPerScreen), 2)}, ` +
        `bare Aedes ÷ mosquitto ${fixed(ratio(aedes.kbPerScreen, mosquitto.kbPerScreen), 2)}; ` +
        `CPU FM ÷ bare Aedes ${fixed(ratio(fm.cpu, aedes.cpu), 2)}, bare Aedes ÷ mosquitto ${fixed(ratio(aedes.cpu, mosquitto.cpu), 2)}`,
    );
  }
  return lines.join('\n');
}

async function main() {
  printMachine(`, load average ${loadAverage()} at the start`);
  console.log(
    `versions: aedes ${packageVersion('aedes')}, mqtt.js ${packageVersion('mqtt')}, ` +
      `better-sqlite3 ${packageVersion('better-sqlite3')}, ${mosquittoVersion()}`,
  );
  console.log(
    `B2 steady state: sizes ${SIZES.join(', ')}, ${ROUNDS} round(s), windows ${SIZES.map(windowSec).join('/')} s, ` +
      `telemetry every ${HEARTBEAT_SEC} s, keepalive ${KEEPALIVE_SEC} s, subjects ${options.subjects.join(', ')}`,
  );
  const dir = await tempDir('steady');
  const subjects = [];
  let screens = null;
  if (options.subjects.includes('fm')) {
    const fm = await fmSubject(dir);
    screens = fm.screens;
    subjects.push(fm);
  }
  screens ??= Array.from({ length: SIZES.at(-1) }, (_, index) => ({
    id: `steady-s${index + 1}`,
    secret: 'x',
  }));
  if (options.subjects.includes('aedes')) subjects.push(aedesSubject(screens));
  if (options.subjects.includes('mosquitto')) subjects.push(mosquittoSubject(screens, dir));
  const perSubject = new Map(subjects.map((subject) => [subject.name, []]));
  for (let index = 0; index < ROUNDS; index++) {
    for (const subject of subjects) {
      process.stderr.write(`round ${index + 1}/${ROUNDS}: ${subject.name}\n`);
      perSubject.get(subject.name).push(await round(subject));
    }
  }
  console.log(`\nmedians over ${ROUNDS} round(s):\n`);
  console.log(table(perSubject));
  console.log(`\n${ratios(perSubject)}`);
  console.log(`\nload average ${loadAverage()} at the end`);
}

await runBounded(main, LIMIT_MS);
