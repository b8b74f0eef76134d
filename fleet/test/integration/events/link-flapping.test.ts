import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentConfigSchema, type DeviceEvent } from '@gatecast/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableEventQueue } from '../../../../device/src/events/durable-queue.js';
import { createMqttLink, type MqttLink } from '../../../../device/src/link/mqtt-link.js';
import { startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { enrolScreen, storedCounts, waitUntil } from './agent-harness.js';
import { startFlappingProxy, type FlappingProxy } from './flapping-proxy.js';

const FLAP_EVERY_MS = 1_000;
const PRODUCE_FOR_MS = 6_000;

describe('N2: a link flapping every second while proof of play is produced', () => {
  let rf: RealFleet;
  let proxy: FlappingProxy;
  let dir: string;
  let queue: DurableEventQueue | null = null;
  let link: MqttLink | null = null;
  let flapping: NodeJS.Timeout | null = null;

  beforeEach(async () => {
    rf = await startRealFleet();
    proxy = await startFlappingProxy(rf.running.mqttPort);
    dir = await mkdtemp(join(tmpdir(), 'gatecast-flapping-'));
  });

  afterEach(async () => {
    if (flapping) clearInterval(flapping);
    await link?.stop();
    await queue?.stop();
    await proxy.close();
    await rf.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loses no event and stores none twice', async () => {
    const enrolled = await enrolScreen(rf);
    const config = agentConfigSchema.parse({
      ...enrolled,
      dataDir: dir,
      mqtt: { ...enrolled.mqtt, url: `mqtt://127.0.0.1:${proxy.port}`, keepaliveSec: 5, reconnectMinMs: 100 },
      player: { mode: 'none' },
    });
    const log = pino({ level: 'silent' });
    const clock = { now: () => new Date() };
    queue = new DurableEventQueue({ dir: join(dir, 'events'), log, clock });
    await queue.start();
    link = createMqttLink({
      config,
      agentVersion: '0.1.0-test',
      log,
      clock,
      events: queue,
      onMessage: () => undefined,
      onRejected: () => undefined,
      onConnected: () => undefined,
    });
    await link.start();

    let cuts = 0;
    flapping = setInterval(() => (cuts += proxy.cutAll() > 0 ? 1 : 0), FLAP_EVERY_MS);
    const produced: string[] = [];
    const until = Date.now() + PRODUCE_FOR_MS;
    for (let n = 0; Date.now() < until; n += 1) {
      const event = play(n);
      link.send('events', event);
      produced.push(event.id);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    clearInterval(flapping);
    flapping = null;
    expect(cuts).toBeGreaterThanOrEqual(3);

    const deviceId = config.deviceId;
    const open = queue;
    await waitUntil(() => open.pending === 0, 30_000, 'the queue to drain');
    // Acknowledged means stored: the fleet stores before it sends the PUBACK.
    const stored = storedCounts(rf.dataDir, deviceId);
    expect([...stored.values()].every((count) => count === 1)).toBe(true);
    expect(produced.filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBe(produced.length);
  }, 60_000);
});

function play(n: number): DeviceEvent {
  const at = new Date().toISOString();
  return {
    id: `flap-${process.pid}-${String(n).padStart(6, '0')}`,
    at,
    kind: 'proof-of-play',
    itemId: 'welcome-loop',
    zone: 'main',
    language: 'vi',
    startedAt: at,
    durationMs: 8_000,
  };
}
