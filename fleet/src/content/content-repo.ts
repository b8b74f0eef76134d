import { randomBytes } from 'node:crypto';
import { GatecastError, layoutSchema, type Layout } from '@gatecast/protocol';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { approvalFromRow, approvalToRow, type ApprovalRow } from '../approval/approval-columns.js';
import type { ApprovalState } from '../approval/approval-workflow.js';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
import { isConstraintError } from '../store/constraint-errors.js';
import type { Sql } from '../store/sql.js';
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
  private readonly log: Logger;

  constructor(
    private readonly store: Sql,
    log?: Logger,
  ) {
    this.log = (log ?? fallbackLogger('content')).child({ mod: 'content' });
  }

  newId(type: WorkType): string {
    return `${PREFIX[type]}-${randomBytes(4).toString('hex')}`;
  }

  async get(id: string): Promise<Work | undefined> {
    const row = await this.store.one<WorkRow>(sql`SELECT * FROM content_work WHERE id = ${id}`);
    return (row && this.toWork(row)) ?? undefined;
  }

  async list<T extends WorkType>(type: T): Promise<WorkOf<T>[]> {
    const rows = await this.store.all<WorkRow>(
      sql`SELECT * FROM content_work WHERE type = ${type} ORDER BY id`,
    );
    return this.rows(rows) as WorkOf<T>[];
  }

  async all(): Promise<Work[]> {
    return this.rows(await this.store.all<WorkRow>(sql`SELECT * FROM content_work ORDER BY type, id`));
  }

  async inState(state: ApprovalState): Promise<Work[]> {
    return this.rows(
      await this.store.all<WorkRow>(
        sql`SELECT * FROM content_work WHERE state = ${state} ORDER BY updated_at, id`,
      ),
    );
  }

  /** Ids of the items showing this library file (the library refuses to delete it while any do). */
  async usingMedia(sha256: string): Promise<string[]> {
    const rows = await this.store.all<{ id: string }>(
      sql`SELECT id FROM content_work WHERE media_sha256 = ${sha256} ORDER BY id`,
    );
    return rows.map((row) => row.id);
  }

  async insert(work: Work): Promise<Work> {
    const row = toRow(work);
    try {
      await this.store.run(
        sql`INSERT INTO content_work (id, type, gate_id, name, spec, media_sha256, state, revision,
              author_id, reviewer_id, review_comment, created_at, updated_at)
            VALUES (${row.id}, ${row.type}, ${row.gate_id}, ${row.name}, ${row.spec}, ${row.media_sha256},
              ${row.state}, ${row.revision}, ${row.author_id}, ${row.reviewer_id}, ${row.review_comment},
              ${row.created_at}, ${row.updated_at})`,
      );
    } catch (error) {
      if (isConstraintError(error, 'primary-key')) throw new GatecastError('CONFLICT', `${work.id} exists`);
      if (isConstraintError(error, 'foreign-key'))
        throw new GatecastError('NOT_FOUND', `no gate ${work.gateId}`);
      throw error;
    }
    return work;
  }

  /**
   * Stores `work` over the row as it was read (`from`): false when another request changed it
   * meanwhile. The check is in the write, so two processes cannot both move the same revision on.
   */
  async update(work: Work, from: Pick<Work, 'state' | 'revision'>): Promise<boolean> {
    const row = toRow(work);
    const updated = await this.store.run(
      sql`UPDATE content_work SET name = ${row.name}, spec = ${row.spec}, media_sha256 = ${row.media_sha256},
            state = ${row.state}, revision = ${row.revision}, author_id = ${row.author_id},
            reviewer_id = ${row.reviewer_id}, review_comment = ${row.review_comment}, updated_at = ${row.updated_at}
          WHERE id = ${row.id} AND state = ${from.state} AND revision = ${from.revision}`,
    );
    return updated === 1;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.store.run(sql`DELETE FROM content_work WHERE id = ${id}`)) > 0;
  }

  async layouts(): Promise<LayoutSetting[]> {
    const rows = await this.store.all<LayoutRow>(
      sql`SELECT * FROM content_layouts ORDER BY gate_id, zone_id, device_id`,
    );
    const settings: LayoutSetting[] = [];
    for (const row of rows) {
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

  async saveLayout(setting: LayoutSetting): Promise<void> {
    const layout = JSON.stringify(setting.layout satisfies Layout);
    await this.store.run(
      sql`INSERT INTO content_layouts (gate_id, zone_id, device_id, layout, updated_by, updated_at)
          VALUES (${setting.gateId}, ${setting.zoneId ?? ''}, ${setting.deviceId ?? ''}, ${layout},
            ${setting.updatedBy}, ${setting.updatedAt})
          ON CONFLICT (gate_id, zone_id, device_id) DO UPDATE SET layout = excluded.layout,
            updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    );
  }

  async removeLayout(scope: Pick<LayoutSetting, 'gateId' | 'zoneId' | 'deviceId'>): Promise<boolean> {
    const removed = await this.store.run(
      sql`DELETE FROM content_layouts
          WHERE gate_id = ${scope.gateId} AND zone_id = ${scope.zoneId ?? ''} AND device_id = ${scope.deviceId ?? ''}`,
    );
    return removed > 0;
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
