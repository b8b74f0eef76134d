import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

/** Constraint failures the repos turn into catalogue codes (CONFLICT, NOT_FOUND). */
export type ConstraintKind = 'primary-key' | 'unique' | 'foreign-key';

const SQLITE_CODES: Record<ConstraintKind, string> = {
  'primary-key': 'SQLITE_CONSTRAINT_PRIMARYKEY',
  unique: 'SQLITE_CONSTRAINT_UNIQUE',
  'foreign-key': 'SQLITE_CONSTRAINT_FOREIGNKEY',
};

/** Either store's violation of `kind`. PostgreSQL reports a primary key as a unique index named `*_pkey`. */
export function isConstraintError(error: unknown, kind: ConstraintKind): boolean {
  if (error instanceof BetterSqlite3.SqliteError) return error.code === SQLITE_CODES[kind];
  if (!(error instanceof pg.DatabaseError)) return false;
  if (kind === 'foreign-key') return error.code === '23503';
  const primary = error.constraint?.endsWith('_pkey') ?? false;
  return error.code === '23505' && primary === (kind === 'primary-key');
}
