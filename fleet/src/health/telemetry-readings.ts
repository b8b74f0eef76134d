import { sql, type RawBuilder } from 'kysely';
import { ROLLUP_FLAGS, ROLLUP_READINGS, type RollupFlag, type RollupReading } from './health-schema.js';
import type { Dialect } from '../store/sql.js';
import { jsonNumber, jsonText } from '../store/sql-dialect.js';

/**
 * Each reading as an SQL expression over a raw telemetry row's `sample` JSON. The store reads the
 * JSON itself, so folding thousands of samples never parses them in JavaScript.
 * An absent block (an agent without a player, a wired screen) reads as NULL and is not counted.
 * SQLite keeps its own json_extract (jsonText there), so its results stay exactly as before;
 * PostgreSQL needs the value typed as a number to sum it.
 */
const json = (dialect: Dialect, path: string): RawBuilder<unknown> =>
  dialect === 'sqlite' ? jsonText(dialect, 'sample', path) : jsonNumber(dialect, 'sample', path);

const percentOf = (dialect: Dialect, used: string, total: string) =>
  sql`(100.0 * ${json(dialect, used)} / NULLIF(${json(dialect, total)}, 0))`;

const READING_PATHS: Record<Exclude<RollupReading, 'memory_percent' | 'disk_percent'>, string> = {
  cpu_load: 'cpu.loadPercent',
  temperature_c: 'cpu.temperatureC',
  agent_rss_bytes: 'agent.rssBytes',
  browser_memory_bytes: 'player.memoryBytes',
  wifi_signal_dbm: 'network.wifiSignalDbm',
  clock_offset_ms: 'clock.offsetMs',
};

export function readingSql(dialect: Dialect, name: RollupReading): RawBuilder<unknown> {
  if (name === 'memory_percent') return percentOf(dialect, 'memory.usedBytes', 'memory.totalBytes');
  if (name === 'disk_percent') return percentOf(dialect, 'disk.usedBytes', 'disk.totalBytes');
  return json(dialect, READING_PATHS[name]);
}

const FLAG_PATHS: Record<Exclude<RollupFlag, 'cec_standby'>, string> = {
  under_voltage: 'power.underVoltageNow',
  throttled: 'power.throttledNow',
  display_black: 'display.black',
  display_frozen: 'display.frozen',
};

/** 1 when the sample has the flag, else 0. JSON true reads as 1 in SQLite; PostgreSQL compares as jsonb. */
export function flagSql(dialect: Dialect, name: RollupFlag): RawBuilder<unknown> {
  if (name === 'cec_standby') {
    return sql`CASE WHEN ${jsonText(dialect, 'sample', 'display.cecPower')} = 'standby' THEN 1 ELSE 0 END`;
  }
  const path = FLAG_PATHS[name];
  if (dialect === 'sqlite') return sql`COALESCE(${jsonText(dialect, 'sample', path)}, 0)`;
  return sql`CASE WHEN (sample::jsonb #> ${sql.lit(`{${path.split('.').join(',')}}`)}) = 'true'::jsonb THEN 1 ELSE 0 END`;
}

/** The API's field for each reading. */
export const READING_FIELDS = {
  cpu_load: 'cpuLoad',
  temperature_c: 'temperatureC',
  memory_percent: 'memoryPercent',
  disk_percent: 'diskPercent',
  agent_rss_bytes: 'agentRssBytes',
  browser_memory_bytes: 'browserMemoryBytes',
  wifi_signal_dbm: 'wifiSignalDbm',
  clock_offset_ms: 'clockOffsetMs',
} as const satisfies Record<RollupReading, string>;

export type ReadingField = (typeof READING_FIELDS)[RollupReading];

export const FLAG_FIELDS = {
  under_voltage: 'underVoltage',
  throttled: 'throttled',
  display_black: 'displayBlack',
  display_frozen: 'displayFrozen',
  cec_standby: 'cecStandby',
} as const satisfies Record<RollupFlag, string>;

export type FlagField = (typeof FLAG_FIELDS)[RollupFlag];

export { ROLLUP_FLAGS, ROLLUP_READINGS };
