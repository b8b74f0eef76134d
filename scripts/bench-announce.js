// B5, announcement fan-out (docs/benchmarks.md): the time from the API call that fires an
// urgent announcement to the last render receipt stored, at 1k simulated screens (and more with
// --screens). Side by side in the same run, interleaved round by round, the transport floor:
// a bare Aedes (same version, net.createServer(aedes.handle)) and Debian's mosquitto (when
// installed) with the same simulator, one retained desired publish per screen, one receipt back.
//
//   npm run bench:announce [-- --screens 1000 --rounds 5 --workers 1 --floors aedes,mosquitto --fleet-cpu-prof DIR]
//
// Loopback only; every child is stopped and every temp dir removed, also on Ctrl-C; bounded by time.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import {
  argValue,
  fixed,
  median,
  onCleanup,
  percentile,
  printMachine,
  runBounded,
  tempDir,
} from './bench-support.js';
import {
  MOSQUITTO,
  apiOf,
  packageVersion,
  startBareAedes,
  startFleet,
  startMosquitto,
} from './bench-brokers.js';
import { enrolScreens } from './sim/enrol.js';
import { Simulator } from './sim/simulator.js';

const SCREENS = Number(argValue('--screens', '1000'));
const ROUNDS = Number(argValue('--rounds', '5'));
const WORKERS = Number(argValue('--workers', String(Math.max(1, Math.ceil(SCREENS / 10_000)))));
const PROFILE_DIR = argValue('--fleet-cpu-prof', undefined);
/** Which floors run next to the fleet manager: at 10k screens each subject holds 10k sockets. */
const FLOORS = argValue('--floors', 'aedes,mosquitto').split(',').filter(Boolean);
const ROUND_TIMEOUT_MS = 60_000;
const GATE = 'bench';
const TEMPLATE = 'bench-drill';

if (!Number.isInteger(SCREENS) || SCREENS < 1 || SCREENS > 20_000) throw new Error('--screens: 1 to 20000');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 20) throw new Error('--rounds: 1 to 20');

// ---------- the fleet manager (FM) ----------

