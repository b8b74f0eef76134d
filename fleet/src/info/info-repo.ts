import { randomBytes } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import type { Logger } from 'pino';
import { approvalFromRow, approvalToRow, type ApprovalRow } from '../approval/approval-columns.js';
import type { Database } from '../store/database.js';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
import { isConstraintError } from '../store/constraint-errors.js';
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
  private readonly db: Database;
  private readonly log: Logger;
  private readonly stmts;

  constructor(db: Database, log?: Logger) {
    this.db = db;
    this.log = (log ?? fallbackLogger('info')).child({ mod: 'info' });
    this.stmts = {
      get: db.prepare<[string], NodeRow>('SELECT * FROM info_nodes WHERE id = ?'),
      all: db.prepare<[], NodeRow>('SELECT * FROM info_nodes ORDER BY gate_id, position, id'),
      // A gate's tree is its own nodes and the fleet-wide ones.
      scope: db.prepare<[string], NodeRow>(
        'SELECT * FROM info_nodes WHERE gate_id = ? OR gate_id IS NULL ORDER BY position, id',
      ),
      ofGate: db.prepare<[string], 1>('SELECT 1 FROM info_nodes WHERE gate_id = ? LIMIT 1').pluck(),
      children: db
        .prepare<[string], string>('SELECT id FROM info_nodes WHERE parent_id = ? ORDER BY id')
        .pluck(),
      insert: db.prepare<[NodeRow]>(
        `INSERT INTO info_nodes (id, gate_id, parent_id, kind, position, spec, sample, state, revision,
           author_id, reviewer_id, review_comment, created_at, updated_at)
         VALUES (@id, @gate_id, @parent_id, @kind, @position, @spec, @sample, @state, @revision,
           @author_id, @reviewer_id, @review_comment, @created_at, @updated_at)`,
      ),
      update: db.prepare<[NodeRow]>(
        `UPDATE info_nodes SET parent_id = @parent_id, position = @position, spec = @spec,
           sample = @sample, state = @state, revision = @revision, author_id = @author_id,
           reviewer_id = @reviewer_id, review_comment = @review_comment, updated_at = @updated_at
         WHERE id = @id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM info_nodes WHERE id = ?'),
      bundle: db.prepare<[string], BundleRow>('SELECT * FROM info_bundles WHERE gate_id = ?'),
      saveBundle: db.prepare<[BundleRow]>(
        `INSERT INTO info_bundles (gate_id, version, sha256, size_bytes, fingerprint, built_at)
         VALUES (@gate_id, @version, @sha256, @size_bytes, @fingerprint, @built_at)
         ON CONFLICT (gate_id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256,
           size_bytes = excluded.size_bytes, fingerprint = excluded.fingerprint, built_at = excluded.built_at`,
      ),
    };
  }

  newId(): string {
    return `n-${randomBytes(4).toString('hex')}`;
  }

  get(id: string): InfoNodeRecord | undefined {
    const row = this.stmts.get.get(id);
    return (row && this.toRecord(row)) ?? undefined;
  }

  all(): InfoNodeRecord[] {
    return this.records(this.stmts.all.all());
  }

  /** The nodes a gate's screens may show: its own and the fleet-wide ones. */
  scopeOf(gateId: string): InfoNodeRecord[] {
    return this.records(this.stmts.scope.all(gateId));
  }

  hasNodesAt(gateId: string): boolean {
    return this.stmts.ofGate.get(gateId) !== undefined;
  }

  childrenOf(id: string): string[] {
    return this.stmts.children.all(id);
  }

  insert(node: InfoNodeRecord): InfoNodeRecord {
    try {
      this.stmts.insert.run(toRow(node));
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

  update(node: InfoNodeRecord): InfoNodeRecord {
    this.stmts.update.run(toRow(node));
    return node;
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  bundle(gateId: string): BundleRow | undefined {
    return this.stmts.bundle.get(gateId);
  }

  saveBundle(row: BundleRow): void {
    this.stmts.saveBundle.run(row);
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
