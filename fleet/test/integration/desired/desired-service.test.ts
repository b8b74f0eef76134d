import { deviceTopic, desiredSchema, parseMessage, type DesiredDocument } from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../../src/broker/broker.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { eventually, startFleetHarness, type FleetHarness } from '../devices/fleet-harness.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { openTempStore, recordingLogger, silentLogger } from '../store/temp-store.js';

/** Records publishes and clears; can be told to fail the next publish. */
class RecordingBroker implements Pick<Broker, 'publishToDevice' | 'clearRetained'> {
  readonly published: DesiredDocument[] = [];
  readonly cleared: string[] = [];
  failNext = false;

  async publishToDevice(deviceId: string, kind: 'desired' | 'cmd/req', payload: unknown): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('broker is not running');
    }
    expect(kind).toBe('desired');
    const document = desiredSchema.parse(payload);
    expect(document.deviceId).toBe(deviceId);
    this.published.push(document);
  }

  async clearRetained(deviceId: string): Promise<void> {
    this.cleared.push(deviceId);
  }
}

describe('DesiredService', () => {
  let store: ReturnType<typeof openTempStore>;
  let gates: GatesRepo;
  let devices: DevicesRepo;
  let broker: RecordingBroker;
  let desired: DesiredService;
  let tick: number;

  beforeEach(async () => {
    store = openTempStore();
    gates = new GatesRepo(store.sql);
    devices = new DevicesRepo(store.sql);
    await seedGates(gates);
    broker = new RecordingBroker();
    tick = 0;
    const now = () => new Date(Date.UTC(2026, 10, 26, 8, 0, tick++));
    desired = new DesiredService({
      sql: store.sql,
      devices,
      gates,
      broker,
      log: silentLogger(),
      now,
    });
    await enrol(devices, 'cat-bi-arr-01', { tags: ['wall'] });
  });
  afterEach(() => store.close());

  const rename = (id: string, name: string) =>
    store.db.prepare('UPDATE devices SET name = ? WHERE id = ?').run(name, id);

  it('stores and publishes version 1 on the first refresh', async () => {
    const document = await desired.refresh('cat-bi-arr-01');
    expect(document).toMatchObject({ version: 1, deviceId: 'cat-bi-arr-01', device: { tags: ['wall'] } });
    expect(desiredSchema.safeParse(document).success).toBe(true);
    expect(broker.published).toEqual([document]);
    expect(await desired.latest('cat-bi-arr-01')).toEqual(document);
  });

  it('does not bump the version or publish when the content is unchanged', async () => {
    const first = await desired.refresh('cat-bi-arr-01');
    const again = await desired.refresh('cat-bi-arr-01');
    expect(again).toEqual(first);
    expect(broker.published).toHaveLength(1);
  });

  it('raises the version by one for each real change', async () => {
    await desired.refresh('cat-bi-arr-01');
    rename('cat-bi-arr-01', 'Arrivals wall');
    const second = await desired.refresh('cat-bi-arr-01');
    rename('cat-bi-arr-01', 'Arrivals wall, left');
    const third = await desired.refresh('cat-bi-arr-01');
    expect([second.version, third.version]).toEqual([2, 3]);
    expect(third.device.name).toBe('Arrivals wall, left');
    expect(broker.published.map((document) => document.version)).toEqual([1, 2, 3]);
    expect(third.issuedAt > second.issuedAt).toBe(true);
  });

  it('keeps the counter when the device is removed, so a re-enrolled id continues above it', async () => {
    await desired.refresh('cat-bi-arr-01');
    rename('cat-bi-arr-01', 'Arrivals wall');
    await desired.refresh('cat-bi-arr-01');
    await devices.remove('cat-bi-arr-01');
    await desired.forget('cat-bi-arr-01');
    expect(broker.cleared).toEqual(['cat-bi-arr-01']);
    expect(await desired.latest('cat-bi-arr-01')).toBeUndefined();

    await enrol(devices, 'cat-bi-arr-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
    const reborn = await desired.refresh('cat-bi-arr-01');
    expect(reborn.version).toBe(3);
    expect(reborn.display.languages).toEqual(['vi', 'en', 'zh-Hans']);
  });

  it('keeps versions per device', async () => {
    await enrol(devices, 'cat-bi-arr-02');
    await desired.refresh('cat-bi-arr-01');
    rename('cat-bi-arr-01', 'Renamed');
    await desired.refresh('cat-bi-arr-01');
    expect((await desired.refresh('cat-bi-arr-02')).version).toBe(1);
  });

  it('refuses an unknown device with NOT_FOUND', async () => {
    await expect(desired.refresh('ghost-01')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(broker.published).toEqual([]);
  });

  it('keeps a document whose publish failed and publishes it on the next refresh, without a new version', async () => {
    broker.failNext = true;
    await expect(desired.refresh('cat-bi-arr-01')).rejects.toThrow('broker is not running');
    expect((await desired.latest('cat-bi-arr-01'))?.version).toBe(1);
    const retried = await desired.refresh('cat-bi-arr-01');
    expect(retried.version).toBe(1);
    expect(broker.published.map((document) => document.version)).toEqual([1]);
    await desired.refresh('cat-bi-arr-01');
    expect(broker.published).toHaveLength(1);
  });

  it('republishAll sends every stored document once and skips a corrupt one with a log line', async () => {
    await enrol(devices, 'cat-bi-arr-02');
    await enrol(devices, 'port-term-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
    await enrol(devices, 'cat-bi-arr-03'); // never refreshed: nothing stored, nothing to republish
    for (const id of ['cat-bi-arr-01', 'cat-bi-arr-02', 'port-term-01']) await desired.refresh(id);
    store.db.prepare("UPDATE desired_documents SET document = '{}' WHERE device_id = 'cat-bi-arr-02'").run();
    broker.published.length = 0;

    const { log, lines } = recordingLogger();
    const fresh = new DesiredService({ sql: store.sql, devices, gates, broker, log });
    expect(await fresh.republishAll()).toBe(2);
    expect(broker.published.map((document) => document.deviceId)).toEqual(['cat-bi-arr-01', 'port-term-01']);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, table: 'desired_documents', id: 'cat-bi-arr-02' }),
    );
    // A corrupt stored document counts as changed: the next refresh replaces it with a higher version.
    expect((await fresh.refresh('cat-bi-arr-02')).version).toBe(2);
  });

  it('survives a restart: a new service over the same file continues the versions', async () => {
    await desired.refresh('cat-bi-arr-01');
    const restarted = new DesiredService({
      sql: store.sql,
      devices,
      gates,
      broker,
      log: silentLogger(),
    });
    expect((await restarted.latest('cat-bi-arr-01'))?.version).toBe(1);
    rename('cat-bi-arr-01', 'After restart');
    expect((await restarted.refresh('cat-bi-arr-01')).version).toBe(2);
  });
});

