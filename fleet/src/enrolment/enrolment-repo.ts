import type { Database } from '../store/database.js';
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

const WITH_GATE = `SELECT r.*, t.gate_id, t.zone_id FROM enrolment_requests r
  JOIN enrolment_tokens t ON t.id = r.token_id`;

/** Plain SQL over enrolment tokens and requests; the rules live in enrolment-rules and the service. */
export class EnrolmentRepo {
  private readonly stmts;

  constructor(private readonly db: Database) {
    this.stmts = {
      insertToken: db.prepare<[TokenRow]>(
        `INSERT INTO enrolment_tokens (id, token_hash, gate_id, zone_id, note, created_by, created_at,
           expires_at, revoked_at)
         VALUES (@id, @token_hash, @gate_id, @zone_id, @note, @created_by, @created_at, @expires_at, @revoked_at)`,
      ),
      token: db.prepare<[string], TokenRow>('SELECT * FROM enrolment_tokens WHERE id = ?'),
      tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM enrolment_tokens WHERE token_hash = ?'),
      tokens: db.prepare<[], TokenRow>('SELECT * FROM enrolment_tokens ORDER BY created_at DESC, id'),
      revoke: db.prepare<[string, string]>(
        'UPDATE enrolment_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
      ),
      refuseOfToken: db.prepare<[string, string, string]>(
        `UPDATE enrolment_requests SET state = 'refused', decided_at = ?, decided_by = ?
         WHERE token_id = ? AND state = 'pending'`,
      ),
      insertRequest: db.prepare<[RequestRow]>(
        `INSERT INTO enrolment_requests (id, token_id, serial, model, agent_version, network,
           requested_gate_id, requested_zone_id, pairing_code, poll_hash, state, created_at, expires_at,
           device_id, delivery, decided_by, decided_at)
         VALUES (@id, @token_id, @serial, @model, @agent_version, @network, @requested_gate_id,
           @requested_zone_id, @pairing_code, @poll_hash, @state, @created_at, @expires_at, @device_id,
           @delivery, @decided_by, @decided_at)`,
      ),
      request: db.prepare<[string], RequestWithGate>(`${WITH_GATE} WHERE r.id = ?`),
      pendingByCode: db.prepare<[string], RequestWithGate>(
        `${WITH_GATE} WHERE r.pairing_code = ? AND r.state = 'pending'`,
      ),
      pendingOf: db.prepare<[string, string], RequestRow>(
        "SELECT * FROM enrolment_requests WHERE token_id = ? AND serial = ? AND state = 'pending'",
      ),
      countPending: db.prepare<[string], { n: number }>(
        "SELECT COUNT(*) AS n FROM enrolment_requests WHERE token_id = ? AND state = 'pending'",
      ),
      requests: db.prepare<[], RequestWithGate>(`${WITH_GATE} ORDER BY r.created_at DESC, r.id`),
      setPollHash: db.prepare<[string, string]>('UPDATE enrolment_requests SET poll_hash = ? WHERE id = ?'),
      expire: db.prepare<[string]>(
        "UPDATE enrolment_requests SET state = 'expired' WHERE state = 'pending' AND expires_at <= ?",
      ),
      dropUncollected: db.prepare<[string]>(
        `UPDATE enrolment_requests SET delivery = NULL
         WHERE state = 'approved' AND delivery IS NOT NULL AND decided_at <= ?`,
      ),
      decide: db.prepare<[RequestState, string | null, string | null, string | null, string | null, string]>(
        `UPDATE enrolment_requests SET state = ?, device_id = ?, delivery = ?, decided_by = ?, decided_at = ?
         WHERE id = ? AND state = 'pending'`,
      ),
      clearDelivery: db.prepare<[string]>(
        'UPDATE enrolment_requests SET delivery = NULL WHERE id = ? AND delivery IS NOT NULL',
      ),
    };
  }

  insertToken(row: TokenRow): void {
    this.stmts.insertToken.run(row);
  }

  token(id: string): TokenRow | undefined {
    return this.stmts.token.get(id);
  }

  tokenByHash(hash: string): TokenRow | undefined {
    return this.stmts.tokenByHash.get(hash);
  }

  tokens(): TokenRow[] {
    return this.stmts.tokens.all();
  }

  revokeToken(id: string, at: string): boolean {
    return this.stmts.revoke.run(at, id).changes > 0;
  }

  /** A revoked token's waiting screens are refused with it: a leaked token brings no one in. */
  refusePendingOf(tokenId: string, at: string, by: string): number {
    return this.stmts.refuseOfToken.run(at, by, tokenId).changes;
  }

  insertRequest(row: RequestRow): void {
    this.stmts.insertRequest.run(row);
  }

  request(id: string): RequestWithGate | undefined {
    return this.stmts.request.get(id);
  }

  pendingByCode(code: string): RequestWithGate | undefined {
    return this.stmts.pendingByCode.get(code);
  }

  pendingOf(tokenId: string, serial: string): RequestRow | undefined {
    return this.stmts.pendingOf.get(tokenId, serial);
  }

  pendingCount(tokenId: string): number {
    return this.stmts.countPending.get(tokenId)?.n ?? 0;
  }

  requests(): RequestWithGate[] {
    return this.stmts.requests.all();
  }

  setPollHash(id: string, hash: string): void {
    this.stmts.setPollHash.run(hash, id);
  }

  /** Stores what time already decided: pending requests past their time are expired. */
  expirePending(now: string): number {
    return this.stmts.expire.run(now).changes;
  }

  /** Credentials no screen came for are not kept: the screen is removed and enrolled again instead. */
  dropUncollected(decidedBefore: string): number {
    return this.stmts.dropUncollected.run(decidedBefore).changes;
  }

  /** Only a pending request is decided; false when another decision came first. */
  decide(
    id: string,
    decision: {
      state: RequestState;
      deviceId: string | null;
      delivery: string | null;
      by: string | null;
      at: string;
    },
  ): boolean {
    const { state, deviceId, delivery, by, at } = decision;
    return this.stmts.decide.run(state, deviceId, delivery, by, at, id).changes > 0;
  }

  /** True for the one caller that took the credentials out. */
  takeDelivery(id: string): boolean {
    return this.stmts.clearDelivery.run(id).changes > 0;
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}
