import { randomBytes } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { approvalFromRow, approvalToRow, type ApprovalRow } from '../approval/approval-columns.js';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
import { isConstraintError } from '../store/constraint-errors.js';
import type { Sql } from '../store/sql.js';
import { infoNodeSpecSchema, type InfoNodeKind, type InfoNodeRecord } from './info-specs.js';

interface NodeRow extends ApprovalRow {
  id: string;
  gate_id: string | null;
  parent_id: string | null;
  kind: InfoNodeKind;
  position: number;
  spec: string;
  sample: number;
}

/** The latest bundle file of a gate; sha256 null while the gate shows no node. */
export interface BundleRow {
  gate_id: string;
  version: number;
  sha256: string | null;
  size_bytes: number | null;
  fingerprint: string | null;
  built_at: string;
}

/** The store of information nodes and built bundles. Knows rows, not rules (info-service.ts). */
export class InfoRepo {
  private readonly log: Logger;

  constructor(
    private readonly store: Sql,
    private readonly parentLog?: Logger,
  ) {
    this.log = (parentLog ?? fallbackLogger('info')).child({ mod: 'info' });
  }

  newId(): string {
    return `n-${randomBytes(4).toString('hex')}`;
  }

  async get(id: string): Promise<InfoNodeRecord | undefined> {
    const row = await this.store.one<NodeRow>(sql`SELECT * FROM info_nodes WHERE id = ${id}`);
    return (row && this.toRecord(row)) ?? undefined;
  }

  async all(): Promise<InfoNodeRecord[]> {
    // Fleet-wide nodes (gate NULL) first, as SQLite orders NULLs.
    return this.records(
      await this.store.all<NodeRow>(sql`SELECT * FROM info_nodes ORDER BY gate_id NULLS FIRST, position, id`),
    );
  }

  /** The nodes a gate's screens may show: its own and the fleet-wide ones. */
  async scopeOf(gateId: string): Promise<InfoNodeRecord[]> {
    return this.records(
      await this.store.all<NodeRow>(
        sql`SELECT * FROM info_nodes WHERE gate_id = ${gateId} OR gate_id IS NULL ORDER BY position, id`,
      ),
    );
  }

  async hasNodesAt(gateId: string): Promise<boolean> {
    const row = await this.store.one(
      sql`SELECT 1 AS found FROM info_nodes WHERE gate_id = ${gateId} LIMIT 1`,
    );
    return row !== undefined;
  }

  async childrenOf(id: string): Promise<string[]> {
    const rows = await this.store.all<{ id: string }>(
      sql`SELECT id FROM info_nodes WHERE parent_id = ${id} ORDER BY id`,
    );
    return rows.map((row) => row.id);
  }

  async insert(node: InfoNodeRecord): Promise<InfoNodeRecord> {
    const row = toRow(node);
    try {
      await this.store.run(
        sql`INSERT INTO info_nodes (id, gate_id, parent_id, kind, position, spec, sample, state, revision,
              author_id, reviewer_id, review_comment, created_at, updated_at)
            VALUES (${row.id}, ${row.gate_id}, ${row.parent_id}, ${row.kind}, ${row.position}, ${row.spec},
              ${row.sample}, ${row.state}, ${row.revision}, ${row.author_id}, ${row.reviewer_id},
              ${row.review_comment}, ${row.created_at}, ${row.updated_at})`,
      );
    } catch (error) {
      if (isConstraintError(error, 'primary-key'))
        throw new GatecastError('CONFLICT', `node ${node.id} exists`);
      if (isConstraintError(error, 'foreign-key')) {
        throw new GatecastError('NOT_FOUND', `no gate ${node.gateId} or no parent ${node.parentId}`);
      }
      throw error;
    }
    return node;
  }

  /**
   * Stores `node` over the row as it was read (`from`): false when another request changed it
   * meanwhile. The check is in the write, so two processes cannot both move the same revision on.
   */
  async update(node: InfoNodeRecord, from: Pick<InfoNodeRecord, 'state' | 'revision'>): Promise<boolean> {
    const row = toRow(node);
    const updated = await this.store.run(
      sql`UPDATE info_nodes SET parent_id = ${row.parent_id}, position = ${row.position}, spec = ${row.spec},
            sample = ${row.sample}, state = ${row.state}, revision = ${row.revision}, author_id = ${row.author_id},
            reviewer_id = ${row.reviewer_id}, review_comment = ${row.review_comment}, updated_at = ${row.updated_at}
          WHERE id = ${row.id} AND state = ${from.state} AND revision = ${from.revision}`,
    );
    return updated === 1;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.store.run(sql`DELETE FROM info_nodes WHERE id = ${id}`)) > 0;
  }

  /** Runs `work` in one transaction, with a repo over it. */
  async transaction<T>(work: (repo: InfoRepo) => Promise<T>): Promise<T> {
    return this.store.transaction((tx) => work(new InfoRepo(tx, this.parentLog)));
  }

  async bundle(gateId: string): Promise<BundleRow | undefined> {
    return this.store.one<BundleRow>(sql`SELECT * FROM info_bundles WHERE gate_id = ${gateId}`);
  }

  async saveBundle(row: BundleRow): Promise<void> {
    await this.store.run(
      sql`INSERT INTO info_bundles (gate_id, version, sha256, size_bytes, fingerprint, built_at)
          VALUES (${row.gate_id}, ${row.version}, ${row.sha256}, ${row.size_bytes}, ${row.fingerprint},
            ${row.built_at})
          ON CONFLICT (gate_id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256,
            size_bytes = excluded.size_bytes, fingerprint = excluded.fingerprint, built_at = excluded.built_at`,
    );
  }

  private records(rows: NodeRow[]): InfoNodeRecord[] {
    return rows.map((row) => this.toRecord(row)).filter((node): node is InfoNodeRecord => node !== null);
  }

  /** A row whose spec no longer parses is logged and left out, never shown half-read. */
  private toRecord(row: NodeRow): InfoNodeRecord | null {
    const where = { table: 'info_nodes', column: 'spec', id: row.id };
    const spec = parseJsonColumn(infoNodeSpecSchema, row.spec, this.log, where);
    if (!spec) return null;
    return {
      id: row.id,
      gateId: row.gate_id,
      parentId: row.parent_id,
      kind: row.kind,
      order: row.position,
      spec,
      sample: row.sample === 1,
      ...approvalFromRow(row),
    };
  }
}

function toRow(node: InfoNodeRecord): NodeRow {
  return {
    id: node.id,
    gate_id: node.gateId,
    parent_id: node.parentId,
    kind: node.kind,
    position: node.order,
    spec: JSON.stringify(node.spec),
    sample: node.sample ? 1 : 0,
    ...approvalToRow(node),
  };
}