/** A published template (two people: the admin writes it, a second user approves it). */
async function publishTemplate(fleet) {
  const admin = apiOf(fleet.url, { authorization: `Bearer ${fleet.token}` });
  const password = `bench-${Math.random().toString(36).slice(2)}-approver-pass`;
  await admin('POST', '/api/v1/users', {
    username: 'bench-approver',
    displayName: 'Bench approver',
    password,
    grants: [{ role: 'approver', gateId: null }],
  });
  const login = await fetch(`${fleet.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench-approver', password }),
  });
  if (login.status !== 200) throw new Error(`approver sign-in: ${login.status} ${await login.text()}`);
  const { csrfToken } = await login.json();
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const approver = apiOf(fleet.url, { cookie, 'x-csrf-token': csrfToken });
  await admin('POST', '/api/v1/announcement-templates', {
    name: TEMPLATE,
    gateId: null,
    title: { vi: 'Diễn tập thông báo khẩn', en: 'Urgent announcement drill' },
    body: { vi: 'Đây là buổi diễn tập. Xin cảm ơn.', en: 'This is a drill. Thank you.' },
  });
  await admin('POST', `/api/v1/announcement-templates/${TEMPLATE}/submit`, {});
  await approver('POST', `/api/v1/announcement-templates/${TEMPLATE}/approve`, {
    comment: 'benchmark drill',
  });
  await admin('POST', `/api/v1/announcement-templates/${TEMPLATE}/publish`, {});
  return admin;
}

/** FM round: API call → every receipt stored (received_at in device_events, the fleet's clock). */
async function fmRound(fm) {
  const started = Date.now();
  const fired = await fm.api('POST', '/api/v1/announcements/fire', {
    template: TEMPLATE,
    targets: { gates: [GATE] },
    durationSec: 600,
  });
  const apiMs = Date.now() - started;
  const entryId = fired.body.entryId ?? `ann-${fired.body.id}`;
  const deadline = started + ROUND_TIMEOUT_MS;
  let rows = [];
  while (Date.now() < deadline) {
    rows = fm.receipts.all(entryId);
    if (rows.length >= SCREENS) break;
    await sleep(20);
  }
  const latencies = rows.map((row) => Date.parse(row.received_at) - started);
  // Off the screens again before the next round, and let the documents settle.
  await fm.api('POST', `/api/v1/announcements/${fired.body.id}/cancel`);
  await sleep(2_000);
  return { latencies, apiMs };
}

// ---------- the transport floor: bare Aedes and mosquitto ----------

/** What a fleet would do, done by one plain client: one retained desired per screen, receipts back. */
async function floorSubject(name, broker, screens) {
  const fleet = mqtt.connect(broker.url, {
    clientId: `bench-fleet-${name}`,
    reconnectPeriod: 0,
    clean: true,
  });
  await new Promise((resolveConnect, reject) => {
    fleet.once('connect', resolveConnect);
    fleet.once('error', reject);
  });
  onCleanup(() => fleet.endAsync(true));
  await fleet.subscribeAsync('gatecast/v1/devices/+/events', { qos: 1 });
  const arrivals = new Map();
  fleet.on('message', (_topic, payload) => {
    const receipt = JSON.parse(String(payload));
    if (receipt.kind !== 'announcement-shown') return;
    const list = arrivals.get(receipt.entryId) ?? [];
    list.push(Date.now());
    arrivals.set(receipt.entryId, list);
  });
  const simulator = new Simulator({
    mqttUrl: broker.url,
    screens: screens.map((screen) => ({ id: screen.id, secret: 'floor' })),
    workers: WORKERS,
    deadlineMs: 30 * 60_000,
  });
  onCleanup(() => simulator.stop());
  const connectStarted = performance.now();
  const connected = await simulator.start();
  const connectMs = performance.now() - connectStarted;
  let version = 0;
  return {
    name,
    pid: broker.pid,
    connected,
    connectMs,
    async round(index) {
      version += 1;
      const entryId = `ann-floor-${index}`;
      const started = Date.now();
      const publishes = screens.map((screen) =>
        fleet.publishAsync(
          `gatecast/v1/devices/${screen.id}/desired`,
          JSON.stringify(floorDesired(screen.id, version, entryId, new Date(started))),
          { qos: 1, retain: true },
        ),
      );
      await Promise.all(publishes);
      const deadline = started + ROUND_TIMEOUT_MS;
      while ((arrivals.get(entryId)?.length ?? 0) < screens.length && Date.now() < deadline) await sleep(20);
      const latencies = (arrivals.get(entryId) ?? []).map((at) => at - started);
      // Like the fleet's cancel: the documents go back to no announcement.
      version += 1;
      await Promise.all(
        screens.map((screen) =>
          fleet.publishAsync(
            `gatecast/v1/devices/${screen.id}/desired`,
            JSON.stringify(floorDesired(screen.id, version, null, new Date())),
            { qos: 1, retain: true },
          ),
        ),
      );
      await sleep(2_000);
      return { latencies, apiMs: null };
    },
  };
}

/** A desired document of the size and shape the fleet sends, with or without the announcement. */
function floorDesired(deviceId, version, entryId, now) {
  const schedule = entryId
    ? [
        {
          id: entryId,
          layer: 'announcement',
          zone: 'main',
          notBefore: now.toISOString(),
          notAfter: new Date(now.getTime() + 600_000).toISOString(),
          items: [
            {
              kind: 'text',
              id: entryId,
              title: { vi: 'Diễn tập thông báo khẩn', en: 'Urgent announcement drill' },
              body: { vi: 'Đây là buổi diễn tập. Xin cảm ơn.', en: 'This is a drill. Thank you.' },
              durationSec: 15,
            },
          ],
        },
      ]
    : [];
  return {
    version,
    deviceId,
    issuedAt: now.toISOString(),
    device: { name: deviceId, gateId: GATE, zoneId: 'zone-1', tags: ['simulated'] },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'], languageRotationSec: 8 },
    content: {
      defaultItem: {
        kind: 'text',
        id: 'welcome',
        body: { vi: 'Chào mừng đến Hải Phòng', en: 'Welcome to Hai Phong' },
        durationSec: 15,
      },
      defaultLoop: [],
      layout: { kind: 'full', orientation: 'landscape', transition: 'fade' },
      schedule,
    },
  };
}

// ---------- the run ----------

async function main() {
  printMachine(
    `, load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' / ')} at the start`,
  );
  const aedesVersion = packageVersion('aedes');
  const mqttVersion = packageVersion('mqtt');
  console.log(
    `B5 announcement fan-out: ${SCREENS} screens, ${ROUNDS} rounds, ${WORKERS} simulator worker(s)`,
  );

  const fleet = await startFleet({ name: 'announce', profileDir: PROFILE_DIR });
  const admin = await publishTemplate(fleet);
  const progress = (line) => process.stderr.write(`  ${line}\n`);
  const { screens, mqttUrl } = await enrolScreens({
    fleetUrl: fleet.url,
    token: fleet.token,
    count: SCREENS,
    gate: GATE,
    stateFile: join(fleet.dir, 'sim-state.json'),
    progress,
  });
  const fmSimulator = new Simulator({ mqttUrl, screens, workers: WORKERS, deadlineMs: 30 * 60_000 });
  onCleanup(() => fmSimulator.stop());
  const connectStarted = performance.now();
  const fmConnected = await fmSimulator.start();
  const fmConnectMs = performance.now() - connectStarted;
  const db = new Database(join(fleet.dataDir, 'gatecast.db'), { readonly: true, fileMustExist: true });
  onCleanup(() => db.close());
  const stmt = db.prepare(
    `SELECT received_at FROM device_events WHERE kind = 'announcement-shown'
       AND json_extract(body, '$.entryId') = ?`,
  );
  const fm = {
    name: 'FM',
    pid: fleet.child.pid,
    connected: fmConnected,
    connectMs: fmConnectMs,
    api: admin,
    receipts: stmt,
  };
  fm.round = () => fmRound(fm);

  const subjects = [fm];
  const dir = await tempDir('announce-floor');
  if (FLOORS.includes('aedes'))
    subjects.push(await floorSubject('bare Aedes', await startBareAedes(), screens));
  const mosquitto = FLOORS.includes('mosquitto') ? await startMosquitto(dir) : null;
  if (mosquitto) subjects.push(await floorSubject('mosquitto', mosquitto, screens));
  else if (FLOORS.includes('mosquitto')) {
    console.log(`mosquitto: not installed (${MOSQUITTO}); apt-get install mosquitto to add it`);
  }
  console.log(
    `versions: aedes ${aedesVersion}, mqtt.js ${mqttVersion}${mosquitto ? `, mosquitto ${mosquitto.version}` : ''}`,
  );
  for (const subject of subjects) {
    const seconds = fixed(subject.connectMs / 1000, 1);
    console.log(`${subject.name}: ${subject.connected}/${SCREENS} screens connected in ${seconds} s`);
  }
  // Everyone settled (retained documents delivered, first telemetry sent) before the first round.
  await sleep(3_000);

  const results = new Map(subjects.map((subject) => [subject.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const subject of subjects) {
      const result = await subject.round(round);
      results.get(subject.name).push(result);
      const { latencies } = result;
      console.log(
        `round ${round} ${subject.name.padEnd(10)} receipts ${latencies.length}/${SCREENS}` +
          `  p50 ${fixed(percentile(latencies, 50), 0)} ms  p99 ${fixed(percentile(latencies, 99), 0)} ms` +
          `  last ${fixed(Math.max(...latencies), 0)} ms${result.apiMs === null ? '' : `  (API answered in ${result.apiMs} ms)`}`,
      );
    }
  }
  report(results, subjects);
  console.log(
    `load average at the end: ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' / ')}`,
  );
}

function report(results, subjects) {
  const summary = subjects.map((subject) => {
    const rounds = results.get(subject.name);
    return {
      name: subject.name,
      complete: rounds.every((round) => round.latencies.length === SCREENS),
      missing: rounds.reduce((sum, round) => sum + (SCREENS - round.latencies.length), 0),
      p50: median(rounds.map((round) => percentile(round.latencies, 50))),
      p99: median(rounds.map((round) => percentile(round.latencies, 99))),
      last: median(rounds.map((round) => Math.max(...round.latencies))),
      worstP99: Math.max(...rounds.map((round) => percentile(round.latencies, 99))),
      api: subject.name === 'FM' ? median(rounds.map((round) => round.apiMs)) : null,
    };
  });
  const byName = Object.fromEntries(summary.map((row) => [row.name, row]));
  console.log('');
  console.log(`| subject | screens | p50 ms | p99 ms | last receipt ms | worst p99 ms | receipts missing |`);
  console.log(`|---|---|---|---|---|---|---|`);
  for (const row of summary) {
    console.log(
      `| ${row.name} | ${SCREENS} | ${fixed(row.p50, 0)} | ${fixed(row.p99, 0)} | ${fixed(row.last, 0)} | ${fixed(row.worstP99, 0)} | ${row.missing} |`,
    );
  }
  const ratio = (a, b, key) => (a && b ? fixed(a[key] / b[key], 2) : '—');
  console.log('');
  console.log(
    `ratios (medians of ${ROUNDS} rounds): FM ÷ bare Aedes p99 ${ratio(byName.FM, byName['bare Aedes'], 'p99')}, ` +
      `last ${ratio(byName.FM, byName['bare Aedes'], 'last')}; bare Aedes ÷ mosquitto p99 ${ratio(byName['bare Aedes'], byName.mosquitto, 'p99')}, ` +
      `last ${ratio(byName['bare Aedes'], byName.mosquitto, 'last')}`,
  );
  const fm = byName.FM;
  console.log(`FM fire API answered in ${fixed(fm.api, 0)} ms (median)`);
  const met = fm.complete && fm.p99 < 2_000;
  console.log(
    `goal p99 < 2000 ms at ${SCREENS} screens: ${met ? 'met' : 'NOT met'} (FM p99 ${fixed(fm.p99, 0)} ms)`,
  );
  if (!fm.complete) process.exitCode = 1;
}

await runBounded(main, 20 * 60_000);
