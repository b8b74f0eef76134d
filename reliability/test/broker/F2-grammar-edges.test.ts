import { afterAll, beforeAll, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { deviceTopic } from '@gatecast/protocol';
import { recordFigure } from '../../support/figures.js';
import { connectPacket } from '../../../fleet/test/integration/broker/helpers.js';
import {
  closedWithin,
  rawSocket,
  startBrokerProcess,
  startCanary,
  type BrokerProcess,
  type Canary,
} from '../../support/broker-robustness.js';

// F2: MQTT grammar at its edges, each on its own connection, against the fleet's broker. A crash is
// the broker process exiting or the canary no longer round-tripping after the case.

const ATTACKER = 'gate-f2-attacker';
const CANARY = 'gate-f2-canary';

function publish(topic: string | Buffer, qos: 0 | 1 = 0): Buffer {
  return mqttPacket.generate({
    cmd: 'publish',
    topic: topic as string,
    payload: Buffer.from('{}'),
    qos,
    messageId: qos ? 7 : undefined,
    dup: false,
    retain: false,
  });
}

function subscribe(topic: string): Buffer {
  return mqttPacket.generate({ cmd: 'subscribe', messageId: 9, subscriptions: [{ topic, qos: 1 }] });
}

/** A QoS 0 PUBLISH whose topic is raw bytes (mqtt-packet would encode a string as valid UTF-8). */
function publishRawTopic(topic: Buffer): Buffer {
  const body = Buffer.concat([
    Buffer.from([topic.length >> 8, topic.length & 0xff]),
    topic,
    Buffer.from('{}'),
  ]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

const levels101 = Array.from({ length: 101 }, (_, index) => `l${index}`).join('/');
const topic64k = 'a'.repeat(65_535);
const canaryDesired = deviceTopic(CANARY, 'desired');
const connect = connectPacket(ATTACKER);

/** Each case: the bytes one connection sends. */
const CASES: Array<[string, Buffer]> = [
  ['101-level topic in PUBLISH', Buffer.concat([connect, publish(levels101)])],
  ['101-level filter in SUBSCRIBE', Buffer.concat([connect, subscribe(levels101)])],
  ['101-level will topic in CONNECT', connectPacket(ATTACKER, { will: willTo(levels101) })],
  ['64 KiB topic in PUBLISH', Buffer.concat([connect, publish(topic64k, 1)])],
  ['64 KiB filter in SUBSCRIBE', Buffer.concat([connect, subscribe(topic64k)])],
  [
    'invalid UTF-8 in PUBLISH topic',
    Buffer.concat([connect, publishRawTopic(Buffer.from([0x67, 0xff, 0xfe, 0xc0, 0x2f]))]),
  ],
  ['wildcard + in PUBLISH topic', Buffer.concat([connect, publish(canaryDesired.replace('/desired', '/+'))])],
  ['wildcard # in PUBLISH topic', Buffer.concat([connect, publish('#')])],
  ['QoS 3 PUBLISH', Buffer.concat([connect, Buffer.from([0x36]), publish(canaryDesired, 1).subarray(1)])],
  ['PUBLISH before CONNECT', publish(canaryDesired)],
  ['second CONNECT', Buffer.concat([connect, connect])],
];

function willTo(topic: string): mqttPacket.IConnectPacket['will'] {
  return { topic, payload: Buffer.from('{}'), qos: 0, retain: false };
}

let broker: BrokerProcess;
let canary: Canary;

beforeAll(async () => {
  broker = await startBrokerProcess({ devices: [ATTACKER, CANARY] });
  canary = await startCanary(broker, CANARY);
});

afterAll(async () => {
  await canary?.close();
  await broker?.close();
});

it('F2: grammar edges crash nothing', async () => {
  const failed: string[] = [];
  const lines: string[] = [];
  for (const [name, bytes] of CASES) {
    const socket = await rawSocket(broker.port);
    socket.on('error', () => undefined);
    socket.write(bytes);
    const closed = await closedWithin(socket, 2_000);
    socket.destroy();
    const alive = broker.exit === null && (await canary.roundTrip());
    if (!alive) failed.push(name);
    lines.push(`${name}: ${alive ? 'alive' : 'CRASH'}${closed ? ', closed' : ', left open'}`);
  }
  const report = await broker.report();
  process.stdout.write(`F2 cases:\n  ${lines.join('\n  ')}\n`);
  const leaks = canary.unexpected.length;
  recordFigure({
    id: 'F2',
    figure:
      `crashes: ${failed.length} of ${CASES.length} cases${failed.length ? ` (${failed.join(', ')})` : ''}; ` +
      `canary round-trips after each ${CASES.length - failed.length}/${CASES.length}; ` +
      `foreign deliveries to the canary ${leaks}; attacker messages accepted ${report.accepted[ATTACKER] ?? 0}`,
    pass: 'crashes 0',
    passed: failed.length === 0 && leaks === 0,
    size: `${CASES.length} cases`,
  });
  expect(failed).toEqual([]);
  expect(canary.unexpected).toEqual([]);
});
