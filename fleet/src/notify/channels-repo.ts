import { sql } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { parseJsonColumn } from '../store/json-column.js';
import type { Sql } from '../store/sql.js';
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
  /** Every alert transition asks which channels want it; channels change rarely, so they are read once. */
  private routingCache: StoredChannel[] | null = null;
  /** Counts changes, so a routing read that raced one is not kept. */
  private changes = 0;

  constructor(
    private readonly store: Sql,
    private readonly log: Logger,
  ) {}

  /** `store`: the transaction to read in, when the caller holds one (SQLite has one connection). */
  async list(store: Sql = this.store): Promise<StoredChannel[]> {
    const rows = await store.all<ChannelRow>(sql`SELECT * FROM alert_channels ORDER BY name`);
    return rows.flatMap((row) => this.fromRow(row) ?? []);
  }

  /** The channels for routing a transition (their last attempt may be stale); kept until one changes. */
  async routing(store: Sql = this.store): Promise<readonly StoredChannel[]> {
    if (this.routingCache) return this.routingCache;
    const changes = this.changes;
    const channels = await this.list(store);
    if (changes === this.changes) this.routingCache = channels;
    return channels;
  }

  async get(id: string): Promise<StoredChannel | undefined> {
    const row = await this.store.one<ChannelRow>(sql`SELECT * FROM alert_channels WHERE id = ${id}`);
    return row ? (this.fromRow(row) ?? undefined) : undefined;
  }

  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    const row = await this.store.one<{ id: string }>(sql`SELECT id FROM alert_channels WHERE name = ${name}`);
    return row !== undefined && row.id !== exceptId;
  }

  async create(channel: Channel): Promise<void> {
    const p = this.toParams(channel);
    await this.changing(() =>
      this.store.run(
        sql`INSERT INTO alert_channels (id, name, kind, language, gate_ids, min_severity, enabled, target,
              created_at, updated_at)
            VALUES (${p.id}, ${p.name}, ${p.kind}, ${p.language}, ${p.gateIds}, ${p.minSeverity}, ${p.enabled},
              ${p.target}, ${p.createdAt}, ${p.updatedAt})`,
      ),
    );
  }

  async update(channel: Channel): Promise<void> {
    const p = this.toParams(channel);
    await this.changing(() =>
      this.store.run(
        sql`UPDATE alert_channels SET name = ${p.name}, language = ${p.language}, gate_ids = ${p.gateIds},
              min_severity = ${p.minSeverity}, enabled = ${p.enabled}, target = ${p.target},
              updated_at = ${p.updatedAt}
            WHERE id = ${p.id}`,
      ),
    );
  }

  async remove(id: string): Promise<boolean> {
    return (await this.changing(() => this.store.run(sql`DELETE FROM alert_channels WHERE id = ${id}`))) > 0;
  }

  async recordAttempt(id: string, result: AttemptResult): Promise<void> {
    await this.store.run(
      sql`UPDATE alert_channels SET last_attempt_at = ${result.at}, last_ok = ${result.ok ? 1 : 0},
            last_status = ${result.status}, last_error = ${result.error}
          WHERE id = ${id}`,
    );
  }

  /** Before and after the write: a routing read overlapping it in any way is not kept. */
  private async changing<T>(write: () => Promise<T>): Promise<T> {
    this.changes++;
    this.routingCache = null;
    try {
      return await write();
    } finally {
      this.changes++;
      this.routingCache = null;
    }
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
