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
import type { Sql } from '../store/sql.js';
import type {
  CreateEnrolmentTokenBody,
  CreatedEnrolmentToken,
  EnrolmentRequestView,
  EnrolmentTokenView,
} from './enrolment-api.js';
import { EnrolmentRepo, type RequestWithGate, type TokenRow } from './enrolment-repo.js';
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
  sql: Sql;
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
    this.repo = new EnrolmentRepo(deps.sql);
    this.now = deps.now ?? (() => new Date());
  }

  get releaseKeys(): readonly ReleasePublicKey[] {
    return this.deps.releaseKeys;
  }

  async createToken(
    input: CreateEnrolmentTokenBody,
    createdBy: string | null,
  ): Promise<CreatedEnrolmentToken> {
    const gate = await this.deps.gates.get(input.gateId);
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
    await this.repo.insertToken(row);
    this.deps.log.info({ tokenId: row.id, gateId: row.gate_id }, 'enrolment token created');
    return { ...tokenViewOf(row, now), token };
  }

  async tokens(): Promise<EnrolmentTokenView[]> {
    const now = this.now();
    return (await this.repo.tokens()).map((row) => tokenViewOf(row, now));
  }

  async token(id: string): Promise<EnrolmentTokenView> {
    const row = await this.repo.token(id);
    if (!row) throw new GatecastError('NOT_FOUND', `no enrolment token ${id}`);
    return tokenViewOf(row, this.now());
  }

  /** Screens still waiting with the token are refused too; approved ones keep their credentials. */
  async revokeToken(id: string, revokedBy: string): Promise<EnrolmentTokenView> {
    await this.token(id);
    const at = this.now().toISOString();
    await this.repo.transaction(async (repo) => {
      await repo.revokeToken(id, at);
      await repo.refusePendingOf(id, at, revokedBy);
    });
    return this.token(id);
  }

  /** A screen asks to join. The same screen asking again while it waits gets its code back. */
  async ask(bearer: string | undefined, body: EnrolmentRequestBody): Promise<EnrolmentRequestCreated> {
    const now = this.now();
    const known = bearer === undefined ? undefined : await this.repo.tokenByHash(hashToken(bearer));
    if (!known || !tokenAdmits(lifetimeOf(known), now)) throw new GatecastError('ENROLMENT_REFUSED', REFUSED);
    await this.tidy(now);
    // One transaction holding the token: the same screen asking twice at once gets one request.
    // Refusals are thrown after it commits: a rollback on the SQLite connection shared with the
    // repos not yet moved would also undo what they wrote meanwhile.
    const outcome = await this.repo.transaction(async (repo) => {
      const token = await repo.tokenByHash(known.token_hash, true);
      if (!token || !tokenAdmits(lifetimeOf(token), now))
        return new GatecastError('ENROLMENT_REFUSED', REFUSED);
      return this.askWith(repo, token.id, token.gate_id, body, now);
    });
    if (outcome instanceof GatecastError) throw outcome;
    return outcome;
  }

  private async askWith(
    repo: EnrolmentRepo,
    tokenId: string,
    gateId: string,
    body: EnrolmentRequestBody,
    now: Date,
  ): Promise<EnrolmentRequestCreated | GatecastError> {
    const pollToken = newPollToken();
    const existing = await repo.pendingOf(tokenId, body.serial);
    if (existing) {
      // Only a hash of the old poll token is kept, so the screen gets a new one; the old one stops working.
      await repo.setPollHash(existing.id, hashToken(pollToken));
      return this.created(existing.id, existing.pairing_code, pollToken, existing.expires_at);
    }
    if ((await repo.pendingCount(tokenId)) >= MAX_PENDING_PER_TOKEN)
      return new GatecastError('RATE_LIMITED', 'too many screens are waiting for approval with this token');
    const code = await freshPairingCode(
      async (candidate) => (await repo.pendingByCode(candidate)) !== undefined,
    );
    if (code === null) return new GatecastError('UNAVAILABLE', 'no free pairing code; try again');
    const row = {
      id: newId('er'),
      token_id: tokenId,
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
    await repo.insertRequest(row);
    this.deps.log.info({ requestId: row.id, serial: row.serial, gateId }, 'screen asks to enrol');
    return this.created(row.id, code, pollToken, row.expires_at);
  }

  /** The screen's poll: its state, and its credentials on the first read after approval. */
  async poll(requestId: string, pollToken: string | undefined): Promise<EnrolmentRequestStatus> {
    await this.tidy(this.now());
    const row = await this.repo.request(requestId);
    if (!row || pollToken === undefined || !sameHash(hashToken(pollToken), row.poll_hash))
      throw new GatecastError('ENROLMENT_REFUSED', 'unknown enrolment request or poll token; ask again');
    const state = requestState(toLifetime(row), this.now());
    if (state !== 'approved' || row.delivery === null) return { state };
    const delivery = row.delivery;
    // Two polls racing: only the one that cleared the column hands the secret out.
    if (!(await this.repo.takeDelivery(row.id))) return { state };
    this.deps.log.info(
      { requestId: row.id, deviceId: row.device_id },
      'enrolled screen collected its secret',
    );
    return enrolmentRequestStatusSchema.parse({ state, device: JSON.parse(delivery) as Delivery });
  }

  async requests(filter: { state?: RequestState | undefined } = {}): Promise<EnrolmentRequestView[]> {
    await this.tidy(this.now());
    return (await this.repo.requests())
      .map((row) => requestViewOf(row))
      .filter((view) => filter.state === undefined || view.state === filter.state);
  }

  /** The request waiting with this code; NOT_FOUND once it expired or was decided. */
  async pendingByCode(code: string): Promise<EnrolmentRequestView> {
    await this.tidy(this.now());
    const row = await this.repo.pendingByCode(code);
    if (!row) throw new GatecastError('NOT_FOUND', `no screen is waiting with code ${code}`);
    return requestViewOf(row);
  }

  async request(id: string): Promise<EnrolmentRequestView> {
    const row = await this.repo.request(id);
    if (!row) throw new GatecastError('NOT_FOUND', `no enrolment request ${id}`);
    return requestViewOf({ ...row, state: requestState(toLifetime(row), this.now()) });
  }

  /** Records the approval; the credentials wait for the screen. False: decided meanwhile. */
  async recordApproval(requestId: string, delivery: Delivery, approvedBy: string): Promise<boolean> {
    return this.repo.decide(requestId, {
      state: 'approved',
      deviceId: delivery.id,
      delivery: JSON.stringify(delivery),
      by: approvedBy,
      at: this.now().toISOString(),
    });
  }

  async refuse(requestId: string, refusedBy: string): Promise<EnrolmentRequestView> {
    const request = await this.request(requestId);
    if (request.state !== 'pending')
      throw new GatecastError('CONFLICT', `request ${requestId} is ${request.state}, not pending`);
    const at = this.now().toISOString();
    const decided = { state: 'refused' as const, deviceId: null, delivery: null, by: refusedBy, at };
    if (!(await this.repo.decide(requestId, decided)))
      throw new GatecastError('CONFLICT', `request ${requestId} was decided meanwhile`);
    return this.request(requestId);
  }

  /** What time decided: pending requests past their time expire, uncollected credentials go. */
  private async tidy(now: Date): Promise<void> {
    await this.repo.expirePending(now.toISOString());
    await this.repo.dropUncollected(new Date(now.getTime() - REQUEST_LIFETIME_MS).toISOString());
  }

  private created(requestId: string, pairingCode: string, pollToken: string, expiresAt: string) {
    return { requestId, pairingCode, pollToken, pollAfterSec: POLL_AFTER_SEC, expiresAt };
  }
}

function lifetimeOf(token: TokenRow): { expiresAt: string; revokedAt: string | null } {
  return { expiresAt: token.expires_at, revokedAt: token.revoked_at };
}

function toLifetime(row: RequestWithGate): { state: RequestState; expiresAt: string } {
  return { state: row.state, expiresAt: row.expires_at };
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
