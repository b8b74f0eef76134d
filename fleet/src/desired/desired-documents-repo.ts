import { desiredSchema, type DesiredDocument } from '@gatecast/protocol';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { parseJsonColumn } from '../store/json-column.js';
import { isIn } from '../store/sql-dialect.js';
import type { Sql } from '../store/sql.js';

interface DocumentRow {
  device_id: string;
  document: string;
}

/** Ids per `IN (…)` list: far below either store's limit on bound values. */
const CHUNK = 500;

/** The stored desired document of each screen, and the version counter that outlives it. */
export class DesiredDocumentsRepo {
  constructor(
    private readonly store: Sql,
    private readonly log: Logger,
  ) {}

  /** The stored version of each listed screen that has a document; every screen's without `ids`. */
  async versions(ids?: readonly string[]): Promise<Map<string, number>> {
    const rows: Array<{ device_id: string; version: number }> = [];
    if (!ids) {
      rows.push(
        ...(await this.store.all(
          sql<(typeof rows)[number]>`SELECT device_id, version FROM desired_documents`,
        )),
      );
    }
    for (const chunk of chunks(ids ?? [])) {
      rows.push(
        ...(await this.store.all(
          sql<
            (typeof rows)[number]
          >`SELECT device_id, version FROM desired_documents WHERE ${isIn('device_id', chunk)}`,
        )),
      );
    }
    return new Map(rows.map((row) => [row.device_id, Number(row.version)]));
  }

  /** The listed screens' documents; every screen's, in id order, without `ids`. Unreadable ones are left out. */
  async documents(ids?: readonly string[]): Promise<DesiredDocument[]> {
    const rows: DocumentRow[] = [];
    if (!ids) {
      rows.push(
        ...(await this.store.all(
          sql<DocumentRow>`SELECT device_id, document FROM desired_documents ORDER BY device_id`,
        )),
      );
    }
    for (const chunk of chunks(ids ?? [])) {
      rows.push(
        ...(await this.store.all(
          sql<DocumentRow>`SELECT device_id, document FROM desired_documents WHERE ${isIn('device_id', chunk)}`,
        )),
      );
    }
    return rows.flatMap((row) => {
      const where = { table: 'desired_documents', column: 'document', id: row.device_id };
      return parseJsonColumn(desiredSchema, row.document, this.log, where) ?? [];
    });
  }

  /**
   * Stores the document as the screen's next version. The counter is raised in one statement, so
   * two fleet processes storing at once still get two different versions.
   */
  async save(composed: DesiredDocument, issuedAt: string): Promise<DesiredDocument> {
    return this.store.transaction(async (tx) => {
      const raised = await tx.one(sql<{ last_version: number }>`
        INSERT INTO desired_versions (device_id, last_version) VALUES (${composed.deviceId}, 1)
        ON CONFLICT (device_id) DO UPDATE SET last_version = desired_versions.last_version + 1
        RETURNING last_version`);
      const document = desiredSchema.parse({ ...composed, version: Number(raised!.last_version) });
      await tx.run(sql`
        INSERT INTO desired_documents (device_id, version, document, updated_at)
        VALUES (${document.deviceId}, ${document.version}, ${JSON.stringify(document)}, ${issuedAt})
        ON CONFLICT (device_id) DO UPDATE SET version = excluded.version,
          document = excluded.document, updated_at = excluded.updated_at`);
      return document;
    });
  }

  /** The document goes; the version counter stays (see the schema). */
  async remove(deviceId: string): Promise<void> {
    await this.store.run(sql`DELETE FROM desired_documents WHERE device_id = ${deviceId}`);
  }
}

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < values.length; start += CHUNK) out.push(values.slice(start, start + CHUNK));
  return out;
}
