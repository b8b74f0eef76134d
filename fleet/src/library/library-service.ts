import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GatecastError } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { MediaFile } from '../media/media-library.js';
import { fallbackLogger } from '../store/fallback-logger.js';
import type { Sql } from '../store/sql.js';
import { LibraryRepo, type StoredMedia, type UploadRecord } from './library-repo.js';
import type { LibraryMedia, MediaReader } from './media-catalog.js';
import { inspectUpload } from './media-intake.js';
import { claimsVideo } from './sniff-type.js';
import { DEFAULT_MEDIA_TOOLS, makeThumbnail, type MediaTools } from './media-probe.js';

export interface LibraryOptions {
  sql: Sql;
  dataDir: string;
  log?: Logger;
  tools?: MediaTools;
  now?: () => Date;
  /** An upload untouched this long is deleted with its bytes. */
  uploadTtlMs?: number;
  /** The largest file one upload may announce. */
  maxUploadBytes?: number;
}

/** Who does something to the library, as the audit log and the rows name them. */
export interface LibraryActor {
  userId: string;
  username: string;
}

/** An upload as a client sees it: tus HEAD and the status route answer from this. */
export interface UploadStatus {
  id: string;
  name: string;
  sizeBytes: number;
  offset: number;
  state: UploadRecord['state'];
  mediaSha256: string | null;
  refusal: string | null;
  expiresAt: string;
}

export const DEFAULT_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_UPLOAD_BYTES = 16 * 1024 ** 3;
const EXPIRY_SWEEP_MS = 60 * 60 * 1000;
const SHA256 = /^[0-9a-f]{64}$/;
const UPLOAD_ID = /^[A-Za-z0-9_-]{22}$/;

/** What is hashed so far of one upload; kept only while the fleet runs, rebuilt from disk after. */
interface HashState {
  hash: Hash;
  offset: number;
}

/** The PATCH currently writing an upload; a newer PATCH stops it (the client has moved on). */
interface ActiveWrite {
  stop: () => void;
  done: Promise<unknown>;
}

/**
 * The media library: resumable uploads (tus core) into <dataDir>/uploads, checked and moved into
 * <dataDir>/media/<sha256>, thumbnails in <dataDir>/thumbnails. The same bytes are stored once.
 */
export class LibraryService implements MediaReader {
  private readonly repo: LibraryRepo;
  private readonly log: Logger;
  private readonly tools: MediaTools;
  private readonly now: () => Date;
  private readonly ttlMs: number;
  readonly maxUploadBytes: number;
  readonly uploadsDir: string;
  readonly mediaDir: string;
  readonly thumbnailsDir: string;
  private readonly hashes = new Map<string, HashState>();
  private readonly active = new Map<string, ActiveWrite>();
  private usedBy: (sha256: string) => Promise<string[]> = async () => [];
  private sweep: NodeJS.Timeout | null = null;

  constructor(options: LibraryOptions) {
    this.log = (options.log ?? fallbackLogger('library')).child({ mod: 'library' });
    this.repo = new LibraryRepo(options.sql, this.log);
    this.tools = options.tools ?? DEFAULT_MEDIA_TOOLS;
    this.now = options.now ?? (() => new Date());
    this.ttlMs = options.uploadTtlMs ?? DEFAULT_UPLOAD_TTL_MS;
    this.maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    this.uploadsDir = join(options.dataDir, 'uploads');
    this.mediaDir = join(options.dataDir, 'media');
    this.thumbnailsDir = join(options.dataDir, 'thumbnails');
  }

  /** Creates the folders and sweeps expired uploads now and every hour. */
  async start(): Promise<void> {
    for (const dir of [this.uploadsDir, this.mediaDir, this.thumbnailsDir])
      await mkdir(dir, { recursive: true, mode: 0o700 });
    await this.expireUploads();
    this.sweep = setInterval(
      () =>
        this.expireUploads().catch((error) =>
          this.log.error({ err: (error as Error).message }, 'upload expiry sweep failed'),
        ),
      EXPIRY_SWEEP_MS,
    );
    this.sweep.unref();
  }

