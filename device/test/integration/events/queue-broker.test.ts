import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DurableEventQueue } from '../../../src/events/durable-queue.js';
import { createMqttLink, type MqttLink } from '../../../src/link/mqtt-link.js';
import { FleetClient } from '../helpers/fleet-client.js';
import { DEVICE_ID, SECRET, agentConfig, eventually, tempDir, testLogger } from '../helpers/fixtures.js';
import { freePort, startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { clock, openQueue, playEvent } from './queue-helpers.js';

describe('events through the link and a real broker', () => {
  let root: Awaited<ReturnType<typeof tempDir>>;
  let broker: TestBroker | null = null;
  let fleet: FleetClient | null = null;
  let link: MqttLink | null = null;
  let queue: DurableEventQueue | null = null;

  beforeEach(async () => {
    root = await tempDir('event-queue-broker');
  });

  afterEach(async () => {
    await link?.stop();
    await queue?.stop();
    await fleet?.close();
    await broker?.stop();
    await root.remove();
    link = queue = fleet = broker = null;
  });

  it('queues events while the broker is down and delivers each exactly once, in order, when it is up', async () => {
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const dataDir = join(root.path, 'data');
    queue = openQueue(join(dataDir, 'events'), { window: 5 });
    await queue.start();
    link = createMqttLink({
      config: agentConfig(url, dataDir),
      agentVersion: '0.1.0-test',
      log: testLogger(),
      clock,
      events: queue,
      onMessage: () => undefined,
      onRejected: () => undefined,
      onConnected: () => undefined,
    });
    await link.start();
    const events = Array.from({ length: 60 }, () => playEvent('offline'));
    for (const event of events) link.send('events', event);
    const open = queue;
    await eventually(() => expect(open.pending).toBe(60));
    expect(link.connected).toBe(false);

    broker = await startTestBroker({ [DEVICE_ID]: SECRET }, port);
    fleet = await FleetClient.connect(broker.url);
    const watcher = fleet;
    await eventually(() => expect(watcher.of(DEVICE_ID, 'events')).toHaveLength(60), 20_000);
    await eventually(() => expect(open.pending).toBe(0));
    // Nothing more arrives: each event went over the wire once.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const received = watcher.of(DEVICE_ID, 'events').map((message) => message.payload.id);
    expect(received).toEqual(events.map((event) => event.id));
    expect(broker.refusals).toEqual([]);

    // Live events follow straight away, through the same queue.
    const live = playEvent('live');
    link.send('events', live);
    await watcher.waitFor((message) => message.payload.id === live.id);
    await eventually(() => expect(open.pending).toBe(0));
  });
});
