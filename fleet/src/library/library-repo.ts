import { sql } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isIn } from '../store/sql-dialect.js';
import type { Sql } from '../store/sql.js';
import { parseJsonColumn } from '../store/json-column.js';
import type { LibraryMedia, LibraryMediaKind, MediaProbe } from './media-catalog.js';

/** A tus upload as stored; its offset is the length of its partial file, not a column. */
export interface UploadRecord {
  id: string;
  name: string;
  declaredType: string | null;
  declaredSha256: string | null;
  sizeBytes: number;
  state: 'receiving' | 'complete' | 'refused';
  mediaSha256: string | null;
  refusal: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
}

/** A media row with where its thumbnail is; thumbnails are ours, the media row is the contract. */
export interface StoredMedia extends LibraryMedia {
  thumbnailType: string | null;
}

interface MediaRow {
  sha256: string;
  name: string;
  kind: string;
  content_type: string;
  size_bytes: number;
  probe: string | null;
  warnings: string;
  thumbnail_type: string | null;
  uploaded_by: string;
  uploaded_at: string;
}

interface UploadRow {
  id: string;
  name: string;
  declared_type: string | null;
  declared_sha256: string | null;
  size_bytes: number;
  state: string;
  media_sha256: string | null;
  refusal: string | null;
  created_by: string;
  created_at: string;
  expires_at: string;
}

/** A stored probe (MediaProbe); the API answers with the same shape. */
export const mediaProbeSchema = z.object({
  durationSec: z.number().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  codec: z.string().nullable(),
  frameRate: z.number().nullable(),
  bitRate: z.number().nullable(),
});
const warningsSchema = z.array(z.string());

/** The library's two tables; one instance per store. */
export class LibraryRepo {
  constructor(
    private readonly store: Sql,
    private readonly log: Logger,
  ) {}

  async getMedia(sha256: string): Promise<StoredMedia | undefined> {
    const row = await this.store.one<MediaRow>(sql`SELECT * FROM library_media WHERE sha256 = ${sha256}`);
    return row && this.toMedia(row);
  }

  /** Several files in one query (the composer reads a round's media at once). */
  async getManyMedia(sha256s: readonly string[]): Promise<StoredMedia[]> {
    const rows = await this.store.all<MediaRow>(
      sql`SELECT * FROM library_media WHERE ${isIn('sha256', sha256s)}`,
    );
    return rows.map((row) => this.toMedia(row));
  }

  async listMedia(): Promise<StoredMedia[]> {
    const rows = await this.store.all<MediaRow>(
      sql`SELECT * FROM library_media ORDER BY uploaded_at DESC, sha256`,
    );
    return rows.map((row) => this.toMedia(row));
  }

  /** False when the same bytes were stored meanwhile: the first row stays. */
  async insertMedia(media: StoredMedia): Promise<boolean> {
    const probe = media.probe ? JSON.stringify(media.probe) : null;
    const inserted = await this.store.run(
      sql`INSERT INTO library_media
            (sha256, name, kind, content_type, size_bytes, probe, warnings, thumbnail_type, uploaded_by, uploaded_at)
          VALUES (${media.sha256}, ${media.name}, ${media.kind}, ${media.contentType}, ${media.sizeBytes},
            ${probe}, ${JSON.stringify(media.warnings)}, ${media.thumbnailType}, ${media.uploadedBy},
            ${media.uploadedAt})
          ON CONFLICT DO NOTHING`,
    );
    return inserted === 1;
  }

  async deleteMedia(sha256: string): Promise<boolean> {
    return (await this.store.run(sql`DELETE FROM library_media WHERE sha256 = ${sha256}`)) === 1;
  }

  async getUpload(id: string): Promise<UploadRecord | undefined> {
    const row = await this.store.one<UploadRow>(sql`SELECT * FROM library_uploads WHERE id = ${id}`);
    return row && toUpload(row);
  }

  async insertUpload(upload: UploadRecord): Promise<void> {
    await this.store.run(
      sql`INSERT INTO library_uploads
            (id, name, declared_type, declared_sha256, size_bytes, state, media_sha256, refusal, created_by,
             created_at, expires_at)
          VALUES (${upload.id}, ${upload.name}, ${upload.declaredType}, ${upload.declaredSha256},
            ${upload.sizeBytes}, ${upload.state}, ${upload.mediaSha256}, ${upload.refusal}, ${upload.createdBy},
            ${upload.createdAt}, ${upload.expiresAt})`,
    );
  }

  async finishUpload(id: string, outcome: { mediaSha256: string } | { refusal: string }): Promise<void> {
    const state = 'mediaSha256' in outcome ? 'complete' : 'refused';
    const mediaSha256 = 'mediaSha256' in outcome ? outcome.mediaSha256 : null;
    const refusal = 'refusal' in outcome ? outcome.refusal : null;
    await this.store.run(
      sql`UPDATE library_uploads SET state = ${state}, media_sha256 = ${mediaSha256}, refusal = ${refusal}
          WHERE id = ${id}`,
    );
  }

  async touchUpload(id: string, expiresAt: string): Promise<void> {
    await this.store.run(sql`UPDATE library_uploads SET expires_at = ${expiresAt} WHERE id = ${id}`);
  }

  async expiredUploads(now: string): Promise<UploadRecord[]> {
    const rows = await this.store.all<UploadRow>(
      sql`SELECT * FROM library_uploads WHERE expires_at <= ${now}`,
    );
    return rows.map(toUpload);
  }

  async deleteUpload(id: string): Promise<void> {
    await this.store.run(sql`DELETE FROM library_uploads WHERE id = ${id}`);
  }

  private toMedia(row: MediaRow): StoredMedia {
    const where = { table: 'library_media', id: row.sha256 };
    return {
      sha256: row.sha256,
      name: row.name,
      kind: row.kind as LibraryMediaKind,
      contentType: row.content_type,
      sizeBytes: row.size_bytes,
      probe: parseJsonColumn(mediaProbeSchema, row.probe, this.log, {
        ...where,
        column: 'probe',
      }) as MediaProbe | null,
      warnings:
        parseJsonColumn(warningsSchema, row.warnings, this.log, { ...where, column: 'warnings' }) ?? [],
      thumbnailType: row.thumbnail_type,
      uploadedBy: row.uploaded_by,
      uploadedAt: row.uploaded_at,
    };
  }
}

function toUpload(row: UploadRow): UploadRecord {
  return {
    id: row.id,
    name: row.name,
    declaredType: row.declared_type,
    declaredSha256: row.declared_sha256,
    sizeBytes: row.size_bytes,
    state: row.state as UploadRecord['state'],
    mediaSha256: row.media_sha256,
    refusal: row.refusal,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
