import type { Database } from '../store/database.js';
import { ROLLUP_FLAGS, ROLLUP_READINGS, type RollupTier } from './health-schema.js';
import { planHistory, type HealthResolution, type HistoryPlan } from './history-resolution.js';
import type { TelemetryRetention } from './retention.js';
import {
  FLAG_FIELDS,
  FLAG_SQL,
  READING_FIELDS,
  READING_SQL,
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

const flagColumns = ROLLUP_FLAGS.map((name) => `${FLAG_SQL[name]} AS ${name}`);

const RAW_QUERY = `
  SELECT received_at AS at, 1 AS samples,
    ${ROLLUP_READINGS.map((name) => `${READING_SQL[name]} AS ${name}`).join(', ')},
    ${READING_SQL.temperature_c} AS temperature_max_c,
    ${flagColumns.join(', ')}
  FROM telemetry WHERE device_id = @id AND received_at >= @from AND received_at < @to
  ORDER BY received_at, id LIMIT @limit`;

/**
 * Rollup rows grouped into steps of @step seconds; averages weigh every sample alike. The cast
 * keeps the division whole (a bound JS number arrives as REAL).
 */
const rollupQuery = (tier: RollupTier) => `
  SELECT strftime('%Y-%m-%dT%H:%M:%fZ', (unixepoch(bucket) / CAST(@step AS INTEGER)) * @step, 'unixepoch') AS at,
    sum(samples) AS samples,
    ${ROLLUP_READINGS.map((name) => `CASE WHEN sum(${name}_n) > 0 THEN sum(${name}_sum) / sum(${name}_n) END AS ${name}`).join(',\n    ')},
    max(temperature_c_max) AS temperature_max_c,
    ${ROLLUP_FLAGS.map((name) => `sum(${name}) AS ${name}`).join(', ')}
  FROM telemetry_${tier} WHERE device_id = @id AND bucket >= @from AND bucket < @to
  GROUP BY unixepoch(bucket) / CAST(@step AS INTEGER)
  ORDER BY at LIMIT @limit`;

/** One device's health over time, from raw samples or a rollup tier. */
export class HealthHistory {
  private readonly retention: TelemetryRetention;
  private readonly now: () => Date;
  private readonly stmts;

  constructor(db: Database, options: { retention: TelemetryRetention; now?: () => Date }) {
    this.retention = options.retention;
    this.now = options.now ?? (() => new Date());
    type Params = [{ id: string; from: string; to: string; limit: number; step?: number }];
    this.stmts = {
      raw: db.prepare<Params, Row>(RAW_QUERY),
      minute: db.prepare<Params, Row>(rollupQuery('minute')),
      hour: db.prepare<Params, Row>(rollupQuery('hour')),
    };
  }

  query(
    deviceId: string,
    range: { from: Date; to: Date; resolution: HealthResolution | 'auto' },
  ): HealthHistoryAnswer {
    const plan: HistoryPlan = planHistory(
      { fromMs: range.from.getTime(), toMs: range.to.getTime() },
      range.resolution,
      { nowMs: this.now().getTime(), retention: this.retention },
    );
    const params = {
      id: deviceId,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      limit: MAX_POINTS + 1,
    };
    const rows =
      plan.resolution === 'raw'
        ? this.stmts.raw.all(params)
        : this.stmts[plan.resolution].all({ ...params, step: (plan.stepMs as number) / 1000 });
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
