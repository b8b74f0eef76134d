// B4, offline detection (docs/benchmarks.md): for every simulated screen, its last outgoing MQTT
// packet → "offline" stored by the fleet manager, and → the `offline` alert delivered to a real
// local HTTP receiver (a generic webhook alert channel). Three ways a link ends, round by round:
//   half-open — the simulator worker is frozen (SIGSTOP): sockets open, silent; only keepalive tells;
//   clean     — the screens say goodbye (retained offline status, DISCONNECT), as the agent does on stop;
//   killed    — the worker is killed (SIGKILL): the kernel closes every socket, no goodbye; timed
//               from the kill, the links' last packet (their FIN).
// Side by side, interleaved, the transport floor: a bare Aedes and Debian's mosquitto, where a plain
// subscriber times the screen's offline status (its will, or its goodbye) — the broker's own detection.
//
//   npm run bench:offline [-- --screens 1000 --keepalive-sec 10 --rounds 5 --cases half-open,clean,killed
//                            --subjects fm,aedes,mosquitto --workers 1 --fleet-cpu-prof DIR]
//
// Loopback only; every child is stopped and every temp dir removed, also on Ctrl-C; bounded by time.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { argValue, fixed, median, printMachine, runBounded, tempDir } from './bench-support.js';
import { MOSQUITTO, packageVersion, startBareAedes, startMosquitto } from './bench-brokers.js';
import { CLOSE_GOAL_MS, detectionLatencies, halfOpenGoalMs, summarise } from './bench-latency.js';
import { connect, fleetSubject, floorSubject, settle, signal } from './bench-offline-subjects.js';
import { screenId } from './sim/enrol.js';

const SCREENS = Number(argValue('--screens', '1000'));
const KEEPALIVE_SEC = Number(argValue('--keepalive-sec', '10'));
const ROUNDS = Number(argValue('--rounds', '5'));
const WORKERS = Number(argValue('--workers', String(Math.max(1, Math.ceil(SCREENS / 10_000)))));
const PROFILE_DIR = argValue('--fleet-cpu-prof', undefined);
const CASES = argValue('--cases', 'half-open,clean,killed').split(',').filter(Boolean);
const SUBJECTS = argValue('--subjects', 'fm,aedes,mosquitto').split(',').filter(Boolean);
const LIMIT_MS = 45 * 60_000;
const GATE = 'bench';
const HALF_OPEN_GOAL_MS = halfOpenGoalMs(KEEPALIVE_SEC);

if (!Number.isInteger(SCREENS) || SCREENS < 1 || SCREENS > 10_000) throw new Error('--screens: 1 to 10000');
if (!Number.isInteger(KEEPALIVE_SEC) || KEEPALIVE_SEC < 5 || KEEPALIVE_SEC > 120)
  throw new Error('--keepalive-sec: 5 to 120');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 20) throw new Error('--rounds: 1 to 20');
for (const kase of CASES)
  if (!['half-open', 'clean', 'killed'].includes(kase)) throw new Error(`--cases: unknown case ${kase}`);
for (const subject of SUBJECTS)
  if (!['fm', 'aedes', 'mosquitto'].includes(subject)) throw new Error(`--subjects: unknown ${subject}`);

// ---------- one round ----------

/** Ends every link of a subject one way, times each screen's detection, then brings them back. */
async function runCase(subject, kase) {
  await settle(subject);
  await sleep(1_000);
  const started = Date.now();
  let cut = Infinity;
  let stopping = Promise.resolve();
  if (kase === 'clean') stopping = subject.simulator.stop();
  else {
    for (const pid of subject.simulator.pids) signal(pid, kase === 'half-open' ? 'SIGSTOP' : 'SIGKILL');
    cut = Date.now();
  }
  const deadline = started + (kase === 'half-open' ? 3 * KEEPALIVE_SEC * 1000 : 0) + 30_000;
  const complete = (found) => [...found.values()].every((detected) => detected.size >= SCREENS);
  while (!complete(subject.detections(started)) && Date.now() < deadline) await sleep(100);
  await stopping;
  await sleep(500); // the workers' last packet reports still in the IPC pipe
  // Killed: the kernel's FIN at the kill is each link's last packet, not the screen's last ping.
  const lastPackets =
    kase === 'killed'
      ? new Map(subject.screens.map((screen) => [screen.id, cut]))
      : subject.packets.snapshot(cut);
  const ids = subject.screens.map((screen) => screen.id);
  const result = new Map();
  for (const [measure, detected] of subject.detections(started)) {
    result.set(measure, detectionLatencies(ids, lastPackets, detected));
    const undetected = ids.filter((id) => !detected.has(id) || !lastPackets.has(id));
    if (undetected.length > 0)
      console.error(
        `${subject.name} ${kase}: ${measure} missing for ${undetected.length}, e.g. ${undetected[0]}`,
      );
  }
  if (kase === 'half-open') for (const pid of subject.simulator.pids) signal(pid, 'SIGCONT');
  else {
    await subject.simulator.stop();
    await connect(subject);
  }
  return result;
}

// ---------- the run ----------

