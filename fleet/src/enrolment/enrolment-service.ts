import { timingSafeEqual } from 'node:crypto';
import {
  GatecastError,
  enrolmentRequestStatusSchema,
  type EnrolmentRequestBody,
  type EnrolmentRequestCreated,
  type EnrolmentRequestStatus,
  type ReleasePublicKey,
} from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { Database } from '../store/database.js';
import type {
  CreateEnrolmentTokenBody,
  CreatedEnrolmentToken,
  EnrolmentRequestView,
  EnrolmentTokenView,
} from './enrolment-api.js';
import { EnrolmentRepo, type RequestWithGate } from './enrolment-repo.js';
import {
  MAX_PENDING_PER_TOKEN,
  POLL_AFTER_SEC,
  REQUEST_LIFETIME_MS,
  expiresAfter,
  freshPairingCode,
  hashToken,
  newEnrolmentToken,
  newId,
  newPollToken,
  requestState,
  tokenAdmits,
  type RequestState,
} from './enrolment-rules.js';
import { requestViewOf, tokenViewOf } from './enrolment-view.js';

export interface EnrolmentServiceDeps {
  db: Database;
  gates: Pick<GatesRepo, 'get'>;
  /** The release-signing keys the fleet trusts; an approved screen pins them. */
  releaseKeys: readonly ReleasePublicKey[];
  log: Logger;
  now?: () => Date;
}

/** What an approved screen collects on its first poll. */
export type Delivery = NonNullable<EnrolmentRequestStatus['device']>;

/** One answer for every bad token, so a caller learns nothing about which tokens exist. */
const REFUSED = 'the enrolment token is unknown, expired or revoked';

/** Tokens a gate hands to its screens, the requests screens make with them, and their approval. */
export class EnrolmentService {
  private readonly repo: EnrolmentRepo;
  private readonly now: () => Date;

  constructor(private readonly deps: EnrolmentServiceDeps) {
    this.repo = new EnrolmentRepo(deps.db);
    this.now = deps.now ?? (() => new Date());
  }

  get releaseKeys(): readonly ReleasePublicKey[] {
    return this.deps.releaseKeys;
  }

  createToken(input: CreateEnrolmentTokenBody, createdBy: string | null): CreatedEnrolmentToken {
    const gate = this.deps.gates.get(input.gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `gate ${input.gateId} does not exist`);
    if (input.zoneId !== undefined && !gate.zones.some((zone) => zone.id === input.zoneId))
      throw new GatecastError('NOT_FOUND', `zone ${input.zoneId} does not exist in gate ${input.gateId}`);
    const token = newEnrolmentToken();
    const now = this.now();
    const row = {
      id: newId('et'),
      token_hash: hashToken(token),
      gate_id: input.gateId,
      zone_id: input.zoneId ?? null,
      note: input.note ?? '',
      created_by: createdBy,
      created_at: now.toISOString(),
      expires_at: expiresAfter(now, input.expiresInHours),
      revoked_at: null,
    };
    this.repo.insertToken(row);
    this.deps.log.info({ tokenId: row.id, gateId: row.gate_id }, 'enrolment token created');
    return { ...tokenViewOf(row, now), token };
  }

  tokens(): EnrolmentTokenView[] {
    const now = this.now();
    return this.repo.tokens().map((row) => tokenViewOf(row, now));
  }

  token(id: string): EnrolmentTokenView {
    const row = this.repo.token(id);
    if (!row) throw new GatecastError('NOT_FOUND', `no enrolment token ${id}`);
    return tokenViewOf(row, this.now());
  }

  /** Screens still waiting with the token are refused too; approved ones keep their credentials. */
  revokeToken(id: string, revokedBy: string): EnrolmentTokenView {
    this.token(id);
    const at = this.now().toISOString();
    this.repo.transaction(() => {
      this.repo.revokeToken(id, at);
      this.repo.refusePendingOf(id, at, revokedBy);
    });
    return this.token(id);
  }

