// B1, pub→sub throughput (docs/benchmarks.md): one publisher → one receiver, QoS 0 and QoS 1,
// 200-byte proof-of-play events, messages per second at the receiver. Subjects, interleaved round
// by round: the fleet manager (a real `gatecast serve`: a screen publishes its events, the fleet
// checks, parses and stores each one: its receiver is the store, read from the SQLite file), a bare
// Aedes and Debian's mosquitto (the same topic and bytes, an mqtt.js subscriber in its own process).
// A last cross-check times mosquitto_pub → mosquitto_sub on mosquitto.
//
//   npm run bench:throughput [-- --quick --messages 50000 --rounds 5 --qos 0,1
//                              --subjects fm,aedes,mosquitto --bytes 200 --fleet-cpu-prof DIR]
//
// Loopback only; every child is stopped and every temp dir removed, also on Ctrl-C; bounded by time.
import { fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { fixed, loadAverage, onCleanup, printMachine, root, runBounded, tempDir } from './bench-support.js';
import { MOSQUITTO, packageVersion, startBareAedes, startFleet, startMosquitto } from './bench-brokers.js';
import {
  eventsTopic,
  parseThroughputOptions,
  payloadsOf,
  ratioOf,
  receiverRate,
  summariseRuns,
} from './bench-throughput-load.js';
import { enrolScreens } from './sim/enrol.js';

const options = parseThroughputOptions(process.argv.slice(2));
/** The bare brokers carry the fleet's topic: the same device id the fleet enrols. */
const GATE = 'bench';
const WARM_UP = 5_000;
/** A run that stops making progress this long is over: what arrived is what is counted. */
const STALL_MS = 5_000;
const RUN_LIMIT_MS = 120_000;
const CROSS_CHECK_MESSAGES = 20_000;

async function connectClient(url, extra) {
  const client = mqtt.connect(url, { protocolVersion: 4, clean: true, reconnectPeriod: 0, ...extra });
  await new Promise((resolveConnect, reject) => {
    client.once('connect', resolveConnect);
    client.once('error', reject);
  });
  onCleanup(() => client.endAsync(true));
  return client;
}

/**
 * Publishes every payload, pipelined: up to `window` publishes not yet done (QoS 0: written to the
 * socket, so TCP back-pressure holds it; QoS 1: not yet acknowledged by the broker).
 */
function pump(client, topic, payloads, qos) {
  const window = qos === 0 ? 512 : 256;
  let sent = 0;
  let done = 0;
  return new Promise((resolvePump, reject) => {
    const next = () => {
      while (sent < payloads.length && sent - done < window) {
        client.publish(topic, payloads[sent++], { qos }, (error) => {
          if (error) return reject(error);
          done += 1;
          if (done === payloads.length) resolvePump();
          else if (sent - done < window / 2) next();
        });
      }
    };
    next();
  });
}

/** Polls `progress()` ({ received, lastAt }) until `expected` arrived or nothing moved for STALL_MS. */
async function awaitReceiver(progress, expected) {
  const limit = Date.now() + RUN_LIMIT_MS;
  let last = { received: 0, lastAt: 0 };
  let movedAt = Date.now();
  while (Date.now() < limit) {
    const now = await progress();
    if (now.received >= expected) return now;
    if (now.received !== last.received) movedAt = Date.now();
    else if (Date.now() - movedAt > STALL_MS) return now;
    last = now;
    await sleep(25);
  }
  return last;
}

// ---------- subjects ----------

/** The fleet manager: a screen publishes events; the receiver is the fleet's store. */
async function fleetSubject() {
  const fleet = await startFleet({ name: 'throughput', profileDir: options.profile ?? undefined });
  const { screens, mqttUrl } = await enrolScreens({
    fleetUrl: fleet.url,
    token: fleet.token,
    count: 1,
    gate: GATE,
    stateFile: join(fleet.dir, 'sim-state.json'),
  });
  const [screen] = screens;
  const publisher = await connectClient(mqttUrl, {
    clientId: screen.id,
    username: screen.id,
    password: screen.secret,
  });
  const db = new Database(join(fleet.dataDir, 'gatecast.db'), { readonly: true, fileMustExist: true });
  onCleanup(() => db.close());
  const newest = db.prepare('SELECT coalesce(max(rowid), 0) AS id FROM device_events');
  const since = db.prepare(
    'SELECT count(*) AS received, max(received_at) AS last FROM device_events WHERE rowid > ?',
  );
  return {
    name: 'FM',
    key: 'fm',
    pid: fleet.child.pid,
    deviceId: screen.id,
    async run(qos, payloads) {
      const from = newest.get().id;
      const started = Date.now();
      await pump(publisher, eventsTopic(screen.id), payloads, qos);
      const result = await awaitReceiver(() => {
        const row = since.get(from);
        return { received: row.received, lastAt: row.last ? Date.parse(row.last) : 0 };
      }, payloads.length);
      return { ...result, started };
    },
  };
}

/** A bare broker: the same topic and bytes, received by a subscriber in its own process. */
async function floorSubject(name, key, broker, deviceId) {
  const publisher = await connectClient(broker.url, { clientId: `bench-publisher-${key}` });
  const receiver = await startSubscriber(broker.url, key, deviceId);
  return {
    name,
    key,
    pid: broker.pid,
    async run(qos, payloads) {
      await receiver.ask('reset');
      const started = Date.now();
      await pump(publisher, eventsTopic(deviceId), payloads, qos);
      const result = await awaitReceiver(() => receiver.ask('report'), payloads.length);
      return { ...result, started };
    },
  };
}

/**
 * The subscriber process, subscribed at QoS 1: a message is delivered at the lower of its publish
 * QoS and the subscription's, so QoS 0 runs arrive at QoS 0 and QoS 1 runs at QoS 1.
 */
async function startSubscriber(url, name, deviceId) {
  const child = fork(join(root, 'scripts/bench-throughput-subscriber.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  onCleanup(async () => {
    if (child.connected) child.send({ type: 'stop' });
    await Promise.race([exited, sleep(3_000).then(() => child.kill('SIGKILL'))]);
  });
  const ask = (type, extra = {}) =>
    new Promise((resolveAnswer, reject) => {
      const listener = (message) => {
        if (message.type === 'error') reject(new Error(`subscriber ${name}: ${message.message}`));
        else if (message.type !== type && !(type === 'subscribe' && message.type === 'ready')) return;
        else resolveAnswer(message);
        child.off('message', listener);
      };
      child.on('message', listener);
      child.send({ type, ...extra });
    });
  await ask('subscribe', { url, clientId: `bench-subscriber-${name}`, topic: eventsTopic(deviceId), qos: 1 });
  return { ask };
}

// ---------- the cross-check: mosquitto's own clients ----------

/** mosquitto_pub -l (one message per line) → mosquitto_sub -C N; wall time from publish to the last. */
async function crossCheck(mosquitto, deviceId, qos, payloads) {
  const port = new URL(mosquitto.url).port;
  const topic = eventsTopic(`${deviceId}-cli`);
  const common = ['-h', '127.0.0.1', '-p', port, '-t', topic, '-q', String(qos)];
  const sub = spawn('mosquitto_sub', [...common, '-C', String(payloads.length)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  onCleanup(() => sub.kill('SIGKILL'));
  const subExited = new Promise((resolveExit) => sub.once('exit', resolveExit));
  await sleep(1_000);
  const started = Date.now();
  const pub = spawn('mosquitto_pub', [...common, '-l', '-M', '256'], { stdio: ['pipe', 'ignore', 'pipe'] });
  onCleanup(() => pub.kill('SIGKILL'));
  pub.stdin.end(payloads.map((payload) => payload.toString()).join('\n') + '\n');
  const finished = await Promise.race([subExited.then(() => true), sleep(RUN_LIMIT_MS).then(() => false)]);
  const ended = Date.now();
  pub.kill('SIGTERM');
  if (!finished) return null;
  return receiverRate(payloads.length, started, ended);
}

// ---------- the run ----------

async function main() {
  printMachine(`, load average ${loadAverage()} at the start`);
  console.log(
    `B1 pub→sub throughput: ${options.messages} messages of ${options.bytes} B per run, ` +
      `QoS ${options.qos.join(' and ')}, ${options.rounds} interleaved rounds${options.quick ? ' (quick)' : ''}`,
  );
  const subjects = [];
  let deviceId = `${GATE}-s00001`;
  if (options.subjects.includes('fm')) {
    const fm = await fleetSubject();
    deviceId = fm.deviceId;
    subjects.push(fm);
  }
  if (options.subjects.includes('aedes'))
    subjects.push(await floorSubject('bare Aedes', 'aedes', await startBareAedes(), deviceId));
  const mosquitto = options.subjects.includes('mosquitto')
    ? await startMosquitto(await tempDir('throughput-mosquitto'))
    : null;
  if (mosquitto) subjects.push(await floorSubject('mosquitto', 'mosquitto', mosquitto, deviceId));
  else if (options.subjects.includes('mosquitto'))
    console.log(`mosquitto: not installed (${MOSQUITTO}); apt-get install mosquitto to add it`);
  console.log(
    `versions: aedes ${packageVersion('aedes')}, mqtt.js ${packageVersion('mqtt')}` +
      (mosquitto ? `, mosquitto ${mosquitto.version}` : ''),
  );

  for (const subject of subjects)
    for (const qos of options.qos) await subject.run(qos, payloadsOf(`warm-${qos}`, WARM_UP, options.bytes));

  const runs = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const qos of options.qos) {
      // Fresh ids every run: the fleet stores an event id once.
      const payloads = payloadsOf(`r${round}q${qos}`, options.messages, options.bytes);
      for (const subject of subjects) {
        const result = await subject.run(qos, payloads);
        const rate = receiverRate(result.received, result.started, result.lastAt);
        runs.push({ subject: subject.name, qos, rate, received: result.received, sent: payloads.length });
        console.log(
          `round ${round} QoS ${qos} ${subject.name.padEnd(10)} ${fixed(rate, 0).padStart(7)} msg/s` +
            `  received ${result.received}/${payloads.length}` +
            `  in ${fixed((result.lastAt - result.started) / 1000, 2)} s`,
        );
      }
    }
  }
  report(summariseRuns(runs));

  if (mosquitto) {
    console.log('');
    for (const qos of options.qos) {
      const rate = await crossCheck(
        mosquitto,
        deviceId,
        qos,
        payloadsOf(`cli-${qos}`, CROSS_CHECK_MESSAGES, options.bytes),
      );
      console.log(
        `cross-check mosquitto_pub → mosquitto_sub on mosquitto, QoS ${qos}, ${CROSS_CHECK_MESSAGES} messages: ` +
          (rate === null ? 'did not finish' : `${fixed(rate, 0)} msg/s`),
      );
    }
  }
  console.log(`load average at the end: ${loadAverage()}`);
}

function report(summary) {
  const find = (subject, qos) => summary.find((row) => row.subject === subject && row.qos === qos);
  console.log('');
  console.log('| subject | QoS | msg/s (median) | min | max | lost | ÷ bare Aedes | ÷ mosquitto |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of summary) {
    const aedes = find('bare Aedes', row.qos);
    const mosquitto = find('mosquitto', row.qos);
    console.log(
      `| ${row.subject} | ${row.qos} | ${fixed(row.median, 0)} | ${fixed(row.min, 0)} | ${fixed(row.max, 0)} | ${row.lost} ` +
        `| ${fixed(ratioOf(row.median, aedes?.median), 2)} | ${fixed(ratioOf(row.median, mosquitto?.median), 2)} |`,
    );
  }
  for (const qos of options.qos) {
    const ratio = ratioOf(find('FM', qos)?.median, find('bare Aedes', qos)?.median);
    if (Number.isNaN(ratio)) continue;
    console.log(
      `goal FM ≥ 0.85 × bare Aedes at QoS ${qos}: ${ratio >= 0.85 ? 'met' : 'NOT met'} (${fixed(ratio, 2)} ×)`,
    );
  }
}

await runBounded(main, 20 * 60_000);
