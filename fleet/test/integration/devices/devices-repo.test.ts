import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret, verifySecret } from '../../../src/devices/device-secrets.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { codeOf, enrol, sampleReported, sampleTelemetry, seedGates } from '../store/fixtures.js';
import { openTempStore, recordingLogger } from '../store/temp-store.js';

const T0 = '2026-11-26T08:00:00.000Z';
const T1 = '2026-11-26T08:01:00.000Z';
const T2 = '2026-11-26T08:02:00.000Z';
const T3 = '2026-11-26T08:03:00.000Z';

function count(store: ReturnType<typeof openTempStore>, table: string, deviceId: string): number {
  return store.db
    .prepare(`SELECT count(*) FROM ${table} WHERE device_id = ?`)
    .pluck()
    .get(deviceId) as number;
}

describe('DevicesRepo', () => {
  let store: ReturnType<typeof openTempStore>;
  let devices: DevicesRepo;
  let log: ReturnType<typeof recordingLogger>;

  beforeEach(() => {
    store = openTempStore();
    log = recordingLogger();
    seedGates(new GatesRepo(store.db));
    devices = new DevicesRepo(store.db, log.log);
  });
  afterEach(() => store.close());

  describe('create', () => {
    it('stores a never-seen device and returns its record', () => {
      const record = devices.create(
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
      expect(devices.get('cat-bi-arr-01')).toEqual(record);
    });

    it('refuses an unknown gate, or a zone of another gate, with NOT_FOUND and stores nothing', () => {
      const input = { id: 'cat-bi-arr-01', name: 'x', tags: [] };
      const secret = hashSecret('s'.repeat(43));
      expect(
        codeOf(() => devices.create({ ...input, gateId: 'noi-bai', zoneId: 'arrivals-hall' }, secret)),
      ).toBe('NOT_FOUND');
      expect(
        codeOf(() => devices.create({ ...input, gateId: 'hai-phong-port', zoneId: 'arrivals-hall' }, secret)),
      ).toBe('NOT_FOUND');
      expect(devices.list()).toEqual([]);
      expect(devices.credential('cat-bi-arr-01')).toBeUndefined();
    });

    it('refuses a duplicate id with CONFLICT and keeps the first credential', () => {
      const secret = enrol(devices, 'cat-bi-arr-01');
      expect(
        codeOf(() => enrol(devices, 'cat-bi-arr-01', { gateId: 'hai-phong-port', zoneId: 'terminal' })),
      ).toBe('CONFLICT');
      expect(devices.get('cat-bi-arr-01')?.gateId).toBe('cat-bi-airport');
      expect(verifySecret(secret, devices.credential('cat-bi-arr-01')!)).toBe(true);
    });

    it('refuses malformed ids, names and tags with BAD_REQUEST', () => {
      const base = {
        id: 'cat-bi-arr-01',
        name: 'x',
        gateId: 'cat-bi-airport',
        zoneId: 'arrivals-hall',
        tags: [],
      };
      const secret = hashSecret('s'.repeat(43));
      expect(codeOf(() => devices.create({ ...base, id: '+/#' }, secret))).toBe('BAD_REQUEST');
      expect(codeOf(() => devices.create({ ...base, name: '' }, secret))).toBe('BAD_REQUEST');
      expect(codeOf(() => devices.create({ ...base, tags: ['Wall'] }, secret))).toBe('BAD_REQUEST');
      expect(codeOf(() => devices.create({ ...base, tags: ['wall', 'wall'] }, secret))).toBe('BAD_REQUEST');
    });
  });

  it('lists devices by gate and zone, sorted by id', () => {
    enrol(devices, 'cat-bi-dep-01', { zoneId: 'departures' });
    enrol(devices, 'cat-bi-arr-02');
    enrol(devices, 'cat-bi-arr-01');
    enrol(devices, 'port-term-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
    const ids = (filter?: { gateId?: string; zoneId?: string }) =>
      devices.list(filter).map((device) => device.id);
    expect(ids()).toEqual(['cat-bi-arr-01', 'cat-bi-arr-02', 'cat-bi-dep-01', 'port-term-01']);
    expect(ids({ gateId: 'cat-bi-airport' })).toEqual(['cat-bi-arr-01', 'cat-bi-arr-02', 'cat-bi-dep-01']);
    expect(ids({ gateId: 'cat-bi-airport', zoneId: 'departures' })).toEqual(['cat-bi-dep-01']);
    expect(ids({ gateId: 'hai-phong-port', zoneId: 'departures' })).toEqual([]);
  });

  it('authenticates a device the way the broker does: its own secret only', () => {
    const secretA = enrol(devices, 'cat-bi-arr-01');
    const secretB = enrol(devices, 'cat-bi-arr-02');
    const authenticate = (id: string, secret: Buffer) => {
      const credential = devices.credential(id);
      return !!credential && verifySecret(secret, credential);
    };
    expect(authenticate('cat-bi-arr-01', Buffer.from(secretA))).toBe(true);
    expect(authenticate('cat-bi-arr-01', Buffer.from(secretB))).toBe(false);
    expect(authenticate('cat-bi-arr-03', Buffer.from(secretA))).toBe(false);
  });

  it('remove deletes the device, its credential, telemetry and desired document; a second remove is false', () => {
    enrol(devices, 'cat-bi-arr-01');
    enrol(devices, 'cat-bi-arr-02');
    devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T0), T0);
    devices.saveTelemetry('cat-bi-arr-02', sampleTelemetry(T0), T0);
    store.db
      .prepare('INSERT INTO desired_documents (device_id, version, document, updated_at) VALUES (?, 1, ?, ?)')
      .run('cat-bi-arr-01', '{}', T0);

    expect(devices.remove('cat-bi-arr-01')).toBe(true);
    expect(devices.get('cat-bi-arr-01')).toBeUndefined();
    expect(devices.credential('cat-bi-arr-01')).toBeUndefined();
    expect(count(store, 'device_credentials', 'cat-bi-arr-01')).toBe(0);
    expect(count(store, 'telemetry', 'cat-bi-arr-01')).toBe(0);
    expect(count(store, 'desired_documents', 'cat-bi-arr-01')).toBe(0);
    expect(devices.remove('cat-bi-arr-01')).toBe(false);
    // The neighbour is untouched.
    expect(count(store, 'telemetry', 'cat-bi-arr-02')).toBe(1);
    expect(devices.credential('cat-bi-arr-02')).toBeDefined();
  });

  describe('presence', () => {
    beforeEach(() => enrol(devices, 'cat-bi-arr-01'));
    const presence = () => devices.get('cat-bi-arr-01')?.presence;

    it('since moves only when the state changes; lastSeenAt follows every update', () => {
      expect(devices.setPresence('cat-bi-arr-01', 'online', T0)).toBe(true);
      expect(presence()).toEqual({ state: 'online', since: T0, lastSeenAt: T0 });
      devices.setPresence('cat-bi-arr-01', 'online', T1);
      expect(presence()).toEqual({ state: 'online', since: T0, lastSeenAt: T1 });
      devices.setPresence('cat-bi-arr-01', 'offline', T2);
      expect(presence()).toEqual({ state: 'offline', since: T2, lastSeenAt: T2 });
      devices.setPresence('cat-bi-arr-01', 'offline', T3);
      expect(presence()).toEqual({ state: 'offline', since: T2, lastSeenAt: T3 });
    });

    it('keeps an agent version given with the status, and keeps it when none is given', () => {
      devices.setPresence('cat-bi-arr-01', 'online', T0, '0.2.0');
      devices.setPresence('cat-bi-arr-01', 'offline', T1);
      expect(devices.get('cat-bi-arr-01')?.agentVersion).toBe('0.2.0');
    });

    it('reports false for a device not in the store', () => {
      expect(devices.setPresence('ghost-01', 'online', T0)).toBe(false);
    });

    it('markAllOffline turns online devices offline at the given time and leaves the rest alone', () => {
      enrol(devices, 'cat-bi-arr-02');
      enrol(devices, 'cat-bi-arr-03');
      devices.setPresence('cat-bi-arr-01', 'online', T0);
      devices.setPresence('cat-bi-arr-02', 'offline', T0);
      expect(devices.markAllOffline(T2)).toBe(1);
      expect(presence()).toEqual({ state: 'offline', since: T2, lastSeenAt: T0 });
      expect(devices.get('cat-bi-arr-02')?.presence).toEqual({ state: 'offline', since: T0, lastSeenAt: T0 });
      expect(devices.get('cat-bi-arr-03')?.presence.state).toBe('never-seen');
    });
  });

  it('saveReported stores the report, its time and the agent version, and counts as seen', () => {
    enrol(devices, 'cat-bi-arr-01');
    expect(devices.saveReported('cat-bi-arr-01', sampleReported(T0, '0.3.1'), T1)).toBe(true);
    const record = devices.get('cat-bi-arr-01');
    expect(record).toMatchObject({
      reported: sampleReported(T0, '0.3.1'),
      reportedAt: T1,
      agentVersion: '0.3.1',
    });
    expect(record?.presence.lastSeenAt).toBe(T1);
    expect(devices.saveReported('ghost-01', sampleReported(T0), T1)).toBe(false);
  });

  describe('telemetry', () => {
    beforeEach(() => enrol(devices, 'cat-bi-arr-01'));

    it('keeps the last sample on the device and every sample in the history, newest first', () => {
      devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T0, 10), T0);
      devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T1, 20), T1);
      devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T2, 30), T2);
      const record = devices.get('cat-bi-arr-01');
      expect(record?.lastTelemetry).toEqual(sampleTelemetry(T2, 30));
      expect(record?.lastTelemetryAt).toBe(T2);
      expect(record?.presence.lastSeenAt).toBe(T2);

      const history = devices.telemetryHistory('cat-bi-arr-01', { limit: 100 });
      expect(history.map((entry) => [entry.receivedAt, entry.sample.cpu.loadPercent])).toEqual([
        [T2, 30],
        [T1, 20],
        [T0, 10],
      ]);
      expect(devices.telemetryHistory('cat-bi-arr-01', { limit: 2 }).map((e) => e.receivedAt)).toEqual([
        T2,
        T1,
      ]);
      // since is inclusive and accepts any ISO form of the instant.
      const since = devices.telemetryHistory('cat-bi-arr-01', {
        since: '2026-11-26T15:01:00+07:00',
        limit: 100,
      });
      expect(since.map((e) => e.receivedAt)).toEqual([T2, T1]);
    });

    it('refuses a malformed since with BAD_REQUEST', () => {
      expect(codeOf(() => devices.telemetryHistory('cat-bi-arr-01', { since: 'yesterday', limit: 5 }))).toBe(
        'BAD_REQUEST',
      );
    });

    it('ignores telemetry of a device not in the store without writing history', () => {
      expect(devices.saveTelemetry('ghost-01', sampleTelemetry(T0), T0)).toBe(false);
      expect(count(store, 'telemetry', 'ghost-01')).toBe(0);
    });

    it('pruneTelemetry removes history older than the cut-off only', () => {
      devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T0), T0);
      devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T2), T2);
      expect(devices.pruneTelemetry(T1)).toBe(1);
      expect(devices.telemetryHistory('cat-bi-arr-01', { limit: 10 }).map((e) => e.receivedAt)).toEqual([T2]);
      expect(devices.get('cat-bi-arr-01')?.lastTelemetryAt).toBe(T2);
    });
  });

  it('reads corrupt JSON columns as null (or no tags) and logs each, without throwing', () => {
    enrol(devices, 'cat-bi-arr-01', { tags: ['wall'] });
    devices.saveReported('cat-bi-arr-01', sampleReported(T0), T0);
    devices.saveTelemetry('cat-bi-arr-01', sampleTelemetry(T0), T0);
    store.db
      .prepare(
        `UPDATE devices SET tags = 'nope', reported = '{"phase":"dancing"}', last_telemetry = '{' WHERE id = ?`,
      )
      .run('cat-bi-arr-01');
    store.db.prepare(`UPDATE telemetry SET sample = '[]' WHERE device_id = ?`).run('cat-bi-arr-01');

    const record = devices.get('cat-bi-arr-01');
    expect(record).toMatchObject({ tags: [], reported: null, lastTelemetry: null, reportedAt: T0 });
    expect(devices.telemetryHistory('cat-bi-arr-01', { limit: 10 })).toEqual([]);
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
