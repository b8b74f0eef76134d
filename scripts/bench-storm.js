// B3, reconnect storm (docs/benchmarks.md): 10k simulated screens connected and in sync, then the
// broker restarts — the fleet manager (FM) on the same data dir and ports, a bare Aedes and Debian's
// mosquitto on the same port — and every screen comes back with the agent's jittered exponential
// backoff (scripts/sim/backoff.js). Timed from the stop: when 99 % and 100 % of the screens are
// back AND in sync (connected, subscribed again and given their retained desired document; for
// the FM also as the fleet sees it: online with reported appliedVersion = desired version), the
// screens never back (stuck), and the broker's CPU from its restart until the last screen is back.
//
//   npm run bench:storm [-- --quick | --screens 10000 --rounds 3 --subjects fm,aedes,mosquitto
//                         --kill --fleet-cpu-prof DIR]
//
// Loopback only; every child is stopped and every temp dir removed, also on Ctrl-C; bounded by time.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { fixed, loadAverage, onCleanup, printMachine, runBounded, sample, tempDir } from './bench-support.js';
import { freePort, packageVersion } from './bench-brokers.js';
import {
  SUBJECTS,
  cpuPercent,
  medianOfRounds,
  parseOptions,
  ratio,
  timeToFraction,
} from './bench-steady-stats.js';
import { launchBareAedes, launchFleet, launchMosquitto, mosquittoVersion } from './bench-steady-subjects.js';
import { enrolScreens } from './sim/enrol.js';
import { topic } from './sim/sim-messages.js';
import { Simulator } from './sim/simulator.js';

const options = parseOptions(
  process.argv,
  { screens: [10_000, 1, 10_000], rounds: [3, 1, 10] },
  { subjects: ['fm,aedes,mosquitto', SUBJECTS] },
);
const QUICK = options.quick;
const SCREENS = QUICK && !process.argv.includes('--screens') ? 1_000 : options.screens;
const ROUNDS = QUICK ? 1 : options.rounds;
const KILL = process.argv.includes('--kill');
const PROFILE_DIR = process.argv.includes('--fleet-cpu-prof')
  ? process.argv[process.argv.indexOf('--fleet-cpu-prof') + 1]
  : undefined;
const KEEPALIVE_SEC = 30;
/** The agent's backoff starts over after a link stayed up two keepalives: wait that long between storms. */
const STABLE_MS = 2_000 * KEEPALIVE_SEC + 1_000;
const STORM_LIMIT_MS = 180_000;
const LIMIT_MS = QUICK ? 5 * 60_000 : 30 * 60_000;
const GATE = 'storm';

// ---------- subjects ----------

async function fmSubject(dir) {
  const dataDir = join(dir, 'fm-data');
  let fleet = await launchFleet({ dataDir, profileDir: PROFILE_DIR });
  const started = performance.now();
  const { screens } = await enrolScreens({
    fleetUrl: fleet.url,
    token: fleet.token,
    count: SCREENS,
    gate: GATE,
    stateFile: join(dir, 'sim-state.json'),
    // One line in ten: enrolment reports every 100 screens.
    progress: (line) => /ready: \d+000\//.test(line) && process.stderr.write(`  ${line}\n`),
  });
  console.log(`FM: ${screens.length} screens enrolled in ${fixed((performance.now() - started) / 1000)} s`);
  const { httpPort, mqttPort } = fleet;
  return {
    name: 'FM',
    screens,
    mqttUrl: fleet.mqttUrl,
    pid: () => fleet.pid,
    async restart() {
      await (KILL ? fleet.kill() : fleet.stop());
      const stopped = Date.now();
      fleet = await launchFleet({ dataDir, httpPort, mqttPort, profileDir: PROFILE_DIR });
      return stopped;
    },
    /** As the fleet sees it: when each screen was online and reported the desired version again. */
    fleetSynced(sinceMs) {
      const db = new Database(join(dataDir, 'gatecast.db'), { readonly: true, fileMustExist: true });
      try {
        const since = new Date(sinceMs).toISOString();
        const rows = db
          .prepare(
            `SELECT d.presence_since AS online, d.reported_at AS reported FROM devices d
             JOIN desired_documents dd ON dd.device_id = d.id
             WHERE d.gate_id = ? AND d.presence_state = 'online' AND d.presence_since >= ?
               AND d.reported_at >= ? AND json_extract(d.reported, '$.appliedVersion') = dd.version`,
          )
          .all(GATE, since, since);
        return rows.map((row) => Math.max(Date.parse(row.online), Date.parse(row.reported)));
      } finally {
        db.close();
      }
    },
  };
}