describe('DesiredService behind a real broker', () => {
  let fleet: FleetHarness;
  let secret: string;

  beforeEach(async () => {
    fleet = await startFleetHarness();
    await seedGates(fleet.gates);
    secret = await enrol(fleet.devices, 'cat-bi-arr-01');
  });
  afterEach(() => fleet.close());

  it('a screen that connects later receives its retained desired document; forget clears it', async () => {
    const document = await fleet.desired.refresh('cat-bi-arr-01');
    const screen = await fleet.connectDevice('cat-bi-arr-01', secret);
    const received: DesiredDocument[] = [];
    screen.on('message', (topic, payload) => {
      const parsed = parseMessage(topic, payload);
      if (parsed.ok && parsed.kind === 'desired') received.push(parsed.payload);
    });
    await screen.subscribeAsync(deviceTopic('cat-bi-arr-01', 'desired'), { qos: 1 });
    await eventually(() => expect(received).toEqual([document]));

    await fleet.desired.forget('cat-bi-arr-01');
    const late = await fleet.connectDevice('cat-bi-arr-01', secret);
    const retained: Buffer[] = [];
    late.on('message', (_topic, payload) => retained.push(payload));
    await late.subscribeAsync(deviceTopic('cat-bi-arr-01', 'desired'), { qos: 1 });
    // Give a retained message time to arrive; there must be none.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(retained).toEqual([]);
  });

  it('republishAll puts every document back on a restarted broker', async () => {
    const document = await fleet.desired.refresh('cat-bi-arr-01');
    await fleet.restartBroker();
    const desiredOf = async () => {
      const screen = await fleet.connectDevice('cat-bi-arr-01', secret);
      const received: unknown[] = [];
      screen.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString())));
      await screen.subscribeAsync(deviceTopic('cat-bi-arr-01', 'desired'), { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await screen.endAsync();
      return received;
    };
    expect(await desiredOf()).toEqual([]);
    expect(await fleet.desired.republishAll()).toBe(1);
    expect(await desiredOf()).toEqual([document]);
  });
});
