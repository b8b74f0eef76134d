import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { TelemetryRollup } from '../../../src/health/telemetry-rollup.js';
import type { TelemetryRetention } from '../../../src/health/retention.js';
import { DEFAULT_TELEMETRY_RETENTION } from '../../../src/health/retention.js';
import { openDatabase, type Database } from '../../../src/store/database.js';
import { sqlOverSqlite } from '../../../src/store/open-store.js';
import { eventually } from '../fleet/real-fleet.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { makeTempDir, removeDir, silentLogger } from '../store/temp-store.js';
import { BLACK_MINUTE, UNDER_VOLTAGE_AT, expectedStats, receivedAt, storeSamples } from './health-samples.js';

const HOUR = 3_600_000;

interface RollupRow {
  device_id: string;
  bucket: string;
  samples: number;
  cpu_load_n: number;
  cpu_load_sum: number;
  cpu_load_min: number;
  cpu_load_max: number;
  temperature_c_sum: number;
  temperature_c_n: number;
  temperature_c_min: number;
  temperature_c_max: number;
  memory_percent_sum: number;
  memory_percent_n: number;
  wifi_signal_dbm_n: number;
  wifi_signal_dbm_min: number | null;
  under_voltage: number;
  display_black: number;
}

let dir: string;
let db: Database;
let devices: DevicesRepo;
const clock = { now: new Date('2026-11-26T12:00:30.000Z') };

function open(): void {
  db = openDatabase(path.join(dir, 'data'), silentLogger());
  devices = new DevicesRepo(sqlOverSqlite(db), silentLogger());
}

function rollup(options: { retention?: TelemetryRetention; chunkRows?: number } = {}): TelemetryRollup {
  return new TelemetryRollup({
    store: sqlOverSqlite(db),
    retention: options.retention ?? DEFAULT_TELEMETRY_RETENTION,
    log: silentLogger(),
    now: () => clock.now,
    ...(options.chunkRows ? { chunkRows: options.chunkRows } : {}),
  });
}

function rows(tier: 'minute' | 'hour', deviceId = 'cat-bi-arrivals-01'): RollupRow[] {
  return db
    .prepare(`SELECT * FROM telemetry_${tier} WHERE device_id = ? ORDER BY bucket`)
    .all(deviceId) as RollupRow[];
}

function row(tier: 'minute' | 'hour', bucket: string): RollupRow {
  const found = rows(tier).find((candidate) => candidate.bucket === bucket);
  if (!found) throw new Error(`no ${tier} row at ${bucket}`);
  return found;
}

function snapshot(): unknown {
  return {
    minute: db.prepare('SELECT * FROM telemetry_minute ORDER BY device_id, bucket').all(),
    hour: db.prepare('SELECT * FROM telemetry_hour ORDER BY device_id, bucket').all(),
  };
}

function expectStats(actual: RollupRow, fromMinute: number, toMinute: number): void {
  const expected = expectedStats(fromMinute, toMinute);
  expect(actual.samples).toBe(expected.samples);
  expect(actual.cpu_load_sum / actual.cpu_load_n).toBeCloseTo(expected.load.avg, 9);
  expect([actual.cpu_load_min, actual.cpu_load_max]).toEqual([expected.load.min, expected.load.max]);
  expect(actual.temperature_c_sum / actual.temperature_c_n).toBeCloseTo(expected.temperature.avg, 9);
  expect([actual.temperature_c_min, actual.temperature_c_max]).toEqual([
    expected.temperature.min,
    expected.temperature.max,
  ]);
}

beforeEach(async () => {
  dir = makeTempDir();
  open();
  await seedGates(new GatesRepo(sqlOverSqlite(db)));
  await enrol(devices, 'cat-bi-arrivals-01');
  await enrol(devices, 'cat-bi-arrivals-02');
  clock.now = new Date('2026-11-26T12:00:30.000Z');
});

afterEach(() => {
  if (db.open) db.close();
  removeDir(dir);
});

