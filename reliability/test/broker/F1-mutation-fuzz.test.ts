import { afterAll, beforeAll, expect, it } from 'vitest';
import { deviceTopic } from '@gatecast/protocol';
import { fuzzSeed, recordFigure, seededRandom, sized } from '../../support/figures.js';
import {
  closedWithin,
  connectDevice,
  deviceIds,
  mb,
  rawSocket,
  startBrokerProcess,
  startCanary,
  type BrokerProcess,
  type Canary,
} from '../../support/broker-robustness.js';
import { fuzzCase, type Random } from '../../support/broker-fuzz.js';

// F1: seeded mutation fuzz of valid MQTT packets against the fleet's broker, each case on its own
// connection. The broker runs in its own process, so the RSS delta is the broker's alone.

const CASES = sized(5_000, 100_000);
const LANES = 16;
/** How long a case's connection may stay open once its bytes are sent. */
const CASE_WAIT_MS = 50;
/** Aedes' and V8's heaps grow to their working size over the first ~2,000 cases, then stay flat. */
const WARMUP_CASES = 2_000;
const RSS_LIMIT = 20 * 1024 * 1024;
const CANARY = 'gate-f1-canary';
/** Never connects: its topics are fuzzed, and nothing may be retained for it. */
const VICTIM = 'gate-f1-victim';
const LANE_IDS = deviceIds('gate-f1-fuzz', LANES);

let broker: BrokerProcess;
let canary: Canary;

beforeAll(async () => {
  broker = await startBrokerProcess({ devices: [CANARY, VICTIM, ...LANE_IDS] });
  canary = await startCanary(broker, CANARY);
});

afterAll(async () => {
  await canary?.close();
  await broker?.close();
});

/** Runs cases [from, to) over the lanes; each lane is one device id and one connection at a time. */
async function runCases(random: Random, from: number, to: number): Promise<{ closedByBroker: number }> {
  let next = from;
  let closedByBroker = 0;
  const lane = async (laneId: string): Promise<void> => {
    while (next < to && broker.exit === null) {
      next += 1;
      const bytes = fuzzCase(random, { self: laneId, canary: CANARY, victim: VICTIM });
      const socket = await rawSocket(broker.port);
      socket.on('error', () => undefined);
      socket.write(bytes);
      if (await closedWithin(socket, CASE_WAIT_MS)) closedByBroker += 1;
      socket.destroy();
    }
  };
  await Promise.all(LANE_IDS.map(lane));
  return { closedByBroker };
}

/** Anything retained for the victim (it never connected, so all of it would be the fuzzer's). */
async function retainedForVictim(): Promise<number> {
  const client = await connectDevice(broker.port, VICTIM);
  let received = 0;
  client.on('message', () => (received += 1));
  await client.subscribeAsync([deviceTopic(VICTIM, 'desired'), deviceTopic(VICTIM, 'cmd/req')], { qos: 1 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await client.endAsync(true);
  return received;
}

it('F1: mutated MQTT packets leave the broker alive, leak nothing and hold no memory', async () => {
  const seed = fuzzSeed('F1');
  const random = seededRandom(seed);
  await runCases(random, 0, WARMUP_CASES);
  const before = await broker.memory();
  const rssBefore = before.rss;
  const acceptedBefore = await broker.report();
  const started = performance.now();
  const { closedByBroker } = await runCases(random, 0, CASES);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = broker.exit === null ? await broker.memory() : null;
  const rssAfter = after?.rss ?? Number.NaN;
  const report = broker.exit === null ? await broker.report() : acceptedBefore;
  const canaryPublishedByOthers = (report.accepted[CANARY] ?? 0) - (acceptedBefore.accepted[CANARY] ?? 0);
  const victimAccepted = report.accepted[VICTIM] ?? 0;
  const victimRetained = broker.exit === null ? await retainedForVictim() : 0;
  const alive = broker.exit === null && (await canary.roundTrip());
  const deliveries = canary.unexpected.length + victimRetained;
  const foreignAccepted = canaryPublishedByOthers + victimAccepted;
  const delta = rssAfter - rssBefore;
  const laneAccepted = LANE_IDS.reduce((sum, id) => sum + (report.accepted[id] ?? 0), 0);
  process.stdout.write(
    `F1: ${CASES} cases in ${seconds.toFixed(1)} s; closed by the broker ${closedByBroker}; ` +
      `fuzzers' own messages accepted ${laneAccepted}; guard closures ${report.stats.guardClosures}; ` +
      `refused CONNECTs ${report.stats.rejectedConnects}, refused PUBLISHes ${report.stats.rejectedPublishes}; ` +
      `sessions still connected after the fuzz ${report.stats.connectedDevices} (the canary's: 1)\n`,
  );
  recordFigure({
    id: 'F1',
    figure:
      `broker alive: ${alive ? 'yes' : `no (${broker.exit ?? 'canary round-trip failed'})`}; ` +
      `canary deliveries ${deliveries} (live ${canary.unexpected.length}, retained ${victimRetained}), ` +
      `messages accepted on others' topics ${foreignAccepted}; ` +
      `RSS delta ${mb(delta)} (${mb(rssBefore)} → ${mb(rssAfter)} after a ${WARMUP_CASES}-case warm-up; ` +
      `heap used ${mb(before.heapUsed)} → ${mb(after?.heapUsed ?? Number.NaN)})`,
    pass: 'alive; 0; ≤ 20 MB',
    passed: alive && deliveries === 0 && foreignAccepted === 0 && delta <= RSS_LIMIT,
    size: `${CASES} cases`,
    seed,
  });
  expect(alive).toBe(true);
  expect(deliveries).toBe(0);
  expect(foreignAccepted).toBe(0);
  expect(delta).toBeLessThanOrEqual(RSS_LIMIT);
});
