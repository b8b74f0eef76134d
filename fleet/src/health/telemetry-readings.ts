import { ROLLUP_FLAGS, ROLLUP_READINGS, type RollupFlag, type RollupReading } from './health-schema.js';

/**
 * Each reading as an SQL expression over a raw telemetry row's `sample` JSON. SQLite reads the
 * JSON itself, so folding thousands of samples never parses them in JavaScript.
 * An absent block (an agent without a player, a wired screen) reads as NULL and is not counted.
 */
const json = (path: string) => `json_extract(sample, '$.${path}')`;

const percentOf = (used: string, total: string) => `(100.0 * ${json(used)} / NULLIF(${json(total)}, 0))`;

export const READING_SQL: Record<RollupReading, string> = {
  cpu_load: json('cpu.loadPercent'),
  temperature_c: json('cpu.temperatureC'),
  memory_percent: percentOf('memory.usedBytes', 'memory.totalBytes'),
  disk_percent: percentOf('disk.usedBytes', 'disk.totalBytes'),
  agent_rss_bytes: json('agent.rssBytes'),
  browser_memory_bytes: json('player.memoryBytes'),
  wifi_signal_dbm: json('network.wifiSignalDbm'),
  clock_offset_ms: json('clock.offsetMs'),
};

/** 1 when the sample has the flag; JSON true reads as 1 in SQLite. */
export const FLAG_SQL: Record<RollupFlag, string> = {
  under_voltage: `IFNULL(${json('power.underVoltageNow')}, 0)`,
  throttled: `IFNULL(${json('power.throttledNow')}, 0)`,
  display_black: `IFNULL(${json('display.black')}, 0)`,
  display_frozen: `IFNULL(${json('display.frozen')}, 0)`,
  cec_standby: `IFNULL(${json('display.cecPower')} = 'standby', 0)`,
};

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
