import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../store/sql.js';
import { ROLLUP_FLAGS, ROLLUP_READINGS, type RollupTier } from './health-schema.js';
import { flagSql, readingSql } from './telemetry-readings.js';

// The statements that fold one tier into the next. Each covers [from, to) of its source;
// the job makes both ends whole minutes (or hours), so a bucket is written by one fold only.
// The upsert's merge is there for safety, and keeps the rows exact if a bucket is ever folded twice.
// Every name below is a constant of the schema, so sql.raw only ever sees fixed SQL.

const readingColumns = ROLLUP_READINGS.flatMap((name) => [
  `${name}_n`,
  `${name}_sum`,
  `${name}_min`,
  `${name}_max`,
]);
const columns = ['device_id', 'bucket', 'samples', ...readingColumns, ...ROLLUP_FLAGS].join(', ');

/** SQLite's total(): a float, 0 for no rows (PostgreSQL's SUM of nothing is NULL). */
const total = (expression: string) => `CAST(COALESCE(sum(${expression}), 0) AS DOUBLE PRECISION)`;

/**
 * The merge on conflict. The existing row is named by its table: PostgreSQL finds a bare column
 * ambiguous next to `excluded`. Two-argument min/max are LEAST/GREATEST there; both arguments are
 * NULL or neither, so the dialects' different NULL handling never shows.
 */
function merge(dialect: Dialect, table: string): string {
  const [least, greatest] = dialect === 'sqlite' ? ['min', 'max'] : ['LEAST', 'GREATEST'];
  const both = (fn: string, column: string) =>
    `${column} = ${fn}(coalesce(${table}.${column}, excluded.${column}), coalesce(excluded.${column}, ${table}.${column}))`;
  const added = (column: string) => `${column} = ${table}.${column} + excluded.${column}`;
  return [
    added('samples'),
    ...ROLLUP_READINGS.flatMap((name) => [
      added(`${name}_n`),
      added(`${name}_sum`),
      both(least, `${name}_min`),
      both(greatest, `${name}_max`),
    ]),
    ...ROLLUP_FLAGS.map(added),
  ].join(',\n    ');
}

const upsert = (dialect: Dialect, tier: RollupTier, select: RawBuilder<unknown>) => sql`
  INSERT INTO ${sql.raw(`telemetry_${tier} (${columns})`)}
  ${select}
  ON CONFLICT (device_id, bucket) DO UPDATE SET
    ${sql.raw(merge(dialect, `telemetry_${tier}`))}`;

/** Raw samples → per-minute rows. Received times are `toISOString()`, so the minute is a prefix. */
export function foldRawIntoMinutes(dialect: Dialect, from: string, to: string): RawBuilder<unknown> {
  const aggregates = ROLLUP_READINGS.map((name) =>
    sql.raw(`count(${name}), ${total(name)}, min(${name}), max(${name})`),
  );
  const values = [
    ...ROLLUP_READINGS.map((name) => sql`${readingSql(dialect, name)} AS ${sql.ref(name)}`),
    ...ROLLUP_FLAGS.map((name) => sql`${flagSql(dialect, name)} AS ${sql.ref(name)}`),
  ];
  return upsert(
    dialect,
    'minute',
    sql`SELECT device_id, bucket, count(*),
    ${sql.join(aggregates)},
    ${sql.raw(ROLLUP_FLAGS.map((name) => `sum(${name})`).join(', '))}
  FROM (
    SELECT device_id, substr(received_at, 1, 16) || ':00.000Z' AS bucket, ${sql.join(values)}
    FROM telemetry WHERE received_at >= ${from} AND received_at < ${to}
  ) AS readings
  WHERE true
  GROUP BY device_id, bucket`,
  );
}

/** Per-minute rows → per-hour rows: counts and sums add up, so the hour's average is exact. */
export function foldMinutesIntoHours(dialect: Dialect, from: string, to: string): RawBuilder<unknown> {
  const aggregates = ROLLUP_READINGS.map(
    (name) => `sum(${name}_n), ${total(`${name}_sum`)}, min(${name}_min), max(${name}_max)`,
  );
  return upsert(
    dialect,
    'hour',
    sql`SELECT device_id, substr(bucket, 1, 13) || ':00:00.000Z' AS hour_bucket, sum(samples),
    ${sql.raw(aggregates.join(',\n    '))},
    ${sql.raw(ROLLUP_FLAGS.map((name) => `sum(${name})`).join(', '))}
  FROM telemetry_minute WHERE bucket >= ${from} AND bucket < ${to}
  GROUP BY device_id, hour_bucket`,
  );
}
