/**
 * Migration step 10: telemetry rollups per minute and per hour. Append-only once released (see
 * store/migrations.ts): the column lists below are part of the step and never change; a new
 * reading needs a new step.
 *
 * Each numeric reading keeps a count, a sum, a minimum and a maximum, so an hour can be folded
 * from its minutes exactly (the average is sum / n, never an average of averages). Flags keep how
 * many samples in the bucket had them. Rows go with their device, like raw telemetry.
 */

/** Numeric readings: `{name}_n`, `{name}_sum`, `{name}_min`, `{name}_max`. */
export const ROLLUP_READINGS = [
  'cpu_load',
  'temperature_c',
  'memory_percent',
  'disk_percent',
  'agent_rss_bytes',
  'browser_memory_bytes',
  'wifi_signal_dbm',
  'clock_offset_ms',
] as const;
export type RollupReading = (typeof ROLLUP_READINGS)[number];

/** Flags: how many of the bucket's samples had them. */
export const ROLLUP_FLAGS = [
  'under_voltage',
  'throttled',
  'display_black',
  'display_frozen',
  'cec_standby',
] as const;
export type RollupFlag = (typeof ROLLUP_FLAGS)[number];

export const ROLLUP_TIERS = ['minute', 'hour'] as const;
export type RollupTier = (typeof ROLLUP_TIERS)[number];

function rollupTable(tier: RollupTier): string {
  const readings = ROLLUP_READINGS.map(
    (name) => `${name}_n INTEGER NOT NULL, ${name}_sum REAL NOT NULL, ${name}_min REAL, ${name}_max REAL,`,
  );
  const flags = ROLLUP_FLAGS.map((name) => `${name} INTEGER NOT NULL,`);
  return `
  CREATE TABLE telemetry_${tier} (
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    bucket TEXT NOT NULL,
    samples INTEGER NOT NULL,
    ${readings.join('\n    ')}
    ${flags.join('\n    ')}
    PRIMARY KEY (device_id, bucket)
  ) STRICT;
  CREATE INDEX telemetry_${tier}_by_bucket ON telemetry_${tier}(bucket);`;
}

export const HEALTH_MIGRATION = `
  ${rollupTable('minute')}
  ${rollupTable('hour')}

  -- How far each tier is folded: every source row before done_until is in it, none after.
  -- Updated in the same transaction as the rows it describes, so a restart resumes exactly.
  CREATE TABLE telemetry_rollup_progress (
    tier TEXT PRIMARY KEY CHECK (tier IN ('minute', 'hour')),
    done_until TEXT NOT NULL
  ) STRICT;

  -- Folding and pruning walk raw telemetry by time across all devices.
  CREATE INDEX telemetry_by_time ON telemetry(received_at);
`;
