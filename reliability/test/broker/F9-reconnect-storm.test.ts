import { loadavg } from 'node:os';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deviceTopic } from '@gatecast/protocol';
import { recordFigure, sized } from '../../support/figures.js';
import { eventPayload, statusPayload } from '../../../fleet/test/integration/broker/helpers.js';
import {
  connectDevice,
  deviceIds,
  startBrokerProcess,
  type BrokerProcess,
} from '../../support/broker-robustness.js';

// F9: every screen loses the broker at once (a restart), retries on the same fixed period while
// it is down, and comes back in one storm. As a screen does on connect, each resubscribes to its
// own topics and publishes its retained status. Event-loop delay is measured in the broker's
// process from the moment it listens again until the last screen is back.

const SCREENS = sized(200, 500);
const DOWN_MS = sized(3_000, 10_000);
const RECONNECT_PERIOD_MS = 1_000;
const LIMIT_MS = 60_000;
const EVENT_LOOP_LIMIT_MS = 200;
const IDS = deviceIds('gate-f9-screen', SCREENS);

let broker: BrokerProcess;
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await startBrokerProcess({ devices: IDS });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await broker?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function connectedOnBroker(): Promise<number> {
  return (await broker.report()).stats.connectedDevices;
}

it('F9: after a broker restart every screen is back within 60 s, and the broker stays responsive', async () => {
  const connects = new Map<string, number>();
  for (const [index, id] of IDS.entries()) {
    const client = await connectDevice(broker.port, id, {
      reconnectPeriod: RECONNECT_PERIOD_MS,
      keepalive: 30,
    });
    clients[index] = client;
    client.on('connect', () => {
      connects.set(id, (connects.get(id) ?? 0) + 1);
      client.publish(deviceTopic(id, 'status'), statusPayload('online'), { qos: 1, retain: true });
    });
    await client.subscribeAsync([deviceTopic(id, 'desired'), deviceTopic(id, 'cmd/req')], { qos: 1 });
  }
  expect(await connectedOnBroker()).toBe(SCREENS);

  await broker.call('stop');
  await sleep(DOWN_MS);
  await broker.call('delayStart');
  const restarted = performance.now();
  await broker.call('start');
  const deadline = restarted + LIMIT_MS + 10_000;
  const allBack = (): boolean => IDS.every((id) => (connects.get(id) ?? 0) >= 1);
  let onBroker = 0;
  while (performance.now() < deadline) {
    onBroker = await connectedOnBroker();
    if (onBroker === SCREENS && allBack()) break;
    await sleep(100);
  }
  const seconds = (performance.now() - restarted) / 1000;
  const { p99Ms, maxMs, samples, cpuMs } = await broker.call<{
    p99Ms: number;
    maxMs: number;
    samples: number;
    cpuMs: number;
  }>('delayStop');
  const back = IDS.filter((id) => (connects.get(id) ?? 0) >= 1).length;
  // Back means working: each screen's QoS 1 event is acknowledged after the storm.
  const acknowledged = await Promise.all(
    clients.map((client, index) =>
      client
        .publishAsync(deviceTopic(IDS[index] as string, 'events'), eventPayload(`f9-evt-${index}-after`), {
          qos: 1,
        })
        .then(() => true)
        .catch(() => false),
    ),
  );
  const served = acknowledged.filter(Boolean).length;
  const inTime = back === SCREENS && onBroker === SCREENS && seconds <= LIMIT_MS / 1000;
  recordFigure({
    id: 'F9',
    figure:
      `reconnected ${Math.min(back, onBroker)}/${SCREENS} in ${seconds.toFixed(1)} s after the restart ` +
      `(${back} by the screens' count, ${onBroker} on the broker; down ${DOWN_MS / 1000} s, retry every ${RECONNECT_PERIOD_MS / 1000} s; ` +
      `${served}/${SCREENS} have a QoS 1 event acknowledged after); broker event-loop p99 ${p99Ms.toFixed(1)} ms ` +
      `(max ${maxMs.toFixed(1)} ms, ${samples} samples at 1 ms resolution; broker CPU ` +
      `${(cpuMs / 1000).toFixed(2)} s over the storm; machine load ${loadavg()[0]?.toFixed(1)})`,
    pass: '≤ 60 s; < 200 ms',
    passed: inTime && served === SCREENS && p99Ms < EVENT_LOOP_LIMIT_MS,
    size: `${SCREENS} screens`,
  });
  expect(back).toBe(SCREENS);
  expect(onBroker).toBe(SCREENS);
  expect(seconds).toBeLessThanOrEqual(LIMIT_MS / 1000);
  expect(served).toBe(SCREENS);
  expect(p99Ms).toBeLessThan(EVENT_LOOP_LIMIT_MS);
});
