import type net from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deviceTopic } from '@gatecast/protocol';
import { recordFigure, sized } from '../../support/figures.js';
import {
  connectPacket,
  desiredDocument,
  eventPayload,
} from '../../../fleet/test/integration/broker/helpers.js';
import {
  connectDevice,
  deviceIds,
  rawSocket,
  startBrokerProcess,
  type BrokerProcess,
  type FleetMessage,
} from '../../support/broker-robustness.js';
import mqttPacket from 'mqtt-packet';

// F5: one screen stops reading its socket while the fleet floods it with large desired documents
// and keeps commanding the healthy screens, which also keep reporting. Nothing meant for or sent
// by a healthy screen may be lost.

const HEALTHY = sized(10, 50);
const PER_HEALTHY = sized(200, 1_000);
/**
 * ~8.5 KB each: more than the frozen socket's kernel buffers take (Linux lets a loopback receive
 * buffer grow to tcp_rmem's maximum, 32 MB here), so the broker has to hold back.
 */
const FLOOD = sized(6_000, 20_000);
/** No healthy message may take longer than this to arrive; a loss is one that never does. */
const WAIT_MS = 60_000;
/** How long the flood may take to fill the frozen socket before the healthy traffic starts. */
const FILL_MS = 30_000;
/** The broker cuts a subscriber whose socket stays full for its drain timeout (10 s). */
const FROZEN_CUT_MS = 20_000;
const FROZEN = 'gate-f5-frozen';
const HEALTHY_IDS = deviceIds('gate-f5-healthy', HEALTHY);

let broker: BrokerProcess;
let frozen: net.Socket | undefined;
const healthy: MqttClient[] = [];

beforeAll(async () => {
  broker = await startBrokerProcess({ devices: [FROZEN, ...HEALTHY_IDS] });
});

afterAll(async () => {
  frozen?.destroy();
  await Promise.all(healthy.map((client) => client.endAsync(true).catch(() => undefined)));
  await broker?.close();
});

/** A raw connection subscribed to its own topics that then stops reading. */
async function freeze(): Promise<net.Socket> {
  const socket = await rawSocket(broker.port);
  socket.on('error', () => undefined);
  const subscribed = new Promise<void>((resolve) => {
    let bytes = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      // CONNACK (4 bytes) then SUBACK (0x90, 2 + 2 + 2 bytes).
      if (bytes.length >= 10 && bytes[4] === 0x90) resolve();
    });
  });
  socket.write(connectPacket(FROZEN));
  socket.write(
    mqttPacket.generate({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [
        { topic: deviceTopic(FROZEN, 'desired'), qos: 1 },
        { topic: deviceTopic(FROZEN, 'cmd/req'), qos: 1 },
      ],
    }),
  );
  await subscribed;
  socket.removeAllListeners('data');
  socket.pause();
  return socket;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function frozenConnected(): Promise<boolean> {
  return (await broker.call<{ connected: boolean }>('isConnected', { deviceId: FROZEN })).connected;
}

/** Bytes the broker holds waiting for the slowest connection's socket. */
async function backlog(): Promise<number> {
  return (await broker.call<{ bytes: number }>('writeBacklog')).bytes;
}

function bigDesired(version: number): FleetMessage {
  const base = desiredDocument(FROZEN, version);
  const body = { vi: 'x'.repeat(4_000), en: 'y'.repeat(4_000) };
  return {
    deviceId: FROZEN,
    kind: 'desired',
    payload: { ...base, content: { defaultItem: { kind: 'text', id: 'welcome', body } } },
  };
}

function ping(deviceId: string, index: number, sequence: number): FleetMessage {
  return {
    deviceId,
    kind: 'cmd/req',
    payload: { id: `f5-cmd-${index}-${sequence}`, issuedAt: new Date().toISOString(), name: 'ping' },
  };
}