/** A bare broker holds no state over a restart: the bench republishes each screen's retained desired. */
async function publishDesired(mqttUrl, screens) {
  const client = await mqtt.connectAsync(mqttUrl, { reconnectPeriod: 0, connectTimeout: 10_000 });
  try {
    await Promise.all(
      screens.map((screen) =>
        client.publishAsync(
          topic(screen.id, 'desired'),
          JSON.stringify({ deviceId: screen.id, version: 1 }),
          { qos: 1, retain: true },
        ),
      ),
    );
  } finally {
    await client.endAsync();
  }
}

async function floorSubject(name, launch, screens) {
  let broker = await launch(0);
  const port = broker.port;
  await publishDesired(broker.mqttUrl, screens);
  return {
    name,
    screens,
    mqttUrl: broker.mqttUrl,
    pid: () => broker.pid,
    async restart() {
      await (KILL ? broker.kill() : broker.stop());
      const stopped = Date.now();
      broker = await launch(port);
      await publishDesired(broker.mqttUrl, screens);
      return stopped;
    },
  };
}

// ---------- the storm ----------

async function waitSynced(simulator, since, untilMs) {
  let state = await simulator.sync(since);
  while (state.notSynced > 0 && Date.now() < untilMs) {
    await sleep(500);
    state = await simulator.sync(since);
  }
  return state;
}

async function storm(subject) {
  await sleep(Math.max(0, subject.stableAt - Date.now()));
  const before = await waitSynced(subject.simulator, 0, Date.now() + 60_000);
  if (before.notSynced > 0)
    console.error(`${subject.name}: ${before.notSynced} not in sync before the storm`);
  const reconnectsBefore = before.reconnects;
  const stoppedAt = await subject.restart();
  const restartedAt = Date.now();
  const first = sample(subject.pid());
  const started = performance.now();
  const after = await waitSynced(subject.simulator, stoppedAt, stoppedAt + STORM_LIMIT_MS);
  const last = sample(subject.pid());
  const cpu = cpuPercent(last.ticks - first.ticks, (performance.now() - started) / 1000);
  subject.stableAt = Date.now() + STABLE_MS;
  const fleet = subject.fleetSynced?.(stoppedAt);
  const result = {
    downSec: (restartedAt - stoppedAt) / 1000,
    t99: timeToFraction(after.times, stoppedAt, SCREENS, 0.99) / 1000,
    t100: timeToFraction(after.times, stoppedAt, SCREENS, 1) / 1000,
    stuck: after.notSynced,
    cpu,
    reconnects: after.reconnects - reconnectsBefore,
    fleetT99: fleet ? timeToFraction(fleet, stoppedAt, SCREENS, 0.99) / 1000 : NaN,
    fleetT100: fleet ? timeToFraction(fleet, stoppedAt, SCREENS, 1) / 1000 : NaN,
  };
  process.stderr.write(
    `  ${subject.name}: down ${fixed(result.downSec)} s, 99 % in sync ${fixed(result.t99)} s, 100 % ${fixed(result.t100)} s, ` +
      `stuck ${result.stuck}, CPU ${fixed(cpu)} %, ${result.reconnects} reconnect attempts` +
      (fleet ? `; fleet sees 99 % ${fixed(result.fleetT99)} s, 100 % ${fixed(result.fleetT100)} s` : '') +
      '\n',
  );
  return result;
}

