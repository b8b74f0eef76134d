import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../store/database.js';
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

/** The library's two tables; one instance per database. */
export class LibraryRepo {
  private readonly stmts;

  constructor(
    db: Database,
    private readonly log: Logger,
  ) {
    this.stmts = {
      media: db.prepare<[string], MediaRow>('SELECT * FROM library_media WHERE sha256 = ?'),
      allMedia: db.prepare<[], MediaRow>('SELECT * FROM library_media ORDER BY uploaded_at DESC, sha256'),
      insertMedia: db.prepare<[MediaRow]>(
        `INSERT OR IGNORE INTO library_media
           (sha256, name, kind, content_type, size_bytes, probe, warnings, thumbnail_type, uploaded_by, uploaded_at)
         VALUES (@sha256, @name, @kind, @content_type, @size_bytes, @probe, @warnings, @thumbnail_type, @uploaded_by, @uploaded_at)`,
      ),
      deleteMedia: db.prepare<[string]>('DELETE FROM library_media WHERE sha256 = ?'),
      upload: db.prepare<[string], UploadRow>('SELECT * FROM library_uploads WHERE id = ?'),
      insertUpload: db.prepare<[UploadRow]>(
        `INSERT INTO library_uploads
           (id, name, declared_type, declared_sha256, size_bytes, state, media_sha256, refusal, created_by, created_at, expires_at)
         VALUES (@id, @name, @declared_type, @declared_sha256, @size_bytes, @state, @media_sha256, @refusal, @created_by, @created_at, @expires_at)`,
      ),
      finishUpload: db.prepare<
        [{ id: string; state: string; media_sha256: string | null; refusal: string | null }]
      >(
        'UPDATE library_uploads SET state = @state, media_sha256 = @media_sha256, refusal = @refusal WHERE id = @id',
      ),
      touchUpload: db.prepare<[string, string]>('UPDATE library_uploads SET expires_at = ? WHERE id = ?'),
      expired: db.prepare<[string], UploadRow>('SELECT * FROM library_uploads WHERE expires_at <= ?'),
      deleteUpload: db.prepare<[string]>('DELETE FROM library_uploads WHERE id = ?'),
    };
  }

  getMedia(sha256: string): StoredMedia | undefined {
    const row = this.stmts.media.get(sha256);
    return row && this.toMedia(row);
  }

  listMedia(): StoredMedia[] {
    return this.stmts.allMedia.all().map((row) => this.toMedia(row));
  }

  /** False when the same bytes were stored meanwhile: the first row stays. */
  insertMedia(media: StoredMedia): boolean {
    return (
      this.stmts.insertMedia.run({
        sha256: media.sha256,
        name: media.name,
        kind: media.kind,
        content_type: media.contentType,
        size_bytes: media.sizeBytes,
        probe: media.probe ? JSON.stringify(media.probe) : null,
        warnings: JSON.stringify(media.warnings),
        thumbnail_type: media.thumbnailType,
        uploaded_by: media.uploadedBy,
        uploaded_at: media.uploadedAt,
      }).changes === 1
    );
  }

  deleteMedia(sha256: string): boolean {
    return this.stmts.deleteMedia.run(sha256).changes === 1;
  }

  getUpload(id: string): UploadRecord | undefined {
    const row = this.stmts.upload.get(id);
    return row && toUpload(row);
  }

  insertUpload(upload: UploadRecord): void {
    this.stmts.insertUpload.run({
      id: upload.id,
      name: upload.name,
      declared_type: upload.declaredType,
      declared_sha256: upload.declaredSha256,
      size_bytes: upload.sizeBytes,
      state: upload.state,
      media_sha256: upload.mediaSha256,
      refusal: upload.refusal,
      created_by: upload.createdBy,
      created_at: upload.createdAt,
      expires_at: upload.expiresAt,
    });
  }

  finishUpload(id: string, outcome: { mediaSha256: string } | { refusal: string }): void {
    this.stmts.finishUpload.run({
      id,
      state: 'mediaSha256' in outcome ? 'complete' : 'refused',
      media_sha256: 'mediaSha256' in outcome ? outcome.mediaSha256 : null,
      refusal: 'refusal' in outcome ? outcome.refusal : null,
    });
  }

  touchUpload(id: string, expiresAt: string): void {
    this.stmts.touchUpload.run(expiresAt, id);
  }

  expiredUploads(now: string): UploadRecord[] {
    return this.stmts.expired.all(now).map(toUpload);
  }

  deleteUpload(id: string): void {
    this.stmts.deleteUpload.run(id);
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
