import { randomBytes } from 'node:crypto';
import { GatecastError, layoutSchema, type Layout } from '@gatecast/protocol';
import type { Logger } from 'pino';
import { approvalFromRow, approvalToRow, type ApprovalRow } from '../approval/approval-columns.js';
import type { ApprovalState } from '../approval/approval-workflow.js';
import type { Database } from '../store/database.js';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
import { isConstraintError } from '../store/constraint-errors.js';
import { SPEC_SCHEMAS, type LayoutSetting, type Work, type WorkOf, type WorkType } from './content-specs.js';

interface WorkRow extends ApprovalRow {
  id: string;
  type: WorkType;
  gate_id: string | null;
  name: string;
  spec: string;
  media_sha256: string | null;
}

interface LayoutRow {
  gate_id: string;
  zone_id: string;
  device_id: string;
  layout: string;
  updated_by: string;
  updated_at: string;
}

const PREFIX: Record<WorkType, string> = { item: 'i', playlist: 'p', schedule: 's' };

/** The store of items, playlists, schedules and layouts. Knows rows, not rules (content-service.ts). */
export class ContentRepo {
  private readonly db: Database;
  private readonly log: Logger;
  private readonly stmts;

  constructor(db: Database, log?: Logger) {
    this.db = db;
    this.log = (log ?? fallbackLogger('content')).child({ mod: 'content' });
    this.stmts = {
      get: db.prepare<[string], WorkRow>('SELECT * FROM content_work WHERE id = ?'),
      ofType: db.prepare<[WorkType], WorkRow>('SELECT * FROM content_work WHERE type = ? ORDER BY id'),
      all: db.prepare<[], WorkRow>('SELECT * FROM content_work ORDER BY type, id'),
      inState: db.prepare<[ApprovalState], WorkRow>(
        'SELECT * FROM content_work WHERE state = ? ORDER BY updated_at, id',
      ),
      usingMedia: db
        .prepare<[string], string>('SELECT id FROM content_work WHERE media_sha256 = ? ORDER BY id')
        .pluck(),
      insert: db.prepare<[WorkRow]>(
        `INSERT INTO content_work (id, type, gate_id, name, spec, media_sha256, state, revision,
           author_id, reviewer_id, review_comment, created_at, updated_at)
         VALUES (@id, @type, @gate_id, @name, @spec, @media_sha256, @state, @revision,
           @author_id, @reviewer_id, @review_comment, @created_at, @updated_at)`,
      ),
      update: db.prepare<[WorkRow]>(
        `UPDATE content_work SET name = @name, spec = @spec, media_sha256 = @media_sha256,
           state = @state, revision = @revision, author_id = @author_id, reviewer_id = @reviewer_id,
           review_comment = @review_comment, updated_at = @updated_at
         WHERE id = @id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM content_work WHERE id = ?'),
      layouts: db.prepare<[], LayoutRow>(
        'SELECT * FROM content_layouts ORDER BY gate_id, zone_id, device_id',
      ),
      saveLayout: db.prepare<[LayoutRow]>(
        `INSERT INTO content_layouts (gate_id, zone_id, device_id, layout, updated_by, updated_at)
         VALUES (@gate_id, @zone_id, @device_id, @layout, @updated_by, @updated_at)
         ON CONFLICT (gate_id, zone_id, device_id) DO UPDATE SET layout = excluded.layout,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      ),
      removeLayout: db.prepare<[string, string, string]>(
        'DELETE FROM content_layouts WHERE gate_id = ? AND zone_id = ? AND device_id = ?',
      ),
    };
  }

  newId(type: WorkType): string {
    return `${PREFIX[type]}-${randomBytes(4).toString('hex')}`;
  }

  get(id: string): Work | undefined {
    const row = this.stmts.get.get(id);
    return (row && this.toWork(row)) ?? undefined;
  }

  list<T extends WorkType>(type: T): WorkOf<T>[] {
    return this.rows(this.stmts.ofType.all(type)) as WorkOf<T>[];
  }

  all(): Work[] {
    return this.rows(this.stmts.all.all());
  }

  inState(state: ApprovalState): Work[] {
    return this.rows(this.stmts.inState.all(state));
  }

  /** Ids of the items showing this library file (the library refuses to delete it while any do). */
  usingMedia(sha256: string): string[] {
    return this.stmts.usingMedia.all(sha256);
  }

  insert(work: Work): Work {
    try {
      this.stmts.insert.run(toRow(work));
    } catch (error) {
      if (isConstraintError(error, 'primary-key')) throw new GatecastError('CONFLICT', `${work.id} exists`);
      if (isConstraintError(error, 'foreign-key'))
        throw new GatecastError('NOT_FOUND', `no gate ${work.gateId}`);
      throw error;
    }
    return work;
  }

  update(work: Work): Work {
    this.stmts.update.run(toRow(work));
    return work;
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  layouts(): LayoutSetting[] {
    const settings: LayoutSetting[] = [];
    for (const row of this.stmts.layouts.all()) {
      const where = { table: 'content_layouts', column: 'layout', id: `${row.gate_id}/${row.zone_id}` };
      const layout = parseJsonColumn(layoutSchema, row.layout, this.log, where);
      if (!layout) continue;
      settings.push({
        gateId: row.gate_id,
        zoneId: row.zone_id === '' ? null : row.zone_id,
        deviceId: row.device_id === '' ? null : row.device_id,
        layout,
        updatedBy: row.updated_by,
        updatedAt: row.updated_at,
      });
    }
    return settings;
  }

  saveLayout(setting: LayoutSetting): void {
    this.stmts.saveLayout.run({
      gate_id: setting.gateId,
      zone_id: setting.zoneId ?? '',
      device_id: setting.deviceId ?? '',
      layout: JSON.stringify(setting.layout satisfies Layout),
      updated_by: setting.updatedBy,
      updated_at: setting.updatedAt,
    });
  }

  removeLayout(scope: Pick<LayoutSetting, 'gateId' | 'zoneId' | 'deviceId'>): boolean {
    return this.stmts.removeLayout.run(scope.gateId, scope.zoneId ?? '', scope.deviceId ?? '').changes > 0;
  }

  private rows(rows: WorkRow[]): Work[] {
    return rows.map((row) => this.toWork(row)).filter((work): work is Work => work !== null);
  }

  /** A row whose spec no longer parses is logged and left out, never shown half-read. */
  private toWork(row: WorkRow): Work | null {
    const where = { table: 'content_work', column: 'spec', id: row.id };
    const spec = parseJsonColumn(SPEC_SCHEMAS[row.type], row.spec, this.log, where);
    if (!spec) return null;
    return {
      id: row.id,
      type: row.type,
      gateId: row.gate_id,
      name: row.name,
      spec,
      ...approvalFromRow(row),
    } as Work;
  }
}

function toRow(work: Work): WorkRow {
  const spec = work.spec as { sha256?: string };
  return {
    id: work.id,
    type: work.type,
    gate_id: work.gateId,
    name: work.name,
    spec: JSON.stringify(work.spec),
    media_sha256: work.type === 'item' && typeof spec.sha256 === 'string' ? spec.sha256 : null,
    ...approvalToRow(work),
  };
}