describe('the telemetry rollup', () => {
  it('folds three hours of samples into minutes and hours with the right average, minimum and maximum', async () => {
    await storeSamples(devices, 'cat-bi-arrivals-01', 0, 180);
    // A sample in the minute still open at 12:00:30 waits for its minute to close.
    await devices.saveTelemetry('cat-bi-arrivals-01', { ...sampleFor(180) }, receivedAt(180, 10));

    const pass = await rollup().runOnce();

    expect(pass.doneUntil).toEqual({ minute: '2026-11-26T12:00:00.000Z', hour: '2026-11-26T12:00:00.000Z' });
    const minutes = rows('minute');
    expect(minutes).toHaveLength(180);
    expectStats(row('minute', receivedAt(0, 0)), 0, 1);
    expectStats(row('minute', receivedAt(47, 0)), 47, 48);
    expect(row('minute', receivedAt(47, 0)).memory_percent_sum / 3).toBeCloseTo(50, 9);
    // Readings the screen does not send are counted as absent, not as zero.
    expect(row('minute', receivedAt(47, 0))).toMatchObject({
      wifi_signal_dbm_n: 0,
      wifi_signal_dbm_min: null,
    });
    expect(row('minute', receivedAt(UNDER_VOLTAGE_AT.minute, 0)).under_voltage).toBe(1);
    expect(row('minute', receivedAt(BLACK_MINUTE, 0)).display_black).toBe(3);

    const hours = rows('hour');
    expect(hours.map((hour) => hour.bucket)).toEqual([
      '2026-11-26T09:00:00.000Z',
      '2026-11-26T10:00:00.000Z',
      '2026-11-26T11:00:00.000Z',
    ]);
    expectStats(row('hour', receivedAt(0, 0)), 0, 60);
    expectStats(row('hour', receivedAt(60, 0)), 60, 120);
    expectStats(row('hour', receivedAt(120, 0)), 120, 180);
    expect(row('hour', receivedAt(60, 0)).under_voltage).toBe(1);
    expect(row('hour', receivedAt(60, 0)).display_black).toBe(3);
    expect(rows('minute', 'cat-bi-arrivals-02')).toEqual([]);
  });

  it('changes nothing when run again, and later folds only what closed since', async () => {
    await storeSamples(devices, 'cat-bi-arrivals-01', 0, 181);
    const job = rollup();
    await job.runOnce();
    const first = snapshot();

    await job.runOnce();
    await rollup().runOnce();
    expect(snapshot()).toEqual(first);

    clock.now = new Date('2026-11-26T12:01:30.000Z');
    const pass = await job.runOnce();
    expect(pass.folds.minute).toBe(1);
    expectStats(row('minute', receivedAt(180, 0)), 180, 181);
    expect(rows('minute')).toHaveLength(181);
    expectStats(row('hour', receivedAt(120, 0)), 120, 180);
  });

  it('resumes after a stop mid-way and a restart, in small chunks, without counting a sample twice', async () => {
    await storeSamples(devices, 'cat-bi-arrivals-01', 0, 180);
    await storeSamples(devices, 'cat-bi-arrivals-02', 30, 150);
    const interrupted = rollup({ chunkRows: 50 });
    const pass = interrupted.runOnce();
    // The first chunk runs before the pass first yields to the loop; the stop lands there.
    await new Promise((resolve) => setImmediate(resolve));
    await interrupted.stop();
    const partial = await pass;
    expect(partial.folds.minute).toBe(1);
    expect(partial.doneUntil.minute! < '2026-11-26T09:30:00.000Z').toBe(true);
    expect(rows('minute').length).toBeGreaterThan(0);
    expect(rows('minute').length).toBeLessThan(180);

    db.close();
    open();
    const resumed = await rollup({ chunkRows: 50 }).runOnce();
    expect(resumed.folds.minute).toBeGreaterThan(5);
    expect(rows('minute')).toHaveLength(180);
    expect(rows('minute', 'cat-bi-arrivals-02')).toHaveLength(120);
    for (const minute of [0, 29, 30, 101, 179])
      expectStats(row('minute', receivedAt(minute, 0)), minute, minute + 1);
    for (const hour of [0, 1, 2])
      expectStats(row('hour', receivedAt(hour * 60, 0)), hour * 60, hour * 60 + 60);
    const total = db.prepare('SELECT sum(samples) FROM telemetry_hour').pluck().get();
    expect(total).toBe(180 * 3 + 120 * 3);
  });

  it('prunes each tier at its retention boundary, never before the next tier has folded it', async () => {
    await storeSamples(devices, 'cat-bi-arrivals-01', 0, 240);
    clock.now = new Date('2026-11-26T13:00:30.000Z');
    const retention = { rawMs: 1 * HOUR, minuteMs: 2 * HOUR, hourMs: 3 * HOUR };

    const pass = await rollup({ retention, chunkRows: 100 }).runOnce();

    const raw = db
      .prepare('SELECT min(received_at) FROM telemetry WHERE device_id = ?')
      .pluck()
      .get('cat-bi-arrivals-01');
    expect(raw).toBe(receivedAt(180, 40)); // 12:00:40, the first sample after 12:00:30
    expect(rows('minute')[0]?.bucket).toBe(receivedAt(121, 0)); // 11:01, the first minute after 11:00:30
    expect(rows('hour').map((hour) => hour.bucket)).toEqual([
      '2026-11-26T11:00:00.000Z',
      '2026-11-26T12:00:00.000Z',
    ]);
    expect(pass.pruned).toEqual({ raw: 180 * 3 + 2, minute: 121, hour: 2 });
    // What left the finer tiers is still counted in the hours that remain.
    expectStats(row('hour', receivedAt(120, 0)), 120, 180);
    expectStats(row('hour', receivedAt(180, 0)), 180, 240);
  });

  it('keeps raw samples whose minute is not folded yet, however short the raw retention', async () => {
    await storeSamples(devices, 'cat-bi-arrivals-01', 0, 10);
    clock.now = new Date('2026-11-26T09:05:30.000Z');
    await rollup({ retention: { ...DEFAULT_TELEMETRY_RETENTION, rawMs: 60_000 } }).runOnce();
    // Folded: minutes before 09:05. Pruned: raw before 09:04:30. Kept: everything after, unfolded.
    expect(rows('minute')).toHaveLength(5);
    const kept = db.prepare('SELECT count(*) FROM telemetry').pluck().get();
    expect(kept).toBe(10 * 3 - 4 * 3 - 2);
  });

  it('runs by itself once started, and runs no more once stopped', async () => {
    await storeSamples(devices, 'cat-bi-arrivals-01', 0, 30);
    clock.now = new Date('2026-11-26T09:30:30.000Z');
    const job = new TelemetryRollup({
      store: sqlOverSqlite(db),
      retention: DEFAULT_TELEMETRY_RETENTION,
      log: silentLogger(),
      now: () => clock.now,
      firstPassDelayMs: 0,
      intervalMs: 10,
    });
    job.start();
    await eventually(
      async () => rows('minute').length,
      (count) => count === 30,
    );
    await job.stop();
    await storeSamples(devices, 'cat-bi-arrivals-01', 30, 60);
    clock.now = new Date('2026-11-26T10:00:30.000Z');
    // A pass would fold the new minutes at once; after stop() none comes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rows('minute')).toHaveLength(30);
  });

  it('goes with its device when the device is removed', async () => {
    await storeSamples(devices, 'cat-bi-arrivals-01', 0, 120);
    await rollup().runOnce();
    expect(rows('hour')).toHaveLength(2);
    await devices.remove('cat-bi-arrivals-01');
    expect(rows('minute')).toEqual([]);
    expect(rows('hour')).toEqual([]);
  });
});

function sampleFor(minute: number) {
  return {
    at: receivedAt(minute, 10),
    uptimeSec: 1,
    cpu: { loadPercent: 99, temperatureC: 99 },
    memory: { totalBytes: 1, usedBytes: 1 },
    disk: null,
    agent: { version: '0.1.0', rssBytes: 1, uptimeSec: 1 },
  };
}
