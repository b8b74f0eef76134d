import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HealthHistory } from '../../../src/health/health-history.js';
import type { TelemetryRetention } from '../../../src/health/retention.js';
import { RollupStore } from '../../../src/health/rollup-store.js';
import { TelemetryRollup } from '../../../src/health/telemetry-rollup.js';
import type { Sql } from '../../../src/store/sql.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { seedScreen } from '../store/seed-sql.js';
import { silentLogger } from '../store/temp-store.js';
import {
  BLACK_MINUTE,
  SECONDS,
  UNDER_VOLTAGE_AT,
  expectedStats,
  load,
  receivedAt,
  sampleAt,
} from './health-samples.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SCREEN = 'cat-bi-arrivals-01';
const RETENTION: TelemetryRetention = { rawMs: 7 * DAY, minuteMs: 7 * DAY, hourMs: 90 * DAY };

type RollupRow = Record<string, number | string | null>;

/** Raw telemetry for minutes [from, to) written as SQL: DevicesRepo is still SQLite-only. */
async function seedTelemetry(store: Sql, from: number, to: number): Promise<void> {
  const rows = [];
  for (let minute = from; minute < to; minute++) {
    for (const second of SECONDS) {
      const sample = JSON.stringify(sampleAt(minute, second));
      rows.push(sql`(${SCREEN}, ${receivedAt(minute, second)}, ${sample})`);
    }
  }
  await store.run(sql`INSERT INTO telemetry (device_id, received_at, sample) VALUES ${sql.join(rows)}`);
}

const rowsOf = (store: Sql, tier: 'minute' | 'hour') =>
  store.all<RollupRow>(sql`SELECT * FROM ${sql.table(`telemetry_${tier}`)} ORDER BY bucket`);

function expectStats(row: RollupRow | undefined, fromMinute: number, toMinute: number): void {
  const expected = expectedStats(fromMinute, toMinute);
  const n = (name: string) => row?.[name] as number;
  expect(n('samples')).toBe(expected.samples);
  expect(n('cpu_load_sum') / n('cpu_load_n')).toBeCloseTo(expected.load.avg, 9);
  expect([n('cpu_load_min'), n('cpu_load_max')]).toEqual([expected.load.min, expected.load.max]);
  expect(n('temperature_c_sum') / n('temperature_c_n')).toBeCloseTo(expected.temperature.avg, 9);
  expect([n('temperature_c_min'), n('temperature_c_max')]).toEqual([
    expected.temperature.min,
    expected.temperature.max,
  ]);
}

