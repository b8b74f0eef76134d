import { randomBytes } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';
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

const USER_COLUMNS = sql.raw(
  'id, username, display_name, must_change_password, created_at, failed_logins, locked_until',
);

/** Users and their grants. Password hashes leave this class only through `passwordHash`. */
export class UsersRepo {
  constructor(private readonly store: Sql) {}

  async count(): Promise<number> {
    const row = await this.store.one<{ n: number }>(sql`SELECT COUNT(*) AS n FROM users`);
    return row?.n ?? 0;
  }

  async list(): Promise<UserRecord[]> {
    const grants = groupGrants(
      await this.store.all<GrantRow>(sql`SELECT user_id, role, gate_id FROM user_grants`),
    );
    const rows = await this.store.all<UserRow>(sql`SELECT ${USER_COLUMNS} FROM users ORDER BY username`);
    return rows.map((row) => toUser(row, grants.get(row.id) ?? []));
  }

  async get(username: string): Promise<UserRecord | undefined> {
    const row = await this.store.one<UserRow>(
      sql`SELECT ${USER_COLUMNS} FROM users WHERE username = ${username}`,
    );
    return row && (await this.withGrants(row));
  }

  async getById(id: string): Promise<UserRecord | undefined> {
    const row = await this.store.one<UserRow>(sql`SELECT ${USER_COLUMNS} FROM users WHERE id = ${id}`);
    return row && (await this.withGrants(row));
  }

  async passwordHash(id: string): Promise<string | undefined> {
    const row = await this.store.one<{ password_hash: string }>(
      sql`SELECT password_hash FROM users WHERE id = ${id}`,
    );
    return row?.password_hash;
  }

  /** BAD_REQUEST for a malformed username, CONFLICT for a taken one. */
  async create(input: NewUser, now: Date = new Date()): Promise<UserRecord> {
    if (!USERNAME_PATTERN.test(input.username)) {
      throw new GatecastError('BAD_REQUEST', 'username must be 3-64 of a-z, 0-9, ".", "_" or "-"');
    }
    const id = `usr_${randomBytes(8).toString('hex')}`;
    // A taken username inserts nothing (ON CONFLICT) rather than failing the transaction: a rollback
    // on the SQLite connection shared with the repos not yet moved would undo their writes too.
    const created = await this.store.transaction(async (tx) => {
      const inserted = await tx.run(
        sql`INSERT INTO users (id, username, display_name, password_hash, must_change_password, created_at)
            VALUES (${id}, ${input.username}, ${input.displayName}, ${input.passwordHash},
              ${input.mustChangePassword ? 1 : 0}, ${now.toISOString()})
            ON CONFLICT DO NOTHING`,
      );
      if (inserted === 0) return false;
      for (const grant of input.grants) await insertGrant(tx, id, grant);
      return true;
    });
    if (!created) throw new GatecastError('CONFLICT', `user ${input.username} already exists`);
    return (await this.getById(id)) as UserRecord;
  }

  /** Sessions and API tokens go with the user (ON DELETE CASCADE). False when there is no such user. */
  async remove(id: string): Promise<boolean> {
    return (await this.store.run(sql`DELETE FROM users WHERE id = ${id}`)) > 0;
  }

  /** Idempotent: granting a role the user already holds changes nothing. */
  async addGrant(id: string, grant: Grant): Promise<void> {
    await insertGrant(this.store, id, grant);
  }

  /** False when the user did not hold that grant. */
  async revokeGrant(id: string, grant: Grant): Promise<boolean> {
    // IS NOT DISTINCT FROM: a fleet-wide grant's gate_id is NULL, and both dialects say it this way.
    const removed = await this.store.run(
      sql`DELETE FROM user_grants
          WHERE user_id = ${id} AND role = ${grant.role} AND gate_id IS NOT DISTINCT FROM ${grant.gateId}`,
    );
    return removed > 0;
  }

  /** A new password also clears a lock: resetting it is how an administrator unlocks an account. */
  async setPassword(id: string, passwordHash: string, mustChangePassword: boolean): Promise<boolean> {
    const changed = await this.store.run(
      sql`UPDATE users SET password_hash = ${passwordHash}, must_change_password = ${mustChangePassword ? 1 : 0},
            failed_logins = 0, locked_until = NULL
          WHERE id = ${id}`,
    );
    return changed > 0;
  }

  /**
   * Counts one more failed sign-in (atomically, so parallel attempts each get their own count) and
   * locks the account until `lockUntil(failures)` when that says so. Returns the new count.
   */
  async countLoginFailure(id: string, lockUntil: (failures: number) => string | null): Promise<number> {
    return this.store.transaction(async (tx) => {
      // The UPDATE holds the row's lock until commit, so the count and the lock go together.
      const row = await tx.one<{ failed_logins: number }>(
        sql`UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ${id} RETURNING failed_logins`,
      );
      const failures = row?.failed_logins ?? 0;
      const until = lockUntil(failures);
      if (until !== null) await tx.run(sql`UPDATE users SET locked_until = ${until} WHERE id = ${id}`);
      return failures;
    });
  }

  async resetLoginFailures(id: string): Promise<void> {
    await this.store.run(sql`UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ${id}`);
  }

  /**
   * Users holding admin on all gates: the last of them cannot be removed or demoted. `lock`: inside
   * a transaction, holds those grants until it ends, so two admins removing each other on
   * PostgreSQL decide one after the other (SQLite has a single writer; it knows no FOR UPDATE).
   */
  async fleetAdminIds(lock = false): Promise<string[]> {
    const rows =
      lock && this.store.dialect === 'postgres'
        ? await this.store.all<{ user_id: string }>(
            sql`SELECT user_id FROM user_grants WHERE role = 'admin' AND gate_id IS NULL ORDER BY user_id
                FOR UPDATE`,
          )
        : await this.store.all<{ user_id: string }>(
            sql`SELECT DISTINCT user_id FROM user_grants WHERE role = 'admin' AND gate_id IS NULL
                ORDER BY user_id`,
          );
    return [...new Set(rows.map((row) => row.user_id))];
  }

  /** Runs `work` in one transaction, with a repo that queries inside it. */
  async transaction<T>(work: (users: UsersRepo) => Promise<T>): Promise<T> {
    return this.store.transaction((tx) => work(new UsersRepo(tx)));
  }

  private async withGrants(row: UserRow): Promise<UserRecord> {
    const grants = await this.store.all<GrantRow>(
      sql`SELECT user_id, role, gate_id FROM user_grants WHERE user_id = ${row.id}`,
    );
    return toUser(row, grants.map(toGrant));
  }
}

async function insertGrant(store: Sql, id: string, grant: Grant): Promise<void> {
  await store.run(
    sql`INSERT INTO user_grants (user_id, role, gate_id) VALUES (${id}, ${grant.role}, ${grant.gateId})
        ON CONFLICT DO NOTHING`,
  );
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
