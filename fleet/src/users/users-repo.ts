import { randomBytes } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import type { Database } from '../store/database.js';
import { isConstraintError } from '../store/constraint-errors.js';
import type { Grant, Role } from './permissions.js';

export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  grants: Grant[];
  mustChangePassword: boolean;
  createdAt: string;
  failedLogins: number;
  lockedUntil: string | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  mustChangePassword: boolean;
  grants: Grant[];
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  must_change_password: number;
  created_at: string;
  failed_logins: number;
  locked_until: string | null;
}

interface GrantRow {
  user_id: string;
  role: string;
  gate_id: string | null;
}

const USER_COLUMNS =
  'id, username, display_name, must_change_password, created_at, failed_logins, locked_until';

/** Users and their grants. Password hashes leave this class only through `passwordHash`. */
export class UsersRepo {
  private readonly db: Database;
  private readonly stmts;

  constructor(db: Database) {
    this.db = db;
    this.stmts = prepare(db);
  }

  count(): number {
    return this.stmts.count.get() ?? 0;
  }

  list(): UserRecord[] {
    const grants = groupGrants(this.stmts.allGrants.all());
    return this.stmts.all.all().map((row) => toUser(row, grants.get(row.id) ?? []));
  }

  get(username: string): UserRecord | undefined {
    const row = this.stmts.byUsername.get(username);
    return row && this.withGrants(row);
  }

  getById(id: string): UserRecord | undefined {
    const row = this.stmts.byId.get(id);
    return row && this.withGrants(row);
  }

  passwordHash(id: string): string | undefined {
    return this.stmts.hash.get(id);
  }

  /** BAD_REQUEST for a malformed username, CONFLICT for a taken one. */
  create(input: NewUser, now: Date = new Date()): UserRecord {
    if (!USERNAME_PATTERN.test(input.username)) {
      throw new GatecastError('BAD_REQUEST', 'username must be 3-64 of a-z, 0-9, ".", "_" or "-"');
    }
    const id = `usr_${randomBytes(8).toString('hex')}`;
    try {
      this.db.transaction(() => {
        this.stmts.insert.run(
          id,
          input.username,
          input.displayName,
          input.passwordHash,
          input.mustChangePassword ? 1 : 0,
          now.toISOString(),
        );
        for (const grant of input.grants) this.stmts.insertGrant.run(id, grant.role, grant.gateId);
      })();
    } catch (error) {
      if (isConstraintError(error, 'unique')) {
        throw new GatecastError('CONFLICT', `user ${input.username} already exists`);
      }
      throw error;
    }
    return this.getById(id) as UserRecord;
  }

  /** Sessions and API tokens go with the user (ON DELETE CASCADE). False when there is no such user. */
  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  /** Idempotent: granting a role the user already holds changes nothing. */
  addGrant(id: string, grant: Grant): void {
    this.stmts.insertGrant.run(id, grant.role, grant.gateId);
  }

  /** False when the user did not hold that grant. */
  revokeGrant(id: string, grant: Grant): boolean {
    return this.stmts.removeGrant.run(id, grant.role, grant.gateId).changes > 0;
  }

  /** A new password also clears a lock: resetting it is how an administrator unlocks an account. */
  setPassword(id: string, passwordHash: string, mustChangePassword: boolean): boolean {
    return this.stmts.setPassword.run(passwordHash, mustChangePassword ? 1 : 0, id).changes > 0;
  }

  /**
   * Counts one more failed sign-in (atomically, so parallel attempts each get their own count) and
   * locks the account until `lockUntil(failures)` when that says so. Returns the new count.
   */
  countLoginFailure(id: string, lockUntil: (failures: number) => string | null): number {
    return this.db.transaction(() => {
      const failures = this.stmts.incrementFailures.get(id) ?? 0;
      const until = lockUntil(failures);
      if (until !== null) this.stmts.lock.run(until, id);
      return failures;
    })();
  }

  resetLoginFailures(id: string): void {
    this.stmts.resetFailures.run(id);
  }

  /** Users holding admin on all gates: the last of them cannot be removed or demoted. */
  fleetAdminIds(): string[] {
    return this.stmts.fleetAdmins.all();
  }

  private withGrants(row: UserRow): UserRecord {
    return toUser(row, this.stmts.grantsOf.all(row.id).map(toGrant));
  }
}

function prepare(db: Database) {
  return {
    count: db.prepare<[], number>('SELECT count(*) FROM users').pluck(),
    all: db.prepare<[], UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`),
    byUsername: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`),
    byId: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
    hash: db.prepare<[string], string>('SELECT password_hash FROM users WHERE id = ?').pluck(),
    allGrants: db.prepare<[], GrantRow>('SELECT user_id, role, gate_id FROM user_grants'),
    grantsOf: db.prepare<[string], GrantRow>(
      'SELECT user_id, role, gate_id FROM user_grants WHERE user_id = ?',
    ),
    insert: db.prepare<[string, string, string, string, number, string]>(
      `INSERT INTO users (id, username, display_name, password_hash, must_change_password, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    insertGrant: db.prepare<[string, string, string | null]>(
      'INSERT OR IGNORE INTO user_grants (user_id, role, gate_id) VALUES (?, ?, ?)',
    ),
    removeGrant: db.prepare<[string, string, string | null]>(
      'DELETE FROM user_grants WHERE user_id = ? AND role = ? AND gate_id IS ?',
    ),
    remove: db.prepare<[string]>('DELETE FROM users WHERE id = ?'),
    setPassword: db.prepare<[string, number, string]>(
      `UPDATE users SET password_hash = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL
       WHERE id = ?`,
    ),
    incrementFailures: db
      .prepare<[string], number>(
        'UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins',
      )
      .pluck(),
    lock: db.prepare<[string, string]>('UPDATE users SET locked_until = ? WHERE id = ?'),
    resetFailures: db.prepare<[string]>(
      'UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?',
    ),
    fleetAdmins: db
      .prepare<[], string>(
        "SELECT DISTINCT user_id FROM user_grants WHERE role = 'admin' AND gate_id IS NULL ORDER BY user_id",
      )
      .pluck(),
  };
}

function groupGrants(rows: GrantRow[]): Map<string, Grant[]> {
  const byUser = new Map<string, Grant[]>();
  for (const row of rows) {
    const list = byUser.get(row.user_id) ?? [];
    list.push(toGrant(row));
    byUser.set(row.user_id, list);
  }
  return byUser;
}

/** Fleet-wide grants first, then by gate and role, so lists read the same everywhere. */
function sortGrants(grants: Grant[]): Grant[] {
  const key = (grant: Grant) => `${grant.gateId === null ? '0' : `1${grant.gateId}`}\u0000${grant.role}`;
  return [...grants].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function toGrant(row: GrantRow): Grant {
  // The CHECK constraint keeps roles to the known set.
  return { role: row.role as Role, gateId: row.gate_id };
}

function toUser(row: UserRow, grants: Grant[]): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    grants: sortGrants(grants),
    mustChangePassword: row.must_change_password === 1,
    createdAt: row.created_at,
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until,
  };
}
