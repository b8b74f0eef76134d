import type { CounterPage } from '@gatecast/protocol';
import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';

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

const PAIRING_COLUMNS = sql.raw('id, device_id, created_at, last_used_at, revoked_at, revoked_by');

/** Codes, pairings and pushed pages of counter screens; plain SQL, no rules (counters-service.ts). */
export class CountersRepo {
  constructor(private readonly store: Sql) {}

  async code(deviceId: string): Promise<CounterCode | undefined> {
    const row = await this.store.one<CodeRow>(sql`SELECT * FROM counter_codes WHERE device_id = ${deviceId}`);
    return row && toCode(row);
  }

  async codeByValue(code: string): Promise<CounterCode | undefined> {
    const row = await this.store.one<CodeRow>(sql`SELECT * FROM counter_codes WHERE code = ${code}`);
    return row && toCode(row);
  }

  async saveCode(code: CounterCode): Promise<void> {
    await this.store.run(
      sql`INSERT INTO counter_codes (device_id, code, issued_at, expires_at)
          VALUES (${code.deviceId}, ${code.code}, ${code.issuedAt}, ${code.expiresAt})
          ON CONFLICT (device_id) DO UPDATE SET code = excluded.code, issued_at = excluded.issued_at,
            expires_at = excluded.expires_at`,
    );
  }

  /** Replaces the screen's code only while it is still `previous`: false when someone else replaced it first. */
  async replaceCode(previous: string, code: CounterCode): Promise<boolean> {
    const replaced = await this.store.run(
      sql`UPDATE counter_codes SET code = ${code.code}, issued_at = ${code.issuedAt}, expires_at = ${code.expiresAt}
          WHERE device_id = ${code.deviceId} AND code = ${previous}`,
    );
    return replaced === 1;
  }

  async allCodes(): Promise<CounterCode[]> {
    return (await this.store.all<CodeRow>(sql`SELECT * FROM counter_codes`)).map(toCode);
  }

  async removeCode(deviceId: string): Promise<void> {
    await this.store.run(sql`DELETE FROM counter_codes WHERE device_id = ${deviceId}`);
  }

  /** The earliest code expiry, or null without codes. */
  async nextCodeExpiry(): Promise<string | null> {
    const row = await this.store.one<{ earliest: string | null }>(
      sql`SELECT min(expires_at) AS earliest FROM counter_codes`,
    );
    return row?.earliest ?? null;
  }

  async addPairing(pairing: {
    id: string;
    deviceId: string;
    tokenHash: string;
    createdAt: string;
  }): Promise<void> {
    await this.store.run(
      sql`INSERT INTO counter_pairings (id, device_id, token_hash, created_at)
          VALUES (${pairing.id}, ${pairing.deviceId}, ${pairing.tokenHash}, ${pairing.createdAt})`,
    );
  }

  async pairingByTokenHash(tokenHash: string): Promise<CounterPairing | undefined> {
    const row = await this.store.one<PairingRow>(
      sql`SELECT ${PAIRING_COLUMNS} FROM counter_pairings WHERE token_hash = ${tokenHash}`,
    );
    return row && toPairing(row);
  }

  async pairing(id: string): Promise<CounterPairing | undefined> {
    const row = await this.store.one<PairingRow>(
      sql`SELECT ${PAIRING_COLUMNS} FROM counter_pairings WHERE id = ${id}`,
    );
    return row && toPairing(row);
  }

  async pairings(): Promise<CounterPairing[]> {
    const rows = await this.store.all<PairingRow>(
      sql`SELECT ${PAIRING_COLUMNS} FROM counter_pairings ORDER BY device_id, created_at`,
    );
    return rows.map(toPairing);
  }

  async touchPairing(id: string, at: string): Promise<void> {
    await this.store.run(sql`UPDATE counter_pairings SET last_used_at = ${at} WHERE id = ${id}`);
  }

  /** False when the pairing was already revoked (or never existed). */
  async revoke(id: string, at: string, by: string): Promise<boolean> {
    const revoked = await this.store.run(
      sql`UPDATE counter_pairings SET revoked_at = ${at}, revoked_by = ${by} WHERE id = ${id} AND revoked_at IS NULL`,
    );
    return revoked > 0;
  }

  async page(deviceId: string): Promise<StoredCounterPage | undefined> {
    const row = await this.store.one<PageRow>(sql`SELECT * FROM counter_pages WHERE device_id = ${deviceId}`);
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

  async savePage(page: StoredCounterPage): Promise<void> {
    await this.store.run(
      sql`INSERT INTO counter_pages (device_id, node_id, language, shown_since, until, pairing_id)
          VALUES (${page.deviceId}, ${page.nodeId}, ${page.language}, ${page.shownSince}, ${page.until},
            ${page.pairingId})
          ON CONFLICT (device_id) DO UPDATE SET node_id = excluded.node_id, language = excluded.language,
            shown_since = excluded.shown_since, until = excluded.until, pairing_id = excluded.pairing_id`,
    );
  }

  /** True when there was a page to remove. */
  async removePage(deviceId: string): Promise<boolean> {
    return (await this.store.run(sql`DELETE FROM counter_pages WHERE device_id = ${deviceId}`)) > 0;
  }

  /** Screens whose page ended at or before `at`; their rows are left for removePage. */
  async expiredPages(at: string): Promise<string[]> {
    const rows = await this.store.all<{ device_id: string }>(
      sql`SELECT device_id FROM counter_pages WHERE until IS NOT NULL AND until <= ${at}`,
    );
    return rows.map((row) => row.device_id);
  }

  async nextPageEnd(after: string): Promise<string | null> {
    const row = await this.store.one<{ earliest: string | null }>(
      sql`SELECT min(until) AS earliest FROM counter_pages WHERE until > ${after}`,
    );
    return row?.earliest ?? null;
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
