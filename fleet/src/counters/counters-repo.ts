import type { CounterPage } from '@gatecast/protocol';
import type { Database } from '../store/database.js';

export interface CounterCode {
  deviceId: string;
  code: string;
  issuedAt: string;
  expiresAt: string;
}

export interface CounterPairing {
  id: string;
  deviceId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface StoredCounterPage extends CounterPage {
  deviceId: string;
  pairingId: string;
}

interface CodeRow {
  device_id: string;
  code: string;
  issued_at: string;
  expires_at: string;
}

interface PairingRow {
  id: string;
  device_id: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

interface PageRow {
  device_id: string;
  node_id: string;
  language: string;
  shown_since: string;
  until: string | null;
  pairing_id: string;
}

const PAIRING_COLUMNS = 'id, device_id, created_at, last_used_at, revoked_at, revoked_by';

/** Codes, pairings and pushed pages of counter screens; plain SQL, no rules (counters-service.ts). */
export class CountersRepo {
  private readonly stmts;

  constructor(db: Database) {
    this.stmts = {
      code: db.prepare<[string], CodeRow>('SELECT * FROM counter_codes WHERE device_id = ?'),
      codeByValue: db.prepare<[string], CodeRow>('SELECT * FROM counter_codes WHERE code = ?'),
      saveCode: db.prepare<[string, string, string, string]>(
        `INSERT INTO counter_codes (device_id, code, issued_at, expires_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (device_id) DO UPDATE SET code = excluded.code, issued_at = excluded.issued_at,
             expires_at = excluded.expires_at`,
      ),
      allCodes: db.prepare<[], CodeRow>('SELECT * FROM counter_codes'),
      removeCode: db.prepare<[string]>('DELETE FROM counter_codes WHERE device_id = ?'),
      nextCodeExpiry: db.prepare<[], string | null>('SELECT min(expires_at) FROM counter_codes').pluck(),
      addPairing: db.prepare<[string, string, string, string]>(
        'INSERT INTO counter_pairings (id, device_id, token_hash, created_at) VALUES (?, ?, ?, ?)',
      ),
      pairingByHash: db.prepare<[string], PairingRow>(
        `SELECT ${PAIRING_COLUMNS} FROM counter_pairings WHERE token_hash = ?`,
      ),
      pairing: db.prepare<[string], PairingRow>(
        `SELECT ${PAIRING_COLUMNS} FROM counter_pairings WHERE id = ?`,
      ),
      pairings: db.prepare<[], PairingRow>(
        `SELECT ${PAIRING_COLUMNS} FROM counter_pairings ORDER BY device_id, created_at`,
      ),
      touchPairing: db.prepare<[string, string]>('UPDATE counter_pairings SET last_used_at = ? WHERE id = ?'),
      revoke: db.prepare<[string, string, string]>(
        'UPDATE counter_pairings SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL',
      ),
      page: db.prepare<[string], PageRow>('SELECT * FROM counter_pages WHERE device_id = ?'),
      savePage: db.prepare<[string, string, string, string, string | null, string]>(
        `INSERT INTO counter_pages (device_id, node_id, language, shown_since, until, pairing_id)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (device_id) DO UPDATE SET node_id = excluded.node_id, language = excluded.language,
             shown_since = excluded.shown_since, until = excluded.until, pairing_id = excluded.pairing_id`,
      ),
      removePage: db.prepare<[string]>('DELETE FROM counter_pages WHERE device_id = ?'),
      expiredPages: db
        .prepare<[string], string>(
          'SELECT device_id FROM counter_pages WHERE until IS NOT NULL AND until <= ?',
        )
        .pluck(),
      nextPageEnd: db
        .prepare<[string], string | null>('SELECT min(until) FROM counter_pages WHERE until > ?')
        .pluck(),
    };
  }

  code(deviceId: string): CounterCode | undefined {
    const row = this.stmts.code.get(deviceId);
    return row && toCode(row);
  }

  codeByValue(code: string): CounterCode | undefined {
    const row = this.stmts.codeByValue.get(code);
    return row && toCode(row);
  }

  saveCode(code: CounterCode): void {
    this.stmts.saveCode.run(code.deviceId, code.code, code.issuedAt, code.expiresAt);
  }

  allCodes(): CounterCode[] {
    return this.stmts.allCodes.all().map(toCode);
  }

  removeCode(deviceId: string): void {
    this.stmts.removeCode.run(deviceId);
  }

  /** The earliest code expiry, or null without codes. */
  nextCodeExpiry(): string | null {
    return this.stmts.nextCodeExpiry.get() ?? null;
  }

  addPairing(pairing: { id: string; deviceId: string; tokenHash: string; createdAt: string }): void {
    this.stmts.addPairing.run(pairing.id, pairing.deviceId, pairing.tokenHash, pairing.createdAt);
  }

  pairingByTokenHash(tokenHash: string): CounterPairing | undefined {
    const row = this.stmts.pairingByHash.get(tokenHash);
    return row && toPairing(row);
  }

  pairing(id: string): CounterPairing | undefined {
    const row = this.stmts.pairing.get(id);
    return row && toPairing(row);
  }

  pairings(): CounterPairing[] {
    return this.stmts.pairings.all().map(toPairing);
  }

  touchPairing(id: string, at: string): void {
    this.stmts.touchPairing.run(at, id);
  }

  /** False when the pairing was already revoked (or never existed). */
  revoke(id: string, at: string, by: string): boolean {
    return this.stmts.revoke.run(at, by, id).changes > 0;
  }

  page(deviceId: string): StoredCounterPage | undefined {
    const row = this.stmts.page.get(deviceId);
    return (
      row && {
        deviceId: row.device_id,
        nodeId: row.node_id,
        language: row.language,
        shownSince: row.shown_since,
        until: row.until,
        pairingId: row.pairing_id,
      }
    );
  }

  savePage(page: StoredCounterPage): void {
    this.stmts.savePage.run(
      page.deviceId,
      page.nodeId,
      page.language,
      page.shownSince,
      page.until,
      page.pairingId,
    );
  }

  /** True when there was a page to remove. */
  removePage(deviceId: string): boolean {
    return this.stmts.removePage.run(deviceId).changes > 0;
  }

  /** Screens whose page ended at or before `at`; their rows are left for removePage. */
  expiredPages(at: string): string[] {
    return this.stmts.expiredPages.all(at);
  }

  nextPageEnd(after: string): string | null {
    return this.stmts.nextPageEnd.get(after) ?? null;
  }
}

function toCode(row: CodeRow): CounterCode {
  return { deviceId: row.device_id, code: row.code, issuedAt: row.issued_at, expiresAt: row.expires_at };
}

function toPairing(row: PairingRow): CounterPairing {
  return {
    id: row.id,
    deviceId: row.device_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
  };
}
