import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';
import type { RequestState } from './enrolment-rules.js';

export interface TokenRow {
  id: string;
  token_hash: string;
  gate_id: string;
  zone_id: string | null;
  note: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface RequestRow {
  id: string;
  token_id: string;
  serial: string;
  model: string;
  agent_version: string;
  network: string | null;
  requested_gate_id: string | null;
  requested_zone_id: string | null;
  pairing_code: string;
  poll_hash: string;
  state: RequestState;
  created_at: string;
  expires_at: string;
  device_id: string | null;
  delivery: string | null;
  decided_by: string | null;
  decided_at: string | null;
}

/** A request with its token's gate and zone, which decide where the screen may go. */
export type RequestWithGate = RequestRow & { gate_id: string; zone_id: string | null };

const WITH_GATE = sql`SELECT r.*, t.gate_id, t.zone_id FROM enrolment_requests r
  JOIN enrolment_tokens t ON t.id = r.token_id`;

/** Plain SQL over enrolment tokens and requests; the rules live in enrolment-rules and the service. */
export class EnrolmentRepo {
  constructor(private readonly store: Sql) {}

  async insertToken(row: TokenRow): Promise<void> {
    await this.store.run(
      sql`INSERT INTO enrolment_tokens (id, token_hash, gate_id, zone_id, note, created_by, created_at,
            expires_at, revoked_at)
          VALUES (${row.id}, ${row.token_hash}, ${row.gate_id}, ${row.zone_id}, ${row.note}, ${row.created_by},
            ${row.created_at}, ${row.expires_at}, ${row.revoked_at})`,
    );
  }

  async token(id: string): Promise<TokenRow | undefined> {
    return this.store.one<TokenRow>(sql`SELECT * FROM enrolment_tokens WHERE id = ${id}`);
  }

  /**
   * `lock`: inside a transaction, holds the token until it ends, so the requests made with it are
   * decided one at a time on PostgreSQL too (SQLite has a single writer; it knows no FOR UPDATE).
   */
  async tokenByHash(hash: string, lock = false): Promise<TokenRow | undefined> {
    const forUpdate = lock && this.store.dialect === 'postgres' ? sql` FOR UPDATE` : sql``;
    return this.store.one<TokenRow>(
      sql`SELECT * FROM enrolment_tokens WHERE token_hash = ${hash}${forUpdate}`,
    );
  }

  async tokens(): Promise<TokenRow[]> {
    return this.store.all<TokenRow>(sql`SELECT * FROM enrolment_tokens ORDER BY created_at DESC, id`);
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    const changed = await this.store.run(
      sql`UPDATE enrolment_tokens SET revoked_at = ${at} WHERE id = ${id} AND revoked_at IS NULL`,
    );
    return changed > 0;
  }

  /** A revoked token's waiting screens are refused with it: a leaked token brings no one in. */
  async refusePendingOf(tokenId: string, at: string, by: string): Promise<number> {
    return this.store.run(
      sql`UPDATE enrolment_requests SET state = 'refused', decided_at = ${at}, decided_by = ${by}
          WHERE token_id = ${tokenId} AND state = 'pending'`,
    );
  }

  async insertRequest(row: RequestRow): Promise<void> {
    await this.store.run(
      sql`INSERT INTO enrolment_requests (id, token_id, serial, model, agent_version, network,
            requested_gate_id, requested_zone_id, pairing_code, poll_hash, state, created_at, expires_at,
            device_id, delivery, decided_by, decided_at)
          VALUES (${row.id}, ${row.token_id}, ${row.serial}, ${row.model}, ${row.agent_version}, ${row.network},
            ${row.requested_gate_id}, ${row.requested_zone_id}, ${row.pairing_code}, ${row.poll_hash},
            ${row.state}, ${row.created_at}, ${row.expires_at}, ${row.device_id}, ${row.delivery},
            ${row.decided_by}, ${row.decided_at})`,
    );
  }

  async request(id: string): Promise<RequestWithGate | undefined> {
    return this.store.one<RequestWithGate>(sql`${WITH_GATE} WHERE r.id = ${id}`);
  }

  async pendingByCode(code: string): Promise<RequestWithGate | undefined> {
    return this.store.one<RequestWithGate>(
      sql`${WITH_GATE} WHERE r.pairing_code = ${code} AND r.state = 'pending'`,
    );
  }

  async pendingOf(tokenId: string, serial: string): Promise<RequestRow | undefined> {
    return this.store.one<RequestRow>(
      sql`SELECT * FROM enrolment_requests WHERE token_id = ${tokenId} AND serial = ${serial} AND state = 'pending'`,
    );
  }

  async pendingCount(tokenId: string): Promise<number> {
    const row = await this.store.one<{ n: number }>(
      sql`SELECT COUNT(*) AS n FROM enrolment_requests WHERE token_id = ${tokenId} AND state = 'pending'`,
    );
    return row?.n ?? 0;
  }

  async requests(): Promise<RequestWithGate[]> {
    return this.store.all<RequestWithGate>(sql`${WITH_GATE} ORDER BY r.created_at DESC, r.id`);
  }

  async setPollHash(id: string, hash: string): Promise<void> {
    await this.store.run(sql`UPDATE enrolment_requests SET poll_hash = ${hash} WHERE id = ${id}`);
  }

  /** Stores what time already decided: pending requests past their time are expired. */
  async expirePending(now: string): Promise<number> {
    return this.store.run(
      sql`UPDATE enrolment_requests SET state = 'expired' WHERE state = 'pending' AND expires_at <= ${now}`,
    );
  }

  /** Credentials no screen came for are not kept: the screen is removed and enrolled again instead. */
  async dropUncollected(decidedBefore: string): Promise<number> {
    return this.store.run(
      sql`UPDATE enrolment_requests SET delivery = NULL
          WHERE state = 'approved' AND delivery IS NOT NULL AND decided_at <= ${decidedBefore}`,
    );
  }

  /** Only a pending request is decided; false when another decision came first. */
  async decide(
    id: string,
    decision: {
      state: RequestState;
      deviceId: string | null;
      delivery: string | null;
      by: string | null;
      at: string;
    },
  ): Promise<boolean> {
    const { state, deviceId, delivery, by, at } = decision;
    const changed = await this.store.run(
      sql`UPDATE enrolment_requests SET state = ${state}, device_id = ${deviceId}, delivery = ${delivery},
            decided_by = ${by}, decided_at = ${at}
          WHERE id = ${id} AND state = 'pending'`,
    );
    return changed > 0;
  }

  /** True for the one caller that took the credentials out. */
  async takeDelivery(id: string): Promise<boolean> {
    const changed = await this.store.run(
      sql`UPDATE enrolment_requests SET delivery = NULL WHERE id = ${id} AND delivery IS NOT NULL`,
    );
    return changed > 0;
  }

  /** Runs `work` in one transaction, with a repo that queries inside it. */
  async transaction<T>(work: (repo: EnrolmentRepo) => Promise<T>): Promise<T> {
    return this.store.transaction((tx) => work(new EnrolmentRepo(tx)));
  }
}