async function connect(subject) {
  const simulator = new Simulator({
    mqttUrl: subject.mqttUrl,
    screens: subject.screens,
    keepaliveSec: KEEPALIVE_SEC,
    deadlineMs: LIMIT_MS,
  });
  onCleanup(() => simulator.stop());
  simulator.on('worker-error', (message) => console.error(`${subject.name} simulator: ${message}`));
  const started = performance.now();
  const connected = await simulator.start();
  subject.simulator = simulator;
  subject.stableAt = Date.now() + STABLE_MS;
  console.log(
    `${subject.name}: ${connected}/${SCREENS} connected in ${fixed((performance.now() - started) / 1000)} s`,
  );
}

// ---------- the run ----------

async function main() {
  printMachine(`, load average ${loadAverage()} at the start`);
  console.log(
    `versions: aedes ${packageVersion('aedes')}, mqtt.js ${packageVersion('mqtt')}, ${mosquittoVersion()}`,
  );
  console.log(
    `B3 reconnect storm: ${SCREENS} screens, ${ROUNDS} round(s), restart by ${KILL ? 'SIGKILL' : 'SIGTERM'}, ` +
      `keepalive ${KEEPALIVE_SEC} s, subjects ${options.subjects.join(', ')}`,
  );
  const dir = await tempDir('storm');
  const subjects = [];
  let screens = null;
  if (options.subjects.includes('fm')) {
    const fm = await fmSubject(dir);
    screens = fm.screens;
    subjects.push(fm);
  }
  screens ??= Array.from({ length: SCREENS }, (_, index) => ({ id: `storm-s${index + 1}`, secret: 'x' }));
  if (options.subjects.includes('aedes'))
    subjects.push(await floorSubject('bare Aedes', launchBareAedes, screens));
  if (options.subjects.includes('mosquitto')) {
    const port = await freePort();
    subjects.push(await floorSubject('mosquitto', () => launchMosquitto(dir, port), screens));
  }
  for (const subject of subjects) await connect(subject);
  const perSubject = new Map(subjects.map((subject) => [subject.name, []]));
  for (let index = 0; index < ROUNDS; index++) {
    for (const subject of subjects) {
      process.stderr.write(`round ${index + 1}/${ROUNDS}: ${subject.name}\n`);
      perSubject.get(subject.name).push(await storm(subject));
    }
  }
  console.log(`\nmedians over ${ROUNDS} round(s) (seconds from the stop; worst round in brackets):\n`);
  console.log(
    '| subject | down s | 99 % in sync s | 100 % in sync s | stuck | CPU % during the storm | reconnect attempts |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const medians = new Map();
  for (const [name, rounds] of perSubject) {
    const m = medianOfRounds(rounds);
    medians.set(name, m);
    const worst = (key) => fixed(Math.max(...rounds.map((one) => one[key])));
    console.log(
      `| ${name} | ${fixed(m.downSec)} | ${fixed(m.t99)} (${worst('t99')}) | ${fixed(m.t100)} (${worst('t100')}) | ` +
        `${Math.max(...rounds.map((one) => one.stuck))} | ${fixed(m.cpu)} | ${fixed(m.reconnects, 0)} |`,
    );
    if (name === 'FM')
      console.log(
        `| FM as the fleet sees it | | ${fixed(m.fleetT99)} (${worst('fleetT99')}) | ${fixed(m.fleetT100)} (${worst('fleetT100')}) | | | |`,
      );
  }
  const fm = medians.get('FM') ?? {};
  const aedes = medians.get('bare Aedes') ?? {};
  const mosquitto = medians.get('mosquitto') ?? {};
  console.log(
    `\nratios, time to 99 %: FM ÷ bare Aedes ${fixed(ratio(fm.t99, aedes.t99), 2)}, bare Aedes ÷ mosquitto ` +
      `${fixed(ratio(aedes.t99, mosquitto.t99), 2)}; to 100 %: FM ÷ bare Aedes ${fixed(ratio(fm.t100, aedes.t100), 2)}, ` +
      `bare Aedes ÷ mosquitto ${fixed(ratio(aedes.t100, mosquitto.t100), 2)}`,
  );
  console.log(`\nload average ${loadAverage()} at the end`);
}

await runBounded(main, LIMIT_MS);
