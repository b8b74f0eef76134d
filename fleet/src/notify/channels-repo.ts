import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../store/database.js';
import { parseJsonColumn } from '../store/json-column.js';
import {
  channelTargetSchema,
  type AttemptResult,
  type Channel,
  type ChannelKind,
  type ChannelLanguage,
} from './channel-model.js';
import type { AlertSeverity } from '../alerts/alert-types.js';

interface ChannelRow {
  id: string;
  name: string;
  kind: ChannelKind;
  language: ChannelLanguage;
  gate_ids: string | null;
  min_severity: AlertSeverity;
  enabled: number;
  target: string;
  created_at: string;
  updated_at: string;
  last_attempt_at: string | null;
  last_ok: number | null;
  last_status: number | null;
  last_error: string | null;
}

export interface StoredChannel extends Channel {
  lastAttempt: AttemptResult | null;
}

const gateIdsSchema = z.array(z.string());

/** Alert channels: plain SQL; the rules about who may change them live in the routes. */
export class ChannelsRepo {
  private readonly stmts;
  /** Every alert transition asks which channels want it; channels change rarely, so they are read once. */
  private routingCache: StoredChannel[] | null = null;

  constructor(
    db: Database,
    private readonly log: Logger,
  ) {
    this.stmts = {
      all: db.prepare<[], ChannelRow>('SELECT * FROM alert_channels ORDER BY name'),
      get: db.prepare<[string], ChannelRow>('SELECT * FROM alert_channels WHERE id = ?'),
      byName: db.prepare<[string], ChannelRow>('SELECT * FROM alert_channels WHERE name = ?'),
      insert: db.prepare(
        `INSERT INTO alert_channels (id, name, kind, language, gate_ids, min_severity, enabled, target,
           created_at, updated_at)
         VALUES (@id, @name, @kind, @language, @gateIds, @minSeverity, @enabled, @target, @createdAt, @updatedAt)`,
      ),
      update: db.prepare(
        `UPDATE alert_channels SET name = @name, language = @language, gate_ids = @gateIds,
           min_severity = @minSeverity, enabled = @enabled, target = @target, updated_at = @updatedAt
         WHERE id = @id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM alert_channels WHERE id = ?'),
      recordAttempt: db.prepare<[string, number, number | null, string | null, string]>(
        `UPDATE alert_channels SET last_attempt_at = ?, last_ok = ?, last_status = ?, last_error = ?
         WHERE id = ?`,
      ),
    };
  }

  list(): StoredChannel[] {
    return this.stmts.all.all().flatMap((row) => this.fromRow(row) ?? []);
  }

  /** The channels for routing a transition (their last attempt may be stale); kept until one changes. */
  routing(): readonly StoredChannel[] {
    this.routingCache ??= this.list();
    return this.routingCache;
  }

  get(id: string): StoredChannel | undefined {
    const row = this.stmts.get.get(id);
    return row ? (this.fromRow(row) ?? undefined) : undefined;
  }

  nameTaken(name: string, exceptId?: string): boolean {
    const row = this.stmts.byName.get(name);
    return row !== undefined && row.id !== exceptId;
  }

  create(channel: Channel): void {
    this.routingCache = null;
    this.stmts.insert.run(this.toParams(channel));
  }

  update(channel: Channel): void {
    this.routingCache = null;
    this.stmts.update.run(this.toParams(channel));
  }

  remove(id: string): boolean {
    this.routingCache = null;
    return this.stmts.remove.run(id).changes > 0;
  }

  recordAttempt(id: string, result: AttemptResult): void {
    this.stmts.recordAttempt.run(result.at, result.ok ? 1 : 0, result.status, result.error, id);
  }

  private toParams(channel: Channel) {
    return {
      id: channel.id,
      name: channel.name,
      kind: channel.kind,
      language: channel.language,
      gateIds: channel.gateIds === null ? null : JSON.stringify(channel.gateIds),
      minSeverity: channel.minSeverity,
      enabled: channel.enabled ? 1 : 0,
      target: JSON.stringify(channel.target),
      createdAt: channel.createdAt,
      updatedAt: channel.updatedAt,
    };
  }

  /** A row whose target no longer parses is left out (and logged), never sent to. */
  private fromRow(row: ChannelRow): StoredChannel | null {
    const where = { table: 'alert_channels', id: row.id };
    const target = parseJsonColumn(channelTargetSchema, row.target, this.log, { ...where, column: 'target' });
    if (!target) return null;
    const gateIds = parseJsonColumn(gateIdsSchema, row.gate_ids, this.log, { ...where, column: 'gate_ids' });
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      language: row.language,
      gateIds,
      minSeverity: row.min_severity,
      enabled: row.enabled === 1,
      target,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      lastAttempt:
        row.last_attempt_at === null
          ? null
          : {
              at: row.last_attempt_at,
              ok: row.last_ok === 1,
              status: row.last_status,
              error: row.last_error,
            },
    };
  }
}
