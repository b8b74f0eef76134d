import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret, verifySecret } from '../../../src/devices/device-secrets.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { codeOf, enrol, sampleReported, sampleTelemetry, seedGates } from '../store/fixtures.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { recordingLogger } from '../store/temp-store.js';

const T0 = '2026-11-26T08:00:00.000Z';
const T1 = '2026-11-26T08:01:00.000Z';
const T2 = '2026-11-26T08:02:00.000Z';
const T3 = '2026-11-26T08:03:00.000Z';

async function count(store: TestStore, table: string, deviceId: string): Promise<number> {
  const row = await store.sql.one(
    sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE device_id = ${deviceId}`,
  );
  return Number(row?.n);
}

describe.each(STORE_DIALECTS)('DevicesRepo (%s)', (dialect) => {
  let store: TestStore;
  let devices: DevicesRepo;
  let log: ReturnType<typeof recordingLogger>;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    log = recordingLogger();
    await seedGates(new GatesRepo(store.sql));
    devices = new DevicesRepo(store.sql, log.log);
  });
  afterEach(() => store?.dispose());

  describe('create', () => {
    it('stores a never-seen device and returns its record', async () => {
      const record = await devices.create(
        {
          id: 'cat-bi-arr-01',
          name: 'Arrivals wall',
          gateId: 'cat-bi-airport',
          zoneId: 'arrivals-hall',
          tags: ['wall'],
        },
        hashSecret('x'.repeat(43)),
      );
      expect(record).toEqual({
        id: 'cat-bi-arr-01',
        name: 'Arrivals wall',
        gateId: 'cat-bi-airport',
        zoneId: 'arrivals-hall',
        tags: ['wall'],
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        presence: { state: 'never-seen', since: null, lastSeenAt: null },
        agentVersion: null,
        reported: null,
        reportedAt: null,
        lastTelemetry: null,
        lastTelemetryAt: null,
      });
      expect(await devices.get('cat-bi-arr-01')).toEqual(record);
    });

    it('refuses an unknown gate, or a zone of another gate, with NOT_FOUND and stores nothing', async () => {
      const input = { id: 'cat-bi-arr-01', name: 'x', tags: [] };
      const secret = hashSecret('s'.repeat(43));
      expect(
        await codeOf(() => devices.create({ ...input, gateId: 'noi-bai', zoneId: 'arrivals-hall' }, secret)),
      ).toBe('NOT_FOUND');
      expect(
        await codeOf(() =>
          devices.create({ ...input, gateId: 'hai-phong-port', zoneId: 'arrivals-hall' }, secret),
        ),
      ).toBe('NOT_FOUND');
      expect(await devices.list()).toEqual([]);
      expect(await devices.credential('cat-bi-arr-01')).toBeUndefined();
    });

    it('refuses a duplicate id with CONFLICT and keeps the first credential', async () => {
      const secret = await enrol(devices, 'cat-bi-arr-01');
      expect(
        await codeOf(() => enrol(devices, 'cat-bi-arr-01', { gateId: 'hai-phong-port', zoneId: 'terminal' })),
      ).toBe('CONFLICT');
      expect((await devices.get('cat-bi-arr-01'))?.gateId).toBe('cat-bi-airport');
      expect(verifySecret(secret, (await devices.credential('cat-bi-arr-01'))!)).toBe(true);
    });

    it('refuses malformed ids, names and tags with BAD_REQUEST', async () => {
      const base = {
        id: 'cat-bi-arr-01',
        name: 'x',
        gateId: 'cat-bi-airport',
        zoneId: 'arrivals-hall',
        tags: [],
      };
      const secret = hashSecret('s'.repeat(43));
      expect(await codeOf(() => devices.create({ ...base, id: '+/#' }, secret))).toBe('BAD_REQUEST');
      expect(await codeOf(() => devices.create({ ...base, name: '' }, secret))).toBe('BAD_REQUEST');
      expect(await codeOf(() => devices.create({ ...base, tags: ['Wall'] }, secret))).toBe('BAD_REQUEST');
      expect(await codeOf(() => devices.create({ ...base, tags: ['wall', 'wall'] }, secret))).toBe(
        'BAD_REQUEST',
      );
    });
  });

  it('lists devices by gate and zone, sorted by id', async () => {
    await enrol(devices, 'cat-bi-dep-01', { zoneId: 'departures' });
    await enrol(devices, 'cat-bi-arr-02');
    await enrol(devices, 'cat-bi-arr-01');
    await enrol(devices, 'port-term-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
    const ids = async (filter?: { gateId?: string; zoneId?: string }) =>
      (await devices.list(filter)).map((device) => device.id);
    expect(await ids()).toEqual(['cat-bi-arr-01', 'cat-bi-arr-02', 'cat-bi-dep-01', 'port-term-01']);
    expect(await ids({ gateId: 'cat-bi-airport' })).toEqual([
      'cat-bi-arr-01',
      'cat-bi-arr-02',
      'cat-bi-dep-01',
    ]);
    expect(await ids({ gateId: 'cat-bi-airport', zoneId: 'departures' })).toEqual(['cat-bi-dep-01']);
    expect(await ids({ gateId: 'hai-phong-port', zoneId: 'departures' })).toEqual([]);
  });

  it('authenticates a device the way the broker does: its own secret only', async () => {
    const secretA = await enrol(devices, 'cat-bi-arr-01');
    const secretB = await enrol(devices, 'cat-bi-arr-02');
    const authenticate = async (id: string, secret: Buffer) => {
      const credential = await devices.credential(id);
      return !!credential && verifySecret(secret, credential);
    };
    expect(await authenticate('cat-bi-arr-01', Buffer.from(secretA))).toBe(true);
    expect(await authenticate('cat-bi-arr-01', Buffer.from(secretB))).toBe(false);
    expect(await authenticate('cat-bi-arr-03', Buffer.from(secretA))).toBe(false);
  });

  it('remove deletes the device, its credential, telemetry and desired document; a second remove is false', async () => {
    await enrol(devices, 'cat-bi-arr-01');
    await enrol(devices, 'cat-bi-arr-02');
    await devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T0), T0);
    await devices.saveTelemetry('cat-bi-arr-02', sampleTelemetry(T0), T0);
    await store.sql.run(
      sql`INSERT INTO desired_documents (device_id, version, document, updated_at) VALUES ('cat-bi-arr-01', 1, '{}', ${T0})`,
    );

    expect(await devices.remove('cat-bi-arr-01')).toBe(true);
    expect(await devices.get('cat-bi-arr-01')).toBeUndefined();
    expect(await devices.credential('cat-bi-arr-01')).toBeUndefined();
    expect(await count(store, 'device_credentials', 'cat-bi-arr-01')).toBe(0);
    expect(await count(store, 'telemetry', 'cat-bi-arr-01')).toBe(0);
    expect(await count(store, 'desired_documents', 'cat-bi-arr-01')).toBe(0);
    expect(await devices.remove('cat-bi-arr-01')).toBe(false);
    // The neighbour is untouched.
    expect(await count(store, 'telemetry', 'cat-bi-arr-02')).toBe(1);
    expect(await devices.credential('cat-bi-arr-02')).toBeDefined();
  });

  describe('presence', () => {
    beforeEach(() => enrol(devices, 'cat-bi-arr-01'));
    const presence = async () => (await devices.get('cat-bi-arr-01'))?.presence;

    it('since moves only when the state changes; lastSeenAt follows every update', async () => {
      expect(await devices.setPresence('cat-bi-arr-01', 'online', T0)).toBe(true);
      expect(await presence()).toEqual({ state: 'online', since: T0, lastSeenAt: T0 });
      await devices.setPresence('cat-bi-arr-01', 'online', T1);
      expect(await presence()).toEqual({ state: 'online', since: T0, lastSeenAt: T1 });
      await devices.setPresence('cat-bi-arr-01', 'offline', T2);
      expect(await presence()).toEqual({ state: 'offline', since: T2, lastSeenAt: T2 });
      await devices.setPresence('cat-bi-arr-01', 'offline', T3);
      expect(await presence()).toEqual({ state: 'offline', since: T2, lastSeenAt: T3 });
    });

    it('keeps an agent version given with the status, and keeps it when none is given', async () => {
      await devices.setPresence('cat-bi-arr-01', 'online', T0, '0.2.0');
      await devices.setPresence('cat-bi-arr-01', 'offline', T1);
      expect((await devices.get('cat-bi-arr-01'))?.agentVersion).toBe('0.2.0');
    });

    it('reports false for a device not in the store', async () => {
      expect(await devices.setPresence('ghost-01', 'online', T0)).toBe(false);
    });

    it('markAllOffline turns online devices offline at the given time and leaves the rest alone', async () => {
      await enrol(devices, 'cat-bi-arr-02');
      await enrol(devices, 'cat-bi-arr-03');
      await devices.setPresence('cat-bi-arr-01', 'online', T0);
      await devices.setPresence('cat-bi-arr-02', 'offline', T0);
      expect(await devices.markAllOffline(T2)).toBe(1);
      expect(await presence()).toEqual({ state: 'offline', since: T2, lastSeenAt: T0 });
      expect((await devices.get('cat-bi-arr-02'))?.presence).toEqual({
        state: 'offline',
        since: T0,
        lastSeenAt: T0,
      });
      expect((await devices.get('cat-bi-arr-03'))?.presence.state).toBe('never-seen');
    });
  });

  it('saveReported stores the report, its time and the agent version, and counts as seen', async () => {
    await enrol(devices, 'cat-bi-arr-01');
    expect(await devices.saveReported('cat-bi-arr-01', sampleReported(T0, '0.3.1'), T1)).toBe(true);
    const record = await devices.get('cat-bi-arr-01');
    expect(record).toMatchObject({
      reported: sampleReported(T0, '0.3.1'),
      reportedAt: T1,
      agentVersion: '0.3.1',
    });
    expect(record?.presence.lastSeenAt).toBe(T1);
    expect(await devices.saveReported('ghost-01', sampleReported(T0), T1)).toBe(false);
  });

  describe('telemetry', () => {
    beforeEach(() => enrol(devices, 'cat-bi-arr-01'));

    it('keeps the last sample on the device and every sample in the history, newest first', async () => {
      await devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T0, 10), T0);
      await devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T1, 20), T1);
      await devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T2, 30), T2);
      const record = await devices.get('cat-bi-arr-01');
      expect(record?.lastTelemetry).toEqual(sampleTelemetry(T2, 30));
      expect(record?.lastTelemetryAt).toBe(T2);
      expect(record?.presence.lastSeenAt).toBe(T2);

      const history = await devices.telemetryHistory('cat-bi-arr-01', { limit: 100 });
      expect(history.map((entry) => [entry.receivedAt, entry.sample.cpu.loadPercent])).toEqual([
        [T2, 30],
        [T1, 20],
        [T0, 10],
      ]);
      expect(
        (await devices.telemetryHistory('cat-bi-arr-01', { limit: 2 })).map((e) => e.receivedAt),
      ).toEqual([T2, T1]);
      // since is inclusive and accepts any ISO form of the instant.
      const since = await devices.telemetryHistory('cat-bi-arr-01', {
        since: '2026-11-26T15:01:00+07:00',
        limit: 100,
      });
      expect(since.map((e) => e.receivedAt)).toEqual([T2, T1]);
    });

    it('refuses a malformed since with BAD_REQUEST', async () => {
      expect(
        await codeOf(() => devices.telemetryHistory('cat-bi-arr-01', { since: 'yesterday', limit: 5 })),
      ).toBe('BAD_REQUEST');
    });

    it('ignores telemetry of a device not in the store without writing history', async () => {
      expect(await devices.saveTelemetry('ghost-01', sampleTelemetry(T0), T0)).toBe(false);
      expect(await count(store, 'telemetry', 'ghost-01')).toBe(0);
    });

    it('pruneTelemetry removes history older than the cut-off only', async () => {
      await devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T0), T0);
      await devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T2), T2);
      expect(await devices.pruneTelemetry(T1)).toBe(1);
      expect(
        (await devices.telemetryHistory('cat-bi-arr-01', { limit: 10 })).map((e) => e.receivedAt),
      ).toEqual([T2]);
      expect((await devices.get('cat-bi-arr-01'))?.lastTelemetryAt).toBe(T2);
    });
  });

  it('reads corrupt JSON columns as null (or no tags) and logs each, without throwing', async () => {
    await enrol(devices, 'cat-bi-arr-01', { tags: ['wall'] });
    await devices.saveReported('cat-bi-arr-01', sampleReported(T0), T0);
    await devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T0), T0);
    await store.sql.run(
      sql`UPDATE devices SET tags = 'nope', reported = '{"phase":"dancing"}', last_telemetry = '{' WHERE id = 'cat-bi-arr-01'`,
    );
    await store.sql.run(sql`UPDATE telemetry SET sample = '[]' WHERE device_id = 'cat-bi-arr-01'`);

    const record = await devices.get('cat-bi-arr-01');
    expect(record).toMatchObject({ tags: [], reported: null, lastTelemetry: null, reportedAt: T0 });
    expect(await devices.telemetryHistory('cat-bi-arr-01', { limit: 10 })).toEqual([]);
    const columns = log.lines
      .filter((line) => line.level === 50)
      .map((line) => `${line.table}.${line.column}`);
    expect(columns).toEqual([
      'devices.tags',
      'devices.reported',
      'devices.last_telemetry',
      'telemetry.sample',
    ]);
  });
});