describe.each(STORE_DIALECTS)('health rollups and history (%s)', (dialect) => {
  let test: TestStore;
  const clock = { now: new Date('2026-11-26T11:00:30.000Z') };
  const rollup = (retention = RETENTION) =>
    new TelemetryRollup({ store: test.sql, retention, log: silentLogger(), now: () => clock.now });

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    test = await openTestStore(dialect);
    await seedScreen(test.sql, SCREEN, 'cat-bi');
    await seedTelemetry(test.sql, 0, 120);
    clock.now = new Date('2026-11-26T11:00:30.000Z');
  });

  afterEach(async () => {
    await test?.dispose();
  });

  it('folds samples into minutes and hours with their averages, extremes, absences and flags', async () => {
    const pass = await rollup().runOnce();

    expect(pass.doneUntil).toEqual({ minute: '2026-11-26T11:00:00.000Z', hour: '2026-11-26T11:00:00.000Z' });
    const minutes = await rowsOf(test.sql, 'minute');
    expect(minutes).toHaveLength(120);
    const minute = (at: number) => minutes.find((row) => row.bucket === receivedAt(at, 0));
    expectStats(minute(0), 0, 1);
    expectStats(minute(47), 47, 48);
    expect((minute(47)?.memory_percent_sum as number) / 3).toBeCloseTo(50, 9);
    // Readings the screen does not send are absent, not zero.
    expect(minute(47)).toMatchObject({
      wifi_signal_dbm_n: 0,
      wifi_signal_dbm_sum: 0,
      wifi_signal_dbm_min: null,
    });
    expect(minute(UNDER_VOLTAGE_AT.minute)).toMatchObject({
      under_voltage: 1,
      display_black: 0,
      cec_standby: 0,
    });
    expect(minute(BLACK_MINUTE)).toMatchObject({ under_voltage: 0, display_black: 3 });

    const hours = await rowsOf(test.sql, 'hour');
    expect(hours.map((row) => row.bucket)).toEqual(['2026-11-26T09:00:00.000Z', '2026-11-26T10:00:00.000Z']);
    expectStats(hours[0], 0, 60);
    expectStats(hours[1], 60, 120);
    expect(hours[1]).toMatchObject({ under_voltage: 1, display_black: 3, wifi_signal_dbm_n: 0 });
  });

  it('merges a minute folded twice: counts and sums add up, extremes stay', async () => {
    const store = new RollupStore(test.sql);
    const [from, to] = [receivedAt(5, 0), receivedAt(6, 0)];
    expect(await store.fold('minute', from, to)).toBe(1);
    await store.fold('minute', from, to);

    const [row] = await rowsOf(test.sql, 'minute');
    const once = expectedStats(5, 6);
    expect(row).toMatchObject({
      samples: 2 * once.samples,
      cpu_load_n: 2 * once.samples,
      cpu_load_min: once.load.min,
      cpu_load_max: once.load.max,
      wifi_signal_dbm_min: null,
    });
    expect(row?.cpu_load_sum as number).toBeCloseTo(2 * once.samples * once.load.avg, 9);
    expect(await store.progress('minute')).toBe(to);
  });

  it('answers history from raw samples, minutes, hours and steps of several minutes', async () => {
    await rollup().runOnce();
    const history = new HealthHistory(test.sql, { retention: RETENTION, now: () => clock.now });
    const range = (resolution: 'raw' | 'minute' | 'hour' | 'auto', from: string, to: string) =>
      history.query(SCREEN, { from: new Date(from), to: new Date(to), resolution });

    const raw = await range('raw', receivedAt(61, 0), receivedAt(62, 0));
    expect(raw.points.map((point) => point.at)).toEqual(SECONDS.map((second) => receivedAt(61, second)));
    expect(raw.points[1]).toMatchObject({
      samples: 1,
      cpuLoad: load(61, 20),
      underVoltage: true,
      cecStandby: false,
    });
    expect(raw.points[1]?.memoryPercent).toBeCloseTo(50, 9);
    expect(raw.points[0]).toMatchObject({ underVoltage: false, wifiSignalDbm: null });

    const minutes = await range('minute', receivedAt(0, 0), receivedAt(120, 0));
    expect(minutes).toMatchObject({ resolution: 'minute', stepSec: 60, truncated: false });
    expect(minutes.points).toHaveLength(120);
    const black = minutes.points[BLACK_MINUTE];
    expect(black).toMatchObject({ at: receivedAt(BLACK_MINUTE, 0), samples: 3, displayBlack: true });
    expect(black?.cpuLoad).toBeCloseTo(expectedStats(BLACK_MINUTE, BLACK_MINUTE + 1).load.avg, 9);

    const hours = await range('hour', '2026-11-26T00:00:00.000Z', '2026-11-26T12:00:00.000Z');
    expect(hours.points.map((point) => [point.at, point.samples])).toEqual([
      ['2026-11-26T09:00:00.000Z', 180],
      ['2026-11-26T10:00:00.000Z', 180],
    ]);
    expect(hours.points[1]?.temperatureC).toBeCloseTo(expectedStats(60, 120).temperature.avg, 9);
    expect(hours.points[1]?.temperatureMaxC).toBe(expectedStats(60, 120).temperature.max);

    // Two days ending now: auto picks 10-minute points from the minute tier.
    const tenMinutes = await range('auto', '2026-11-24T11:00:00.000Z', '2026-11-26T11:00:00.000Z');
    expect(tenMinutes).toMatchObject({ resolution: 'minute', stepSec: 600 });
    expect(tenMinutes.points).toHaveLength(12);
    expect(tenMinutes.points[6]).toMatchObject({
      at: '2026-11-26T10:00:00.000Z',
      samples: 30,
      underVoltage: true,
    });
    expect(tenMinutes.points[6]?.cpuLoad).toBeCloseTo(expectedStats(60, 70).load.avg, 9);
  });

  it('prunes each tier by its retention, never past what the next tier has folded', async () => {
    clock.now = new Date('2026-11-26T12:00:30.000Z');
    await seedTelemetry(test.sql, 120, 181);
    const retention = { rawMs: 1 * HOUR, minuteMs: 1.5 * HOUR, hourMs: 2.5 * HOUR };

    const pass = await rollup(retention).runOnce();

    // Raw before 11:00:30, minutes before 10:30:30, hours before 09:30:30.
    expect(pass.pruned).toEqual({ raw: 120 * 3 + 2, minute: 91, hour: 1 });
    const left = await test.sql.one<{ first: string; samples: number }>(
      sql`SELECT min(received_at) AS first, COUNT(*) AS samples FROM telemetry`,
    );
    expect(left).toEqual({ first: receivedAt(120, 40), samples: 61 * 3 - 2 });
    expect((await rowsOf(test.sql, 'minute'))[0]?.bucket).toBe(receivedAt(91, 0));
    expect((await rowsOf(test.sql, 'hour')).map((row) => row.bucket)).toEqual([
      '2026-11-26T10:00:00.000Z',
      '2026-11-26T11:00:00.000Z',
    ]);
  });
});
