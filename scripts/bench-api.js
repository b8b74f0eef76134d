// B6, dashboard/API under load (docs/benchmarks.md): HTTP load (autocannon) on the device list,
// GET /api/v1/devices with the admin's bearer token as the CLI sends it, on a fleet carrying 10k
// simulated screens in steady state (heartbeat and telemetry every 30 s) — "loaded" — and on its
// idle twin: a second fleet started on a copy of the loaded fleet's database, so it lists the same
// devices with the same stored reports and telemetry, with no screen connected. Rounds alternate
// idle/loaded (order swapped every round). A bare broker has no HTTP API: the subject of comparison
// is the same fleet idle.
//
//   npm run bench:api [-- --quick --screens 10000 --rounds 5 --seconds 15 --connections 4
//                        --settle 40 --path /api/v1/devices --fleet-cpu-prof DIR]
//
// Loopback only; every child is stopped and every temp dir removed, also on Ctrl-C; bounded by time.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { fixed, loadAverage, onCleanup, printMachine, runBounded } from './bench-support.js';
import { packageVersion, startFleet } from './bench-brokers.js';
import { GOAL_P99_RATIO, orderOf, parseApiOptions, rowOf, summariseApi } from './bench-api-stats.js';
import { enrolScreens } from './sim/enrol.js';
import { Simulator } from './sim/simulator.js';

const options = parseApiOptions(process.argv.slice(2));
const GATE = 'bench';

function load(url, token, seconds) {
  return autocannon({
    url: `${url}${options.path}`,
    headers: { authorization: `Bearer ${token}` },
    connections: options.connections,
    duration: seconds,
    timeout: 30,
  });
}

/** One plain request: status, size of the body, time to the last byte. */
async function probe(url, token) {
  const started = performance.now();
  const response = await fetch(`${url}${options.path}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(60_000),
  });
  const body = await response.text();
  const ms = performance.now() - started;
  const devices = response.ok ? (JSON.parse(body).devices?.length ?? 0) : 0;
  return { status: response.status, bytes: Buffer.byteLength(body), ms, devices };
}

async function main() {
  printMachine(`, load average ${loadAverage()} at the start`);
  console.log(
    `B6 API under load: GET ${options.path}, ${options.screens} screens, ${options.rounds} rounds of ` +
      `${options.seconds} s per subject, ${options.connections} connections${options.quick ? ' (quick)' : ''}`,
  );
  console.log(
    `versions: aedes ${packageVersion('aedes')}, mqtt.js ${packageVersion('mqtt')}, autocannon ${packageVersion('autocannon')}`,
  );
  const profileDir = options.profile ?? undefined;
  const loaded = await startFleet({ name: 'api-loaded', profileDir });
  const progress = (line) => process.stderr.write(`  ${line}\n`);
  let started = performance.now();
  const { screens, mqttUrl } = await enrolScreens({
    fleetUrl: loaded.url,
    token: loaded.token,
    count: options.screens,
    gate: GATE,
    stateFile: join(loaded.dir, 'sim-state.json'),
    progress,
  });
  console.log(`enrolled ${screens.length} screens in ${fixed((performance.now() - started) / 1000, 1)} s`);

  const simulator = new Simulator({ mqttUrl, screens, deadlineMs: 40 * 60_000 });
  onCleanup(() => simulator.stop());
  started = performance.now();
  const connected = await simulator.start();
  console.log(
    `loaded fleet: ${connected}/${screens.length} screens connected in ${fixed((performance.now() - started) / 1000, 1)} s; ` +
      `settling ${options.settle} s (every screen reports and sends telemetry)`,
  );
  await sleep(options.settle * 1000);

  // The twin: the same database (devices, reports, telemetry, the admin token), no screen connected.
  const source = new Database(join(loaded.dataDir, 'gatecast.db'), { readonly: true, fileMustExist: true });
  const idle = await startFleet({
    name: 'api-idle',
    profileDir,
    from: { database: source, token: loaded.token },
  });
  source.close();
  console.log(`fleet pids: loaded ${loaded.child.pid}, idle twin ${idle.child.pid}`);
  const subjects = { idle, loaded };
  for (const [name, fleet] of Object.entries(subjects)) {
    const first = await probe(fleet.url, fleet.token);
    if (first.status !== 200) throw new Error(`${name}: GET ${options.path} answered ${first.status}`);
    console.log(
      `${name}: one GET lists ${first.devices} devices, ${fixed(first.bytes / 2 ** 20, 2)} MiB in ${fixed(first.ms, 0)} ms`,
    );
    await load(fleet.url, fleet.token, 2); // warm-up, not counted
  }

  const rounds = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const subject of orderOf(round)) {
      const fleet = subjects[subject];
      const row = { subject, ...rowOf(await load(fleet.url, fleet.token, options.seconds)) };
      rounds.push(row);
      console.log(
        `round ${round} ${subject.padEnd(6)} ${fixed(row.rps, 1).padStart(6)} req/s  p50 ${fixed(row.p50, 0)} ms` +
          `  p99 ${fixed(row.p99, 0)} ms  max ${fixed(row.max, 0)} ms  ${row.requests} requests, ${row.errors} errors`,
      );
    }
  }
  const stats = await simulator.stats();
  console.log(
    `simulator at the end: ${stats.connected ?? '?'} screens connected, ${stats.errors ?? 0} errors`,
  );
  report(summariseApi(rounds));
  console.log(`load average at the end: ${loadAverage()}`);
}

function report(summary) {
  console.log('');
  console.log(
    '| fleet | screens connected | req/s | p50 ms | p99 ms | worst p99 ms | MiB per response | errors |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const subject of ['idle', 'loaded']) {
    const row = summary[subject];
    console.log(
      `| ${subject} | ${subject === 'loaded' ? options.screens : 0} | ${fixed(row.rps, 1)} | ${fixed(row.p50, 0)} ` +
        `| ${fixed(row.p99, 0)} | ${fixed(row.worstP99, 0)} | ${fixed(row.bytesPerResponse / 2 ** 20, 2)} | ${row.errors} |`,
    );
  }
  console.log('');
  console.log(
    `loaded ÷ idle (medians of ${options.rounds} rounds): p99 ${fixed(summary.p99Ratio, 2)} ×, ` +
      `p50 ${fixed(summary.loaded.p50 / summary.idle.p50, 2)} ×, req/s ${fixed(summary.loaded.rps / summary.idle.rps, 2)} ×`,
  );
  console.log(
    `goal API p99 loaded ≤ ${GOAL_P99_RATIO} × idle: ${summary.met ? 'met' : 'NOT met'} (${fixed(summary.p99Ratio, 2)} ×)`,
  );
  console.log(
    'bare Aedes and mosquitto: no HTTP API, so not a subject here (B2 covers them under the same load)',
  );
}

await runBounded(main, 45 * 60_000);
