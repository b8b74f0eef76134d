import { ROLLUP_FLAGS, ROLLUP_READINGS, type RollupTier } from './health-schema.js';
import { FLAG_SQL, READING_SQL } from './telemetry-readings.js';

// The statements that fold one tier into the next. Each covers [@from, @to) of its source;
// the job makes both ends whole minutes (or hours), so a bucket is written by one fold only.
// The upsert's merge is there for safety, and keeps the rows exact if a bucket is ever folded twice.

const readingColumns = ROLLUP_READINGS.flatMap((name) => [
  `${name}_n`,
  `${name}_sum`,
  `${name}_min`,
  `${name}_max`,
]);
const columns = ['device_id', 'bucket', 'samples', ...readingColumns, ...ROLLUP_FLAGS].join(', ');

const nullableMin = (column: string) =>
  `${column} = min(coalesce(${column}, excluded.${column}), coalesce(excluded.${column}, ${column}))`;
const nullableMax = (column: string) =>
  `${column} = max(coalesce(${column}, excluded.${column}), coalesce(excluded.${column}, ${column}))`;
const added = (column: string) => `${column} = ${column} + excluded.${column}`;

const merge = [
  added('samples'),
  ...ROLLUP_READINGS.flatMap((name) => [
    added(`${name}_n`),
    added(`${name}_sum`),
    nullableMin(`${name}_min`),
    nullableMax(`${name}_max`),
  ]),
  ...ROLLUP_FLAGS.map(added),
].join(',\n    ');

const upsert = (tier: RollupTier, select: string) => `
  INSERT INTO telemetry_${tier} (${columns})
  ${select}
  ON CONFLICT (device_id, bucket) DO UPDATE SET
    ${merge}`;

/** Raw samples → per-minute rows. Received times are `toISOString()`, so the minute is a prefix. */
export const FOLD_RAW_INTO_MINUTES = upsert(
  'minute',
  `SELECT device_id, bucket, count(*),
    ${ROLLUP_READINGS.map((name) => `count(${name}), total(${name}), min(${name}), max(${name})`).join(',\n    ')},
    ${ROLLUP_FLAGS.map((name) => `sum(${name})`).join(', ')}
  FROM (
    SELECT device_id, substr(received_at, 1, 16) || ':00.000Z' AS bucket,
      ${ROLLUP_READINGS.map((name) => `${READING_SQL[name]} AS ${name}`).join(',\n      ')},
      ${ROLLUP_FLAGS.map((name) => `${FLAG_SQL[name]} AS ${name}`).join(',\n      ')}
    FROM telemetry WHERE received_at >= @from AND received_at < @to
  )
  WHERE true
  GROUP BY device_id, bucket`,
);

/** Per-minute rows → per-hour rows: counts and sums add up, so the hour's average is exact. */
export const FOLD_MINUTES_INTO_HOURS = upsert(
  'hour',
  `SELECT device_id, substr(bucket, 1, 13) || ':00:00.000Z' AS hour_bucket, sum(samples),
    ${ROLLUP_READINGS.map((name) => `sum(${name}_n), total(${name}_sum), min(${name}_min), max(${name}_max)`).join(',\n    ')},
    ${ROLLUP_FLAGS.map((name) => `sum(${name})`).join(', ')}
  FROM telemetry_minute WHERE bucket >= @from AND bucket < @to
  GROUP BY device_id, hour_bucket`,
);
