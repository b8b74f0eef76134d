import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';

/** Idle sessions end after 12 hours; each use pushes the end back. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** Sliding the expiry on every request would write on every request; once a minute is enough. */
const SLIDE_GRANULARITY_MS = 60 * 1000;
const MAX_SESSION_ID_LENGTH = 128;

export interface Session {
  idHash: string;
  userId: string;
  csrfToken: string;
  expiresAt: string;
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  expires_at: string;
}

/**
 * Dashboard sessions. The cookie carries a random id; the store keeps only its sha256, the owner,
 * the session's CSRF token and when it ends.
 */
export class SessionStore {
  constructor(private readonly store: Sql) {}

  /** A new session; the plain id exists only in the return value (and the cookie). */
  async create(userId: string, now: Date): Promise<{ id: string; session: Session }> {
    await this.store.run(sql`DELETE FROM sessions WHERE expires_at <= ${now.toISOString()}`);
    const id = randomBytes(32).toString('base64url');
    const session: Session = {
      idHash: sha256Hex(id),
      userId,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
    };
    await this.store.run(
      sql`INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at)
          VALUES (${session.idHash}, ${userId}, ${session.csrfToken}, ${now.toISOString()}, ${session.expiresAt})`,
    );
    return { id, session };
  }

  /** The live session for a cookie value, its expiry pushed back; undefined when unknown or expired. */
  async verify(id: string, now: Date): Promise<Session | undefined> {
    if (id.length === 0 || id.length > MAX_SESSION_ID_LENGTH) return undefined;
    const row = await this.store.one<SessionRow>(
      sql`SELECT id_hash, user_id, csrf_token, expires_at FROM sessions WHERE id_hash = ${sha256Hex(id)}`,
    );
    if (!row) return undefined;
    const expiresAt = Date.parse(row.expires_at);
    if (!(expiresAt > now.getTime())) {
      await this.remove(row.id_hash);
      return undefined;
    }
    const slid = now.getTime() + SESSION_IDLE_MS;
    if (slid - expiresAt >= SLIDE_GRANULARITY_MS) {
      row.expires_at = new Date(slid).toISOString();
      await this.store.run(
        sql`UPDATE sessions SET expires_at = ${row.expires_at} WHERE id_hash = ${row.id_hash}`,
      );
    }
    return { idHash: row.id_hash, userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  async remove(idHash: string): Promise<void> {
    await this.store.run(sql`DELETE FROM sessions WHERE id_hash = ${idHash}`);
  }

  /** Signs the user out everywhere, or everywhere but the session named (a password change). */
  async removeOfUser(userId: string, keepIdHash?: string): Promise<number> {
    return this.store.run(
      keepIdHash === undefined
        ? sql`DELETE FROM sessions WHERE user_id = ${userId}`
        : sql`DELETE FROM sessions WHERE user_id = ${userId} AND id_hash != ${keepIdHash}`,
    );
  }
}

/** Constant time, and false for anything but two equal non-empty strings. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined || given.length === 0) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
