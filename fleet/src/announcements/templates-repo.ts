import { randomBytes } from 'node:crypto';
import { GatecastError, languageTagSchema, multilingualTextSchema } from '@gatecast/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import { approvalFromRow, approvalToRow, type ApprovalRow } from '../approval/approval-columns.js';
import type { ApprovalRecord } from '../approval/approval-workflow.js';
import type { Database } from '../store/database.js';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
import { isConstraintError } from '../store/constraint-errors.js';

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
  private readonly stmts;

  constructor(db: Database, log?: Logger) {
    this.log = (log ?? fallbackLogger('announcement-templates')).child({ mod: 'announcement-templates' });
    this.stmts = {
      insert: db.prepare<[TemplateRow]>(
        `INSERT INTO announcement_templates (id, name, gate_id, title, body, auto_fire, state, revision,
           author_id, reviewer_id, review_comment, created_at, updated_at)
         VALUES (@id, @name, @gate_id, @title, @body, @auto_fire, @state, @revision, @author_id,
           @reviewer_id, @review_comment, @created_at, @updated_at)`,
      ),
      update: db.prepare<[TemplateRow]>(
        `UPDATE announcement_templates SET name = @name, gate_id = @gate_id, title = @title, body = @body,
           auto_fire = @auto_fire, state = @state, revision = @revision, author_id = @author_id,
           reviewer_id = @reviewer_id, review_comment = @review_comment, updated_at = @updated_at
         WHERE id = @id`,
      ),
      get: db.prepare<[string], TemplateRow>('SELECT * FROM announcement_templates WHERE id = ?'),
      byName: db.prepare<[string], TemplateRow>('SELECT * FROM announcement_templates WHERE name = ?'),
      list: db.prepare<[], TemplateRow>('SELECT * FROM announcement_templates ORDER BY name'),
    };
  }

  create(input: Omit<AnnouncementTemplate, 'id'>): AnnouncementTemplate {
    const template = { ...input, id: randomBytes(6).toString('hex') };
    this.write(() => this.stmts.insert.run(toRow(template)), template.name);
    return template;
  }

  update(template: AnnouncementTemplate): void {
    this.write(() => this.stmts.update.run(toRow(template)), template.name);
  }

  /** By id, or else by name: operators remember names. */
  find(idOrName: string): AnnouncementTemplate | undefined {
    const row = this.stmts.get.get(idOrName) ?? this.stmts.byName.get(idOrName);
    return row ? (this.toTemplate(row) ?? undefined) : undefined;
  }

  list(): AnnouncementTemplate[] {
    return this.stmts.list.all().flatMap((row) => this.toTemplate(row) ?? []);
  }

  private write(action: () => void, name: string): void {
    try {
      action();
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