  stop(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
    for (const write of this.active.values()) write.stop();
  }

  /** The content domain tells which of its items use a file; such a file cannot be deleted. */
  setUsedBy(usedBy: (sha256: string) => Promise<string[]>): void {
    this.usedBy = usedBy;
  }

  async whoUses(sha256: string): Promise<string[]> {
    return this.usedBy(sha256);
  }

  // --- the catalogue -------------------------------------------------------------------------

  async get(sha256: string): Promise<LibraryMedia | undefined> {
    const media = await this.repo.getMedia(sha256);
    return media && plainMedia(media);
  }

  async getMany(sha256s: readonly string[]): Promise<Map<string, LibraryMedia>> {
    const found = await this.repo.getManyMedia([...new Set(sha256s)]);
    return new Map(found.map((media) => [media.sha256, plainMedia(media)]));
  }

  async getStored(sha256: string): Promise<StoredMedia | undefined> {
    return this.repo.getMedia(sha256);
  }

  async list(): Promise<StoredMedia[]> {
    return this.repo.listMedia();
  }

  /** The file a screen downloads, for the device media route. */
  async file(sha256: string): Promise<MediaFile | undefined> {
    const media = await this.repo.getMedia(sha256);
    if (!media) return undefined;
    return {
      sha256,
      name: media.name,
      path: this.mediaPath(sha256),
      sizeBytes: media.sizeBytes,
      contentType: media.contentType,
    };
  }

  async thumbnail(sha256: string): Promise<{ path: string; contentType: string } | undefined> {
    const media = await this.repo.getMedia(sha256);
    if (!media?.thumbnailType) return undefined;
    return { path: join(this.thumbnailsDir, `${sha256}.jpg`), contentType: media.thumbnailType };
  }

  /** CONFLICT while content uses the file; NOT_FOUND for an unknown one. */
  async remove(sha256: string): Promise<StoredMedia> {
    const media = await this.repo.getMedia(sha256);
    if (!media) throw new GatecastError('NOT_FOUND', `no media ${sha256}`);
    const users = await this.usedBy(sha256);
    if (users.length > 0) {
      throw new GatecastError(
        'CONFLICT',
        `${media.name} is used by ${users.join(', ')}; remove it from them first`,
        {
          usedBy: users,
        },
      );
    }
    await this.repo.deleteMedia(sha256);
    await rm(this.mediaPath(sha256), { force: true });
    await rm(join(this.thumbnailsDir, `${sha256}.jpg`), { force: true });
    this.log.info({ sha256, name: media.name }, 'media deleted');
    return media;
  }

  // --- uploads -------------------------------------------------------------------------------