async function main() {
  printMachine(
    `, load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' / ')} at the start`,
  );
  console.log(
    `B4 offline detection: ${SCREENS} screens, keepalive ${KEEPALIVE_SEC} s, ${ROUNDS} round(s) of ` +
      `${CASES.join(', ')}, ${WORKERS} simulator worker(s) per subject`,
  );
  const subjects = [];
  let screens = Array.from({ length: SCREENS }, (_, index) => ({ id: screenId(GATE, index) }));
  const run = {
    screens: SCREENS,
    keepaliveSec: KEEPALIVE_SEC,
    workers: WORKERS,
    gate: GATE,
    profileDir: PROFILE_DIR,
    limitMs: LIMIT_MS,
  };
  if (SUBJECTS.includes('fm')) {
    const fm = await fleetSubject(run);
    subjects.push(fm);
    screens = fm.screens;
  }
  if (SUBJECTS.includes('aedes'))
    subjects.push(await floorSubject('bare Aedes', await startBareAedes(), screens, run));
  const mosquitto = SUBJECTS.includes('mosquitto')
    ? await startMosquitto(await tempDir('offline-floor'))
    : null;
  if (mosquitto) subjects.push(await floorSubject('mosquitto', mosquitto, screens, run));
  else if (SUBJECTS.includes('mosquitto')) console.log(`mosquitto: not installed (${MOSQUITTO})`);
  console.log(
    `versions: aedes ${packageVersion('aedes')}, mqtt.js ${packageVersion('mqtt')}` +
      `${mosquitto ? `, mosquitto ${mosquitto.version}` : ''}`,
  );
  for (const subject of subjects) {
    const { connected, ms } = subject.connect;
    console.log(`${subject.name}: ${connected}/${SCREENS} screens connected in ${fixed(ms / 1000, 1)} s`);
  }

  const results = []; // { subject, kase, measure, round, values, missing }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const kase of CASES) {
      for (const subject of subjects) {
        const found = await runCase(subject, kase);
        const parts = [];
        for (const [measure, { values, missing }] of found) {
          results.push({ subject: subject.name, kase, measure, round, values, missing });
          const summary = summarise(values);
          parts.push(
            `${measure} ${values.length}/${SCREENS} p50 ${seconds(summary.p50)} p99 ${seconds(summary.p99)} max ${seconds(summary.max)} s`,
          );
        }
        console.log(`round ${round} ${kase.padEnd(9)} ${subject.name.padEnd(10)} ${parts.join(' | ')}`);
      }
    }
  }
  report(results, subjects);
  const fm = subjects.find((subject) => subject.name === 'FM');
  if (fm) console.log(`webhook deliveries repeated: ${fm.receiver.repeats()}`);
  console.log(
    `load average at the end: ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' / ')}`,
  );
}

function seconds(ms) {
  return fixed(ms / 1000, 3);
}

/** Medians over rounds of each round's p50/p95/p99/max, per subject, case and measure. */
function report(results, subjects) {
  const rows = [];
  for (const kase of CASES) {
    for (const subject of subjects) {
      const measures = [...new Set(results.filter((r) => r.subject === subject.name).map((r) => r.measure))];
      for (const measure of measures) {
        const rounds = results.filter(
          (r) => r.subject === subject.name && r.kase === kase && r.measure === measure,
        );
        const summaries = rounds.map((round) => summarise(round.values));
        const of = (key) => median(summaries.map((summary) => summary[key]).filter(Number.isFinite));
        rows.push({
          subject: subject.name,
          kase,
          measure,
          detected: rounds.reduce((sum, round) => sum + round.values.length, 0),
          total: rounds.length * SCREENS,
          p50: of('p50'),
          p95: of('p95'),
          p99: of('p99'),
          max: of('max'),
          worstP99: Math.max(...summaries.map((summary) => summary.p99)),
        });
      }
    }
  }
  console.log('');
  console.log(
    '| case | subject | last packet → | detected | p50 s | p95 s | p99 s | max s | worst round p99 s |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    console.log(
      `| ${row.kase} | ${row.subject} | ${row.measure} | ${row.detected}/${row.total} | ${seconds(row.p50)} | ` +
        `${seconds(row.p95)} | ${seconds(row.p99)} | ${seconds(row.max)} | ${seconds(row.worstP99)} |`,
    );
  }
  console.log('');
  const find = (kase, subject, measure) =>
    rows.find((row) => row.kase === kase && row.subject === subject && (!measure || row.measure === measure));
  const ratio = (a, b) => (a && b && a.p99 > 0 && b.p99 > 0 ? fixed(a.p99 / b.p99, 2) : '—');
  for (const kase of CASES) {
    const offline = find(kase, 'FM', 'offline stored');
    const alert = find(kase, 'FM', 'alert sent');
    const aedes = find(kase, 'bare Aedes');
    const mosquitto = find(kase, 'mosquitto');
    console.log(
      `${kase}: p99 ratios FM offline ÷ bare Aedes ${ratio(offline, aedes)}, ÷ mosquitto ${ratio(offline, mosquitto)}; ` +
        `FM alert ÷ bare Aedes ${ratio(alert, aedes)}, ÷ mosquitto ${ratio(alert, mosquitto)}; ` +
        `bare Aedes ÷ mosquitto ${ratio(aedes, mosquitto)}`,
    );
    const goal = kase === 'half-open' ? HALF_OPEN_GOAL_MS : CLOSE_GOAL_MS;
    for (const row of [offline, alert].filter(Boolean)) {
      const met = row.detected === row.total && (kase === 'half-open' ? row.p99 <= goal : row.p99 < goal);
      console.log(
        `  goal ${row.measure} p99 ${kase === 'half-open' ? '≤' : '<'} ${seconds(goal)} s: ${met ? 'met' : 'NOT met'} ` +
          `(p99 ${seconds(row.p99)} s, worst round ${seconds(row.worstP99)} s, ${row.detected}/${row.total} detected)`,
      );
      if (row.detected !== row.total) process.exitCode = 1;
    }
  }
}

await runBounded(main, LIMIT_MS);