it('F5: a subscriber that stops reading costs the healthy screens nothing', async () => {
  const received = new Map<string, Set<string>>();
  let lastArrival = 0;
  for (const id of HEALTHY_IDS) {
    const client = await connectDevice(broker.port, id);
    healthy.push(client);
    received.set(id, new Set());
    client.on('message', (_topic, payload) => {
      received.get(id)?.add((JSON.parse(payload.toString()) as { id: string }).id);
      lastArrival = performance.now();
    });
    await client.subscribeAsync([deviceTopic(id, 'cmd/req'), deviceTopic(id, 'desired')], { qos: 1 });
  }
  frozen = await freeze();
  const frozenAt = performance.now();
  const flood = broker.publish([bigDesired(1)], FLOOD).catch((error: Error) => error);
  // The healthy traffic starts once the frozen socket is full: the broker holds bytes back for it.
  const fullBy = performance.now() + FILL_MS;
  while ((await backlog()) === 0 && performance.now() < fullBy) await sleep(100);
  // Without a full socket the row would not be testing a frozen subscriber at all.
  const frozenFull = (await backlog()) > 0;
  const frozenFullAfter = (performance.now() - frozenAt) / 1000;
  const started = performance.now();
  const commands: FleetMessage[] = [];
  for (let sequence = 0; sequence < PER_HEALTHY; sequence += 1) {
    HEALTHY_IDS.forEach((id, index) => commands.push(ping(id, index, sequence)));
  }
  const commanded = broker.publish(commands);
  const reports = healthy.map(async (client, index) => {
    const id = HEALTHY_IDS[index] as string;
    for (let sequence = 0; sequence < PER_HEALTHY; sequence += 1) {
      await client.publishAsync(deviceTopic(id, 'events'), eventPayload(`f5-evt-${sequence}`), { qos: 1 });
    }
  });
  const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), WAIT_MS).unref());
  const outcome = await Promise.race([Promise.all([commanded, ...reports]), deadline]);
  // Let the last deliveries land, then count.
  const expected = HEALTHY * PER_HEALTHY;
  const settleUntil = performance.now() + 5_000;
  const delivered = (): number => [...received.values()].reduce((sum, ids) => sum + ids.size, 0);
  while (delivered() < expected && performance.now() < settleUntil) await sleep(50);
  const report = await broker.report();
  const accepted = HEALTHY_IDS.reduce((sum, id) => sum + (report.accepted[id] ?? 0), 0);
  const commandsLost = expected - delivered();
  const reportsLost = expected - accepted;
  const heldBack = await backlog();
  const floodOutcome = await Promise.race([flood, Promise.resolve('still held back')]);
  const seconds = ((lastArrival - started) / 1000).toFixed(1);
  // The broker's side: a paused socket would not even read the FIN.
  const cutBy = frozenAt + FROZEN_CUT_MS;
  while (performance.now() < cutBy && (await frozenConnected())) await sleep(100);
  const cutAt = (await frozenConnected()) ? null : performance.now();
  const frozenFate = cutAt ? `cut ${((cutAt - frozenAt) / 1000).toFixed(1)} s after it froze` : 'never cut';
  recordFigure({
    id: 'F5',
    figure:
      `healthy clients' loss ${commandsLost + reportsLost} (commands to them lost ${commandsLost}/${expected}, ` +
      `their reports lost ${reportsLost}/${expected}); all healthy traffic done in ${seconds} s` +
      `${outcome === 'timeout' ? ' (timed out)' : ''}, started once the frozen socket was full ` +
      `(${frozenFull ? '' : 'IT NEVER FILLED, '}${frozenFullAfter.toFixed(1)} s into a flood of ${FLOOD} × 8.5 KB desired, ${(heldBack / 1024).toFixed(0)} KiB held back ` +
      `after it, flood ${typeof floodOutcome === 'string' ? floodOutcome : 'already through'}); ` +
      `the frozen one ${frozenFate} (drain timeout 10 s)`,
    pass: '0',
    passed: frozenFull && commandsLost === 0 && reportsLost === 0,
    size: `${HEALTHY} healthy × ${PER_HEALTHY} each way, ${FLOOD} desired to the frozen one`,
  });
  expect(frozenFull).toBe(true);
  expect(commandsLost).toBe(0);
  expect(reportsLost).toBe(0);
});