  /** A screen asks to join. The same screen asking again while it waits gets its code back. */
  ask(bearer: string | undefined, body: EnrolmentRequestBody): EnrolmentRequestCreated {
    const now = this.now();
    const token = bearer === undefined ? undefined : this.repo.tokenByHash(hashToken(bearer));
    const lifetime = token && { expiresAt: token.expires_at, revokedAt: token.revoked_at };
    if (!token || !tokenAdmits(lifetime, now)) throw new GatecastError('ENROLMENT_REFUSED', REFUSED);
    this.tidy(now);
    const pollToken = newPollToken();
    const existing = this.repo.pendingOf(token.id, body.serial);
    if (existing) {
      // Only a hash of the old poll token is kept, so the screen gets a new one; the old one stops working.
      this.repo.setPollHash(existing.id, hashToken(pollToken));
      return this.created(existing.id, existing.pairing_code, pollToken, existing.expires_at);
    }
    if (this.repo.pendingCount(token.id) >= MAX_PENDING_PER_TOKEN)
      throw new GatecastError('RATE_LIMITED', 'too many screens are waiting for approval with this token');
    const code = freshPairingCode((candidate) => this.repo.pendingByCode(candidate) !== undefined);
    if (code === null) throw new GatecastError('UNAVAILABLE', 'no free pairing code; try again');
    const row = {
      id: newId('er'),
      token_id: token.id,
      serial: body.serial,
      model: body.model,
      agent_version: body.agentVersion,
      network: body.network === null ? null : JSON.stringify(body.network),
      requested_gate_id: body.gateId ?? null,
      requested_zone_id: body.zoneId ?? null,
      pairing_code: code,
      poll_hash: hashToken(pollToken),
      state: 'pending' as const,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + REQUEST_LIFETIME_MS).toISOString(),
      device_id: null,
      delivery: null,
      decided_by: null,
      decided_at: null,
    };
    this.repo.insertRequest(row);
    this.deps.log.info(
      { requestId: row.id, serial: row.serial, gateId: token.gate_id },
      'screen asks to enrol',
    );
    return this.created(row.id, code, pollToken, row.expires_at);
  }

  /** The screen's poll: its state, and its credentials on the first read after approval. */
  poll(requestId: string, pollToken: string | undefined): EnrolmentRequestStatus {
    this.tidy(this.now());
    const row = this.repo.request(requestId);
    if (!row || pollToken === undefined || !sameHash(hashToken(pollToken), row.poll_hash))
      throw new GatecastError('ENROLMENT_REFUSED', 'unknown enrolment request or poll token; ask again');
    const state = requestState(toLifetime(row), this.now());
    if (state !== 'approved' || row.delivery === null) return { state };
    const delivery = row.delivery;
    // Two polls racing: only the one that cleared the column hands the secret out.
    if (!this.repo.takeDelivery(row.id)) return { state };
    this.deps.log.info(
      { requestId: row.id, deviceId: row.device_id },
      'enrolled screen collected its secret',
    );
    return enrolmentRequestStatusSchema.parse({ state, device: JSON.parse(delivery) as Delivery });
  }

  requests(filter: { state?: RequestState | undefined } = {}): EnrolmentRequestView[] {
    this.tidy(this.now());
    return this.repo
      .requests()
      .map((row) => requestViewOf(row))
      .filter((view) => filter.state === undefined || view.state === filter.state);
  }

  /** The request waiting with this code; NOT_FOUND once it expired or was decided. */
  pendingByCode(code: string): EnrolmentRequestView {
    this.tidy(this.now());
    const row = this.repo.pendingByCode(code);
    if (!row) throw new GatecastError('NOT_FOUND', `no screen is waiting with code ${code}`);
    return requestViewOf(row);
  }

  request(id: string): EnrolmentRequestView {
    const row = this.repo.request(id);
    if (!row) throw new GatecastError('NOT_FOUND', `no enrolment request ${id}`);
    return requestViewOf({ ...row, state: requestState(toLifetime(row), this.now()) });
  }

  /** Records the approval; the credentials wait for the screen. False: decided meanwhile. */
  recordApproval(requestId: string, delivery: Delivery, approvedBy: string): boolean {
    return this.repo.decide(requestId, {
      state: 'approved',
      deviceId: delivery.id,
      delivery: JSON.stringify(delivery),
      by: approvedBy,
      at: this.now().toISOString(),
    });
  }

  refuse(requestId: string, refusedBy: string): EnrolmentRequestView {
    const request = this.request(requestId);
    if (request.state !== 'pending')
      throw new GatecastError('CONFLICT', `request ${requestId} is ${request.state}, not pending`);
    const at = this.now().toISOString();
    if (!this.repo.decide(requestId, { state: 'refused', deviceId: null, delivery: null, by: refusedBy, at }))
      throw new GatecastError('CONFLICT', `request ${requestId} was decided meanwhile`);
    return this.request(requestId);
  }

  /** What time decided: pending requests past their time expire, uncollected credentials go. */
  private tidy(now: Date): void {
    this.repo.expirePending(now.toISOString());
    this.repo.dropUncollected(new Date(now.getTime() - REQUEST_LIFETIME_MS).toISOString());
  }

  private created(requestId: string, pairingCode: string, pollToken: string, expiresAt: string) {
    return { requestId, pairingCode, pollToken, pollAfterSec: POLL_AFTER_SEC, expiresAt };
  }
}

function toLifetime(row: RequestWithGate): { state: RequestState; expiresAt: string } {
  return { state: row.state, expiresAt: row.expires_at };
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
