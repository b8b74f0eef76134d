import { sql, type RawBuilder } from 'kysely';
import type { Dialect, Sql } from '../store/sql.js';
import { ROLLUP_FLAGS, ROLLUP_READINGS, type RollupTier } from './health-schema.js';
import { planHistory, type HealthResolution, type HistoryPlan } from './history-resolution.js';
import type { TelemetryRetention } from './retention.js';
import {
  FLAG_FIELDS,
  READING_FIELDS,
  flagSql,
  readingSql,
  type FlagField,
  type ReadingField,
} from './telemetry-readings.js';

export type HealthPoint = { at: string; samples: number; temperatureMaxC: number | null } & Record<
  ReadingField,
  number | null
> &
  Record<FlagField, boolean>;

export interface HealthHistoryAnswer {
  resolution: HealthResolution;
  stepSec: number | null;
  from: string;
  to: string;
  /** More points matched than one answer holds; the oldest MAX_POINTS are given. */
  truncated: boolean;
  points: HealthPoint[];
}

export const MAX_POINTS = 10_000;

type Row = { at: string; samples: number; temperature_max_c: number | null } & Record<string, number | null>;
type Range = { id: string; from: string; to: string; limit: number };

function rawQuery(dialect: Dialect, range: Range): RawBuilder<Row> {
  const readings = ROLLUP_READINGS.map((name) => sql`${readingSql(dialect, name)} AS ${sql.ref(name)}`);
  const flags = ROLLUP_FLAGS.map((name) => sql`${flagSql(dialect, name)} AS ${sql.ref(name)}`);
  return sql<Row>`
    SELECT received_at AS at, 1 AS samples, ${sql.join(readings)},
      ${readingSql(dialect, 'temperature_c')} AS temperature_max_c, ${sql.join(flags)}
    FROM telemetry WHERE device_id = ${range.id} AND received_at >= ${range.from} AND received_at < ${range.to}
    ORDER BY received_at, id LIMIT ${range.limit}`;
}

/** Seconds since the epoch of an ISO time column, whole (the buckets are whole minutes). */
const epochSeconds = (dialect: Dialect, column: string) =>
  dialect === 'sqlite'
    ? sql`unixepoch(${sql.ref(column)})`
    : sql`CAST(EXTRACT(EPOCH FROM CAST(${sql.ref(column)} AS TIMESTAMPTZ)) AS BIGINT)`;

/**
 * Rollup rows grouped into steps of `step` seconds; averages weigh every sample alike. The step's
 * start comes back in epoch seconds and is formatted here, as SQLite's strftime did. The casts
 * keep the division whole (a bound JS number may arrive as REAL) and the sums numbers
 * (PostgreSQL's SUM of a BIGINT is NUMERIC, which arrives as text).
 */
function rollupQuery(dialect: Dialect, tier: RollupTier, range: Range, step: number) {
  const stepSql = sql`CAST(${step} AS BIGINT)`;
  const readings = ROLLUP_READINGS.map((name) =>
    sql.raw(
      `CASE WHEN sum(${name}_n) > 0 THEN CAST(sum(${name}_sum) AS DOUBLE PRECISION) / sum(${name}_n) END AS ${name}`,
    ),
  );
  const flags = ROLLUP_FLAGS.map((name) => sql.raw(`CAST(sum(${name}) AS BIGINT) AS ${name}`));
  return sql<Omit<Row, 'at'> & { at_sec: number }>`
    SELECT (${epochSeconds(dialect, 'bucket')} / ${stepSql}) * ${stepSql} AS at_sec,
      CAST(sum(samples) AS BIGINT) AS samples, ${sql.join(readings)},
      max(temperature_c_max) AS temperature_max_c, ${sql.join(flags)}
    FROM ${sql.table(`telemetry_${tier}`)}
    WHERE device_id = ${range.id} AND bucket >= ${range.from} AND bucket < ${range.to}
    GROUP BY at_sec
    ORDER BY at_sec LIMIT ${range.limit}`;
}

/** One device's health over time, from raw samples or a rollup tier. */
export class HealthHistory {
  private readonly retention: TelemetryRetention;
  private readonly now: () => Date;

  constructor(
    private readonly store: Sql,
    options: { retention: TelemetryRetention; now?: () => Date },
  ) {
    this.retention = options.retention;
    this.now = options.now ?? (() => new Date());
  }

  async query(
    deviceId: string,
    range: { from: Date; to: Date; resolution: HealthResolution | 'auto' },
  ): Promise<HealthHistoryAnswer> {
    const plan: HistoryPlan = planHistory(
      { fromMs: range.from.getTime(), toMs: range.to.getTime() },
      range.resolution,
      { nowMs: this.now().getTime(), retention: this.retention },
    );
    const params: Range = {
      id: deviceId,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      limit: MAX_POINTS + 1,
    };
    const { dialect } = this.store;
    const rows =
      plan.resolution === 'raw'
        ? await this.store.all(rawQuery(dialect, params))
        : (
            await this.store.all(
              rollupQuery(dialect, plan.resolution, params, (plan.stepMs as number) / 1000),
            )
          ).map(({ at_sec, ...row }) => ({ ...row, at: new Date(at_sec * 1000).toISOString() }) as Row);
    return {
      resolution: plan.resolution,
      stepSec: plan.stepMs === null ? null : plan.stepMs / 1000,
      from: params.from,
      to: params.to,
      truncated: rows.length > MAX_POINTS,
      points: rows.slice(0, MAX_POINTS).map(toPoint),
    };
  }
}

function toPoint(row: Row): HealthPoint {
  const point: Record<string, unknown> = {
    at: row.at,
    samples: row.samples,
    temperatureMaxC: row.temperature_max_c,
  };
  for (const name of ROLLUP_READINGS) point[READING_FIELDS[name]] = row[name] ?? null;
  for (const name of ROLLUP_FLAGS) point[FLAG_FIELDS[name]] = (row[name] ?? 0) > 0;
  return point as HealthPoint;
}
