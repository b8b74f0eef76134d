import { sql, type RawBuilder } from 'kysely';
import { isIn } from '../store/sql-dialect.js';
import type { Sql } from '../store/sql.js';
import { summarize } from './audit-summary.js';

export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditActor {
  id: string;
  name: string;
}

/** What is appended: who, when, what, where, how it ended, and a short before/after. */
export interface AuditRecord {
  at: string;
  actor: AuditActor | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  gateId: string | null;
  outcome: AuditOutcome;
  status: number;
  before?: unknown;
  after?: unknown;
  ip: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: AuditActor | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  gateId: string | null;
  outcome: AuditOutcome;
  status: number;
  before: unknown;
  after: unknown;
}

export interface AuditQuery {
  /** A user id or username. */
  user?: string | undefined;
  gate?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  /** ISO times, inclusive. */
  since?: string | undefined;
  until?: string | undefined;
  /** Entries with an id below this one: the cursor from the previous page. */
  before?: number | undefined;
  limit?: number | undefined;
  /** The gates the reader may see; entries of no gate (fleet-wide ones) only with 'all'. */
  gates?: 'all' | string[] | undefined;
}

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 1000;

interface AuditRow {
  id: number;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  gate_id: string | null;
  outcome: AuditOutcome;
  status: number;
  before: string | null;
  after: string | null;
}

/**
 * The append-only record of who did what. Triggers in the schema refuse UPDATE and DELETE, so
 * this class has no way to change an entry, and neither has anything else using the database.
 */
export class AuditLog {
  constructor(private readonly store: Sql) {}

  async append(record: AuditRecord): Promise<number> {
    const row = await this.store.one<{ id: number }>(
      sql`INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_id, gate_id, outcome,
            status, before, after, ip)
          VALUES (${record.at}, ${record.actor?.id ?? null}, ${record.actor?.name ?? null}, ${record.action},
            ${record.objectType}, ${record.objectId}, ${record.gateId}, ${record.outcome}, ${record.status},
            ${toJson(record.before)}, ${toJson(record.after)}, ${record.ip})
          RETURNING id`,
    );
    return Number(row?.id);
  }

  /** Newest first; `nextBefore` is the cursor for the next page, null on the last one. */
  async search(query: AuditQuery): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_AUDIT_LIMIT, 1), MAX_AUDIT_LIMIT);
    const rows = await this.store.all<AuditRow>(
      sql`SELECT id, at, actor_id, actor_name, action, object_type, object_id, gate_id, outcome, status,
            before, after FROM audit_log ${conditions(query)} ORDER BY id DESC LIMIT ${limit + 1}`,
    );
    const page = rows.slice(0, limit).map(toEntry);
    const last = page[page.length - 1];
    return { entries: page, nextBefore: rows.length > limit && last ? last.id : null };
  }
}

function conditions(query: AuditQuery): RawBuilder<unknown> {
  const clauses: RawBuilder<unknown>[] = [];
  if (query.user !== undefined) clauses.push(sql`(actor_id = ${query.user} OR actor_name = ${query.user})`);
  if (query.gate !== undefined) clauses.push(sql`gate_id = ${query.gate}`);
  if (query.objectType !== undefined) clauses.push(sql`object_type = ${query.objectType}`);
  if (query.objectId !== undefined) clauses.push(sql`object_id = ${query.objectId}`);
  if (query.action !== undefined) clauses.push(sql`action = ${query.action}`);
  if (query.outcome !== undefined) clauses.push(sql`outcome = ${query.outcome}`);
  if (query.since !== undefined) clauses.push(sql`at >= ${new Date(query.since).toISOString()}`);
  if (query.until !== undefined) clauses.push(sql`at <= ${new Date(query.until).toISOString()}`);
  if (query.before !== undefined) clauses.push(sql`id < ${query.before}`);
  if (query.gates !== undefined && query.gates !== 'all') clauses.push(isIn('gate_id', query.gates));
  return clauses.length > 0 ? sql`WHERE ${sql.join(clauses, sql` AND `)}` : sql``;
}

function toJson(value: unknown): string | null {
  const short = summarize(value);
  return short === null ? null : JSON.stringify(short);
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor_id === null ? null : { id: row.actor_id, name: row.actor_name ?? row.actor_id },
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    gateId: row.gate_id,
    outcome: row.outcome,
    status: row.status,
    before: parseJson(row.before),
    after: parseJson(row.after),
  };
}
