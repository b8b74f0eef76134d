import { sql } from 'kysely';
import { isIn } from '../store/sql-dialect.js';
import type { Sql } from '../store/sql.js';
import { PLAY_DIMENSIONS, type PlayDimension, type PlaysReport, type PlaysRow } from './plays-view.js';

export interface PlaysFilter {
  /** Gates the caller may read; 'all' for a fleet-wide reader. */
  gates: 'all' | string[];
  gate?: string | undefined;
  zone?: string | undefined;
  device?: string | undefined;
  item?: string | undefined;
  /** A language tag, or '-' for plays without one (media without text). */
  language?: string | undefined;
  /** Inclusive, on the time the play started. */
  from: Date;
  /** Exclusive. */
  to: Date;
  by: readonly PlayDimension[];
}

/** SQL for each dimension over the `plays` CTE below; fixed strings, never user input. */
const COLUMN: Record<PlayDimension, string> = {
  gate: 'gate_id',
  zone: 'zone_id',
  device: 'device_id',
  item: 'item_id',
  language: 'language',
};

interface Row {
  gate_id?: string;
  zone_id?: string;
  device_id?: string;
  item_id?: string;
  language?: string | null;
  plays: number;
  total_ms: number;
  first_at: string;
  last_at: string;
}

/**
 * Proof of play over a period, grouped. Plays are stored device events of kind proof-of-play,
 * with the gate the screen was at when each arrived; the zone is the screen's zone now (or, for
 * a removed screen, its last recorded one). A play counts in the period it started in.
 */
export async function queryPlays(store: Sql, filter: PlaysFilter): Promise<PlaysReport> {
  const by = PLAY_DIMENSIONS.filter((dimension) => filter.by.includes(dimension));
  const columns = by.map((dimension) => COLUMN[dimension]);
  const select = sql.raw([...columns, ''].join(', '));
  const groupOrder = sql.raw(
    columns.length > 0 ? `GROUP BY ${columns.join(', ')} ORDER BY ${columns.join(', ')}` : '',
  );
  const when = <T>(value: T | undefined, condition: (value: T) => ReturnType<typeof sql>) =>
    value === undefined ? sql`TRUE` : condition(value);
  const rows = await store.all<Row>(sql`
    WITH screens AS (
      SELECT id AS device_id, zone_id FROM devices
      UNION ALL
      SELECT device_id, zone_id FROM presence_log
      WHERE id IN (SELECT MAX(id) FROM presence_log GROUP BY device_id)
        AND device_id NOT IN (SELECT id FROM devices)
    ),
    plays AS (
      SELECT e.gate_id, COALESCE(s.zone_id, '-') AS zone_id, e.device_id, e.item_id, e.language,
        e.started_at, e.duration_ms
      FROM device_events e LEFT JOIN screens s ON s.device_id = e.device_id
      WHERE e.kind = 'proof-of-play'
        AND e.started_at >= ${filter.from.toISOString()} AND e.started_at < ${filter.to.toISOString()}
        AND ${filter.gates === 'all' ? sql`TRUE` : isIn('e.gate_id', filter.gates)}
        AND ${when(filter.gate, (gate) => sql`e.gate_id = ${gate}`)}
        AND ${when(filter.device, (device) => sql`e.device_id = ${device}`)}
        AND ${when(filter.item, (item) => sql`e.item_id = ${item}`)}
        AND ${when(filter.language, (language) =>
          language === '-' ? sql`(e.language IS NULL OR e.language = '-')` : sql`e.language = ${language}`,
        )}
    )
    SELECT ${select} COUNT(*) AS plays, CAST(COALESCE(SUM(duration_ms), 0) AS BIGINT) AS total_ms,
      MIN(started_at) AS first_at, MAX(started_at) AS last_at
    FROM plays WHERE ${when(filter.zone, (zone) => sql`zone_id = ${zone}`)}
    ${groupOrder}`);
  const result = rows.filter((row) => row.plays > 0).map((row) => toPlaysRow(row, by));
  return {
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    by,
    rows: result,
    total: {
      plays: result.reduce((sum, row) => sum + row.plays, 0),
      totalSeconds: round1(result.reduce((sum, row) => sum + row.totalSeconds, 0)),
    },
  };
}

function toPlaysRow(row: Row, by: readonly PlayDimension[]): PlaysRow {
  const out: PlaysRow = {
    plays: row.plays,
    totalSeconds: round1(row.total_ms / 1000),
    averageSeconds: round1(row.total_ms / 1000 / row.plays),
    firstAt: row.first_at,
    lastAt: row.last_at,
  };
  if (by.includes('gate')) out.gate = row.gate_id ?? '';
  if (by.includes('zone')) out.zone = row.zone_id ?? '-';
  if (by.includes('device')) out.device = row.device_id ?? '';
  if (by.includes('item')) out.item = row.item_id ?? '';
  if (by.includes('language')) out.language = row.language ?? null;
  return out;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

const CSV_HEADERS: Record<PlayDimension, string> = {
  gate: 'gate',
  zone: 'zone',
  device: 'screen',
  item: 'item',
  language: 'language',
};

/** The report as CSV columns: the grouped dimensions, then the figures. */
export function playsCsvTable(report: PlaysReport): {
  headers: string[];
  rows: Array<Array<string | number>>;
} {
  const headers = [
    ...report.by.map((dimension) => CSV_HEADERS[dimension]),
    'plays',
    'total_seconds',
    'average_seconds',
    'first_started_at',
    'last_started_at',
  ];
  const rows = report.rows.map((row) => [
    ...report.by.map((dimension) => {
      const value = row[dimension];
      return value === null || value === undefined ? '' : value;
    }),
    row.plays,
    row.totalSeconds,
    row.averageSeconds,
    row.firstAt,
    row.lastAt,
  ]);
  return { headers, rows };
}