  /** Starts an upload (tus POST): an empty partial file and a row. */
  async createUpload(input: {
    name: string;
    sizeBytes: number;
    declaredType: string | null;
    declaredSha256: string | null;
    actor: LibraryActor;
  }): Promise<UploadStatus> {
    const name = input.name.trim().slice(0, 200);
    if (name === '')
      throw new GatecastError('BAD_REQUEST', 'the upload needs a file name (Upload-Metadata filename)');
    if (!Number.isSafeInteger(input.sizeBytes) || input.sizeBytes <= 0) {
      throw new GatecastError('BAD_REQUEST', 'Upload-Length must be a positive whole number of bytes');
    }
    if (input.sizeBytes > this.maxUploadBytes) {
      throw new GatecastError(
        'PAYLOAD_TOO_LARGE',
        `the file has ${input.sizeBytes} bytes; uploads may have at most ${this.maxUploadBytes}`,
      );
    }
    const declaredSha256 = input.declaredSha256?.toLowerCase() ?? null;
    if (declaredSha256 !== null && !SHA256.test(declaredSha256)) {
      throw new GatecastError('BAD_REQUEST', 'the declared sha256 must be 64 hex digits');
    }
    const now = this.now();
    const upload: UploadRecord = {
      id: randomBytes(16).toString('base64url'),
      name,
      declaredType: input.declaredType?.slice(0, 100) ?? null,
      declaredSha256,
      sizeBytes: input.sizeBytes,
      state: 'receiving',
      mediaSha256: null,
      refusal: null,
      createdBy: input.actor.userId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.ttlMs).toISOString(),
    };
    await mkdir(this.uploadsDir, { recursive: true, mode: 0o700 });
    await writeFile(this.partPath(upload.id), '', { flag: 'wx', mode: 0o600 }).catch((error: unknown) => {
      throw diskError(error);
    });
    await this.repo.insertUpload(upload);
    this.log.info({ uploadId: upload.id, name, sizeBytes: upload.sizeBytes }, 'upload started');
    return { ...this.statusOf(upload, 0) };
  }

  /**
   * NOT_FOUND unless the upload exists and belongs to the caller (ids are never shared). With
   * `settle` (tus HEAD) a write still in progress is stopped first, as tusd does: a client asks
   * only when it has given that request up, and it must get the offset the stored part really ends at.
   */
  async status(id: string, actor: LibraryActor, options: { settle?: boolean } = {}): Promise<UploadStatus> {
    await this.ownUpload(id, actor);
    if (options.settle) await this.stopActive(id);
    // Read again: the write just stopped may have completed the upload.
    const upload = await this.ownUpload(id, actor);
    return this.statusOf(upload, await this.offsetOf(upload));
  }

  private async stopActive(id: string): Promise<void> {
    const previous = this.active.get(id);
    if (!previous) return;
    previous.stop();
    await previous.done.catch(() => undefined);
  }

  /**
   * Appends a chunk (tus PATCH) that must start at the stored offset, hashing while writing.
   * When the last byte arrives the file is checked and joins the library; the result names it.
   * A cut connection keeps whatever reached the disk: HEAD tells the client where to go on.
   */
  async append(
    id: string,
    offset: number,
    body: AsyncIterable<Buffer> & { destroy(): void },
    actor: LibraryActor,
  ): Promise<{ status: UploadStatus; media: StoredMedia | null }> {
    await this.ownUpload(id, actor);
    // The client gave up on an earlier PATCH and started again: that one is stopped first. A loop,
    // so two PATCHes arriving together never write at once: the check and the claim are synchronous.
    while (this.active.has(id)) await this.stopActive(id);
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    this.active.set(id, { stop: () => body.destroy(), done });
    try {
      // Read once claimed: the store read yields, and a PATCH arriving meanwhile must find the claim.
      const upload = await this.ownUpload(id, actor);
      return await this.appendLocked(upload, offset, body, actor);
    } finally {
      if (this.active.get(id)?.done === done) this.active.delete(id);
      release();
    }
  }

  private async appendLocked(
    upload: UploadRecord,
    offset: number,
    body: AsyncIterable<Buffer>,
    actor: LibraryActor,
  ): Promise<{ status: UploadStatus; media: StoredMedia | null }> {
    if (upload.state === 'complete') {
      return {
        status: this.statusOf(upload, upload.sizeBytes),
        media: (await this.repo.getMedia(upload.mediaSha256 ?? '')) ?? null,
      };
    }
    if (upload.state === 'refused')
      throw new GatecastError('CONTENT_REFUSED', upload.refusal ?? 'the upload was refused');
    const current = await this.offsetOf(upload);
    if (offset !== current) {
      throw new GatecastError(
        'UPLOAD_OFFSET_MISMATCH',
        `the chunk starts at byte ${offset} but ${current} bytes are stored; resume from ${current}`,
      );
    }
    const state = await this.hashState(upload.id, current);
    const handle = await open(this.partPath(upload.id), 'r+');
    let failure: unknown = null;
    try {
      for await (const chunk of body) {
        if (state.offset + chunk.length > upload.sizeBytes) {
          throw new GatecastError(
            'MEDIA_TOO_LARGE',
            `more bytes arrived than the ${upload.sizeBytes} announced in Upload-Length`,
          );
        }
        let written = 0;
        try {
          while (written < chunk.length) {
            const { bytesWritten } = await handle.write(
              chunk,
              written,
              chunk.length - written,
              state.offset + written,
            );
            written += bytesWritten;
          }
        } finally {
          // Exactly what reached the file is hashed, so the hash stays true to the file after a failure.
          state.hash.update(chunk.subarray(0, written));
          state.offset += written;
        }
      }
    } catch (error) {
      failure = error;
    } finally {
      await handle.sync().catch(() => undefined);
      await handle.close();
    }
    await this.repo.touchUpload(upload.id, new Date(this.now().getTime() + this.ttlMs).toISOString());
    if (failure instanceof GatecastError) throw failure;
    if (failure !== null) {
      const code = (failure as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') throw diskError(failure);
      // The client went away mid-chunk: what arrived is kept for the resume.
      this.log.info(
        { uploadId: upload.id, from: current, to: state.offset, reason: (failure as Error).message },
        'upload cut',
      );
      return { status: this.statusOf(upload, state.offset), media: null };
    }
    this.log.info({ uploadId: upload.id, from: current, to: state.offset }, 'upload chunk');
    if (state.offset < upload.sizeBytes) return { status: this.statusOf(upload, state.offset), media: null };
    const sha256 = state.hash.copy().digest('hex');
    const media = await this.complete(upload, sha256, actor);
    this.hashes.delete(upload.id);
    return {
      status: this.statusOf({ ...upload, state: 'complete', mediaSha256: sha256 }, upload.sizeBytes),
      media,
    };
  }

  /** The last byte is in: verify, check, probe, thumbnail, then move into place. */
  private async complete(upload: UploadRecord, sha256: string, actor: LibraryActor): Promise<StoredMedia> {
    const part = this.partPath(upload.id);
    const refuseWith = async (error: GatecastError): Promise<never> => {
      await this.repo.finishUpload(upload.id, { refusal: error.message });
      await rm(part, { force: true });
      this.log.info({ uploadId: upload.id, name: upload.name, reason: error.message }, 'upload refused');
      throw error;
    };
    if (upload.declaredSha256 !== null && upload.declaredSha256 !== sha256) {
      await refuseWith(
        new GatecastError(
          'MEDIA_INVALID',
          `${upload.name}: the bytes received hash to ${sha256}, not the declared ${upload.declaredSha256}`,
        ),
      );
    }
    const existing = await this.repo.getMedia(sha256);
    if (existing && existing.kind !== 'video' && claimsVideo(upload.name, upload.declaredType)) {
      await refuseWith(
        new GatecastError(
          'CONTENT_REFUSED',
          `${upload.name} was refused: it claims to be a video but its bytes are ${existing.contentType} (stored as ${existing.name})`,
        ),
      );
    }
    if (existing) {
      // The same bytes are stored already: the upload becomes that media, stored once.
      await rm(part, { force: true });
      await this.repo.finishUpload(upload.id, { mediaSha256: sha256 });
      this.log.info({ uploadId: upload.id, sha256 }, 'upload matched stored media');
      return existing;
    }
    let inspected;
    try {
      inspected = await inspectUpload(
        { path: part, name: upload.name, declaredType: upload.declaredType, sizeBytes: upload.sizeBytes },
        this.tools,
      );
    } catch (error) {
      // UNAVAILABLE (ffprobe missing) is ours, not the file's: the bytes stay for a retry.
      if (error instanceof GatecastError && error.code === 'CONTENT_REFUSED') await refuseWith(error);
      throw error;
    }
    let thumbnailType: string | null = null;
    if (inspected.kind !== 'html-package') {
      const target = join(this.thumbnailsDir, `${sha256}.jpg`);
      const temp = `${target}.${upload.id}.tmp`;
      await mkdir(this.thumbnailsDir, { recursive: true, mode: 0o700 });
      if (
        await makeThumbnail(
          { path: part, durationSec: inspected.probe?.durationSec ?? null },
          temp,
          this.tools,
        )
      ) {
        await rename(temp, target);
        thumbnailType = 'image/jpeg';
      } else {
        await rm(temp, { force: true });
      }
    }
    await mkdir(this.mediaDir, { recursive: true, mode: 0o700 });
    // Same file system: the file appears under its hash whole or not at all.
    await rename(part, this.mediaPath(sha256));
    const media: StoredMedia = {
      sha256,
      name: upload.name,
      ...inspected,
      thumbnailType,
      sizeBytes: upload.sizeBytes,
      uploadedBy: actor.username,
      uploadedAt: this.now().toISOString(),
    };
    await this.repo.insertMedia(media);
    await this.repo.finishUpload(upload.id, { mediaSha256: sha256 });
    this.log.info(
      { uploadId: upload.id, sha256, kind: media.kind, warnings: media.warnings },
      'media stored',
    );
    return (await this.repo.getMedia(sha256)) ?? media;
  }

  /** Abandons an upload (tus DELETE): its bytes go at once. */
  async removeUpload(id: string, actor: LibraryActor): Promise<void> {
    await this.ownUpload(id, actor);
    this.active.get(id)?.stop();
    await this.dropUpload(id);
  }

  /** Deletes uploads nobody touched within the time to live, finished ones included. */
  async expireUploads(): Promise<number> {
    const expired = await this.repo.expiredUploads(this.now().toISOString());
    for (const upload of expired) {
      if (this.active.has(upload.id)) continue;
      await this.dropUpload(upload.id);
      this.log.info({ uploadId: upload.id, name: upload.name, state: upload.state }, 'upload expired');
    }
    return expired.length;
  }

  private async dropUpload(id: string): Promise<void> {
    this.hashes.delete(id);
    await this.repo.deleteUpload(id);
    await rm(this.partPath(id), { force: true });
  }

  private async ownUpload(id: string, actor: LibraryActor): Promise<UploadRecord> {
    const upload = UPLOAD_ID.test(id) ? await this.repo.getUpload(id) : undefined;
    if (!upload || upload.createdBy !== actor.userId) throw new GatecastError('NOT_FOUND', `no upload ${id}`);
    if (upload.expiresAt <= this.now().toISOString() && upload.state === 'receiving') {
      throw new GatecastError('NOT_FOUND', `upload ${id} has expired; start again`);
    }
    return upload;
  }

  private async offsetOf(upload: UploadRecord): Promise<number> {
    if (upload.state !== 'receiving') return upload.sizeBytes;
    try {
      return (await stat(this.partPath(upload.id))).size;
    } catch {
      throw new GatecastError('NOT_FOUND', `upload ${upload.id} has no stored bytes any more; start again`);
    }
  }

  /** The running hash at `offset`; after a restart it is rebuilt by reading the stored part once. */
  private async hashState(id: string, offset: number): Promise<HashState> {
    const known = this.hashes.get(id);
    if (known && known.offset === offset) return known;
    const hash = createHash('sha256');
    let read = 0;
    if (offset > 0) {
      for await (const chunk of createReadStream(this.partPath(id), { start: 0, end: offset - 1 })) {
        hash.update(chunk as Buffer);
        read += (chunk as Buffer).length;
      }
    }
    const state = { hash, offset: read };
    this.hashes.set(id, state);
    return state;
  }

  private statusOf(upload: UploadRecord, offset: number): UploadStatus {
    return {
      id: upload.id,
      name: upload.name,
      sizeBytes: upload.sizeBytes,
      offset,
      state: upload.state,
      mediaSha256: upload.mediaSha256,
      refusal: upload.refusal,
      expiresAt: upload.expiresAt,
    };
  }

  private partPath(id: string): string {
    return join(this.uploadsDir, id);
  }

  private mediaPath(sha256: string): string {
    return join(this.mediaDir, sha256);
  }
}

function plainMedia(media: StoredMedia): LibraryMedia {
  const { thumbnailType: _thumbnail, ...plain } = media;
  return plain;
}

function diskError(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new GatecastError('DISK_FULL', 'the fleet manager disk is full; the part received so far is kept');
  }
  return error;
}
