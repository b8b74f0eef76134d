import { randomBytes } from 'node:crypto';
import { GatecastError, languageTagSchema, multilingualTextSchema } from '@gatecast/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import { approvalFromRow, approvalToRow, type ApprovalRow } from '../approval/approval-columns.js';
import type { ApprovalRecord } from '../approval/approval-workflow.js';
import { sql, type RawBuilder } from 'kysely';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
import { isConstraintError } from '../store/constraint-errors.js';
import type { Sql } from '../store/sql.js';

/** A pre-approved announcement text; only a published one can be fired. */
export interface AnnouncementTemplate extends ApprovalRecord {
  id: string;
  name: string;
  /** null: fleet-wide; otherwise it may be fired only at this gate. */
  gateId: string | null;
  title: Record<string, string>;
  body: Record<string, string>;
  /** A CAP alert naming this template fires it at once, without a second person. */
  autoFire: boolean;
  createdAt: string;
  updatedAt: string;
}

interface TemplateRow extends ApprovalRow {
  id: string;
  name: string;
  gate_id: string | null;
  title: string;
  body: string;
  auto_fire: number;
}

const titleSchema = z.record(languageTagSchema, z.string());

export class TemplatesRepo {
  private readonly log: Logger;

  constructor(
    private readonly store: Sql,
    log?: Logger,
  ) {
    this.log = (log ?? fallbackLogger('announcement-templates')).child({ mod: 'announcement-templates' });
  }

  async create(input: Omit<AnnouncementTemplate, 'id'>): Promise<AnnouncementTemplate> {
    const template = { ...input, id: randomBytes(6).toString('hex') };
    const row = toRow(template);
    await this.write(
      sql`INSERT INTO announcement_templates (id, name, gate_id, title, body, auto_fire, state, revision,
            author_id, reviewer_id, review_comment, created_at, updated_at)
          VALUES (${row.id}, ${row.name}, ${row.gate_id}, ${row.title}, ${row.body}, ${row.auto_fire},
            ${row.state}, ${row.revision}, ${row.author_id}, ${row.reviewer_id}, ${row.review_comment},
            ${row.created_at}, ${row.updated_at})`,
      template.name,
    );
    return template;
  }

  /**
   * Saves the template, only while its stored state and revision are still those of `read` (what
   * the caller decided on): false when another request changed it meanwhile.
   */
  async update(
    template: AnnouncementTemplate,
    read: Pick<AnnouncementTemplate, 'state' | 'revision'>,
  ): Promise<boolean> {
    const row = toRow(template);
    const changed = await this.write(
      sql`UPDATE announcement_templates SET name = ${row.name}, gate_id = ${row.gate_id}, title = ${row.title},
            body = ${row.body}, auto_fire = ${row.auto_fire}, state = ${row.state}, revision = ${row.revision},
            author_id = ${row.author_id}, reviewer_id = ${row.reviewer_id},
            review_comment = ${row.review_comment}, updated_at = ${row.updated_at}
          WHERE id = ${row.id} AND state = ${read.state} AND revision = ${read.revision}`,
      template.name,
    );
    return changed > 0;
  }

  /** By id, or else by name: operators remember names. */
  async find(idOrName: string): Promise<AnnouncementTemplate | undefined> {
    const row =
      (await this.store.one<TemplateRow>(sql`SELECT * FROM announcement_templates WHERE id = ${idOrName}`)) ??
      (await this.store.one<TemplateRow>(sql`SELECT * FROM announcement_templates WHERE name = ${idOrName}`));
    return row ? (this.toTemplate(row) ?? undefined) : undefined;
  }

  async list(): Promise<AnnouncementTemplate[]> {
    const rows = await this.store.all<TemplateRow>(sql`SELECT * FROM announcement_templates ORDER BY name`);
    return rows.flatMap((row) => this.toTemplate(row) ?? []);
  }

  private async write(query: RawBuilder<unknown>, name: string): Promise<number> {
    try {
      return await this.store.run(query);
    } catch (error) {
      if (isConstraintError(error, 'unique')) {
        throw new GatecastError('CONFLICT', `a template named "${name}" already exists`);
      }
      throw error;
    }
  }

  private toTemplate(row: TemplateRow): AnnouncementTemplate | null {
    const where = (column: string) => ({ table: 'announcement_templates', column, id: row.id });
    const title = parseJsonColumn(titleSchema, row.title, this.log, where('title'));
    const body = parseJsonColumn(multilingualTextSchema, row.body, this.log, where('body'));
    if (!title || !body) return null;
    return {
      id: row.id,
      name: row.name,
      gateId: row.gate_id,
      title,
      body,
      autoFire: row.auto_fire === 1,
      ...approvalFromRow(row),
    };
  }
}

function toRow(t: AnnouncementTemplate): TemplateRow {
  return {
    id: t.id,
    name: t.name,
    gate_id: t.gateId,
    title: JSON.stringify(t.title),
    body: JSON.stringify(t.body),
    auto_fire: t.autoFire ? 1 : 0,
    ...approvalToRow(t),
  };
}
