import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../store/database.js';

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
  private readonly stmts;

  constructor(db: Database) {
    this.stmts = {
      insert: db.prepare<[string, string, string, string, string]>(
        'INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      get: db.prepare<[string], SessionRow>(
        'SELECT id_hash, user_id, csrf_token, expires_at FROM sessions WHERE id_hash = ?',
      ),
      slide: db.prepare<[string, string]>('UPDATE sessions SET expires_at = ? WHERE id_hash = ?'),
      remove: db.prepare<[string]>('DELETE FROM sessions WHERE id_hash = ?'),
      removeOfUser: db.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?'),
      removeOthersOfUser: db.prepare<[string, string]>(
        'DELETE FROM sessions WHERE user_id = ? AND id_hash != ?',
      ),
      purge: db.prepare<[string]>('DELETE FROM sessions WHERE expires_at <= ?'),
    };
  }

  /** A new session; the plain id exists only in the return value (and the cookie). */
  create(userId: string, now: Date): { id: string; session: Session } {
    this.stmts.purge.run(now.toISOString());
    const id = randomBytes(32).toString('base64url');
    const session: Session = {
      idHash: sha256Hex(id),
      userId,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
    };
    this.stmts.insert.run(session.idHash, userId, session.csrfToken, now.toISOString(), session.expiresAt);
    return { id, session };
  }

  /** The live session for a cookie value, its expiry pushed back; undefined when unknown or expired. */
  verify(id: string, now: Date): Session | undefined {
    if (id.length === 0 || id.length > MAX_SESSION_ID_LENGTH) return undefined;
    const row = this.stmts.get.get(sha256Hex(id));
    if (!row) return undefined;
    const expiresAt = Date.parse(row.expires_at);
    if (!(expiresAt > now.getTime())) {
      this.stmts.remove.run(row.id_hash);
      return undefined;
    }
    const slid = now.getTime() + SESSION_IDLE_MS;
    if (slid - expiresAt >= SLIDE_GRANULARITY_MS) {
      row.expires_at = new Date(slid).toISOString();
      this.stmts.slide.run(row.expires_at, row.id_hash);
    }
    return { idHash: row.id_hash, userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  remove(idHash: string): void {
    this.stmts.remove.run(idHash);
  }

  /** Signs the user out everywhere, or everywhere but the session named (a password change). */
  removeOfUser(userId: string, keepIdHash?: string): number {
    const result =
      keepIdHash === undefined
        ? this.stmts.removeOfUser.run(userId)
        : this.stmts.removeOthersOfUser.run(userId, keepIdHash);
    return result.changes;
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
