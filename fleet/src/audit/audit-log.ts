import type { Database } from '../store/database.js';
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
  private readonly db: Database;
  private readonly insert;

  constructor(db: Database) {
    this.db = db;
    this.insert = db.prepare(
      `INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_id, gate_id, outcome,
         status, before, after, ip)
       VALUES (@at, @actorId, @actorName, @action, @objectType, @objectId, @gateId, @outcome, @status,
         @before, @after, @ip)`,
    );
  }

  append(record: AuditRecord): number {
    const result = this.insert.run({
      at: record.at,
      actorId: record.actor?.id ?? null,
      actorName: record.actor?.name ?? null,
      action: record.action,
      objectType: record.objectType,
      objectId: record.objectId,
      gateId: record.gateId,
      outcome: record.outcome,
      status: record.status,
      before: toJson(record.before),
      after: toJson(record.after),
      ip: record.ip,
    });
    return Number(result.lastInsertRowid);
  }

  /** Newest first; `nextBefore` is the cursor for the next page, null on the last one. */
  search(query: AuditQuery): { entries: AuditEntry[]; nextBefore: number | null } {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_AUDIT_LIMIT, 1), MAX_AUDIT_LIMIT);
    const { where, params } = conditions(query);
    const sql = `SELECT id, at, actor_id, actor_name, action, object_type, object_id, gate_id, outcome, status,
        before, after FROM audit_log ${where} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare<unknown[], AuditRow>(sql).all(...params, limit + 1);
    const page = rows.slice(0, limit).map(toEntry);
    const last = page[page.length - 1];
    return { entries: page, nextBefore: rows.length > limit && last ? last.id : null };
  }
}

function conditions(query: AuditQuery): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (query.user !== undefined) add('(actor_id = ? OR actor_name = ?)', query.user, query.user);
  if (query.gate !== undefined) add('gate_id = ?', query.gate);
  if (query.objectType !== undefined) add('object_type = ?', query.objectType);
  if (query.objectId !== undefined) add('object_id = ?', query.objectId);
  if (query.action !== undefined) add('action = ?', query.action);
  if (query.outcome !== undefined) add('outcome = ?', query.outcome);
  if (query.since !== undefined) add('at >= ?', new Date(query.since).toISOString());
  if (query.until !== undefined) add('at <= ?', new Date(query.until).toISOString());
  if (query.before !== undefined) add('id < ?', query.before);
  if (query.gates !== undefined && query.gates !== 'all') {
    add(`gate_id IN (SELECT value FROM json_each(?))`, JSON.stringify(query.gates));
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
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
