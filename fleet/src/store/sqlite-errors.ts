import BetterSqlite3 from 'better-sqlite3';

/** Constraint failures the repos turn into catalogue codes (CONFLICT, NOT_FOUND). */
export type ConstraintKind = 'primary-key' | 'unique' | 'foreign-key';

const CODES: Record<ConstraintKind, string> = {
  'primary-key': 'SQLITE_CONSTRAINT_PRIMARYKEY',
  unique: 'SQLITE_CONSTRAINT_UNIQUE',
  'foreign-key': 'SQLITE_CONSTRAINT_FOREIGNKEY',
};

export function isConstraintError(error: unknown, kind: ConstraintKind): boolean {
  return error instanceof BetterSqlite3.SqliteError && error.code === CODES[kind];
}
