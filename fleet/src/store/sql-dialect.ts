import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from './sql.js';

// The few things SQLite and PostgreSQL say differently. Everything else is written once, in the
// SQL both share (COALESCE, ON CONFLICT, RETURNING, NULLS FIRST/LAST, explicit GROUP BY columns).

function jsonPath(path: string): { sqlite: string; postgres: string } {
  if (!/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(path)) throw new Error(`not a JSON path: ${path}`);
  return { sqlite: `$.${path}`, postgres: `{${path.split('.').join(',')}}` };
}

/** A JSON text column's field at `path` (`a.b`), as text; NULL when absent. */
export function jsonText(dialect: Dialect, column: string, path: string): RawBuilder<string | null> {
  const { sqlite, postgres } = jsonPath(path);
  return dialect === 'sqlite'
    ? sql`json_extract(${sql.ref(column)}, ${sql.lit(sqlite)})`
    : sql`(${sql.ref(column)}::jsonb #>> ${sql.lit(postgres)})`;
}

/** The same field as a number (for sums and averages); NULL when absent or not a number. */
export function jsonNumber(dialect: Dialect, column: string, path: string): RawBuilder<number | null> {
  const { sqlite, postgres } = jsonPath(path);
  return dialect === 'sqlite'
    ? sql`CASE WHEN json_type(${sql.ref(column)}, ${sql.lit(sqlite)}) IN ('integer', 'real')
               THEN json_extract(${sql.ref(column)}, ${sql.lit(sqlite)}) END`
    : sql`CASE WHEN jsonb_typeof(${sql.ref(column)}::jsonb #> ${sql.lit(postgres)}) = 'number'
               THEN (${sql.ref(column)}::jsonb #>> ${sql.lit(postgres)})::double precision END`;
}

/** `column IN (…values)`; false for an empty list, which neither dialect accepts as `IN ()`. */
export function isIn(column: string, values: readonly (string | number)[]): RawBuilder<boolean> {
  if (values.length === 0) return sql<boolean>`1 = 0`;
  return sql<boolean>`${sql.ref(column)} IN (${sql.join(values)})`;
}
