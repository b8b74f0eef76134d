import { GatecastError, desiredSchema, type DesiredDocument } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { Broker } from '../broker/broker.js';
import type { AnnouncementSource } from '../announcements/announcement-source.js';
import type { DeviceRecord, DevicesRepo } from '../devices/devices-repo.js';
import type { Gate, GatesRepo } from '../gates/gates-repo.js';
import type { MediaCatalog, MediaReader } from '../library/media-catalog.js';
import type { Database } from '../store/database.js';
import { parseJsonColumn } from '../store/json-column.js';
import type { Sql } from '../store/sql.js';
import type { ContentSnapshot } from './compose-content.js';
import { composeDesired, type ScreenExtras } from './compose-desired.js';
import { StoredContentSource, type ContentSource } from './content-source.js';
import type { DemoContentSource } from './demo-content.js';
import { sameContent } from './same-content.js';

export interface DesiredServiceDeps {
  db: Database;
  /** The store's async path, for the content tables (StoredContentSource). */
  sql: Sql;
  devices: DevicesRepo;
  gates: GatesRepo;
  broker: Pick<Broker, 'publishToDevice' | 'clearRetained'>;
  log: Logger;
  now?: () => Date;
  /** The demo content source, read at each compose (its URL may be known only once HTTP listens). */
  demo?: () => DemoContentSource | undefined;
  /** Items, playlists, schedules and layouts; the store's own tables when left out. */
  content?: ContentSource;
  /** Urgent announcements per screen (announcements/); none without it. */
  announcements?: AnnouncementSource;
  /** The media library; without it media items are left out of documents. */
  media?: MediaReader;
  /** The fleet's HTTP address as screens reach it (media URLs); read at each compose. */
  mediaBaseUrl?: () => string | undefined;
  /** The gate's web allow-list as a check at compose time; everything passes without it. */
  allowWeb?: (url: string, gate: Gate) => boolean;
  /** What other domains add to each screen's document (profile, information tree, counters, agent release). */
  extras?: ReadonlyArray<
    (device: DeviceRecord, gate: Gate, now: Date) => ScreenExtras | Promise<ScreenExtras>
  >;
}

/** Documents handed to the broker at once; bounded so a 10k refresh does not queue 10k writes. */
const PUBLISH_BATCH = 256;

/** What one compose reads once for many screens. */
interface ComposeRound {
  content: ContentSnapshot;
  demo: DemoContentSource | undefined;
  mediaBaseUrl: string | null;
  /** The library media the content names, read once per round: the composer looks it up synchronously. */
  media: MediaCatalog | undefined;
}

interface DocumentRow {
  device_id: string;
  document: string;
}

/** Keeps one versioned desired document per screen in the store and retained on the broker. */
export class DesiredService {
  private readonly deps: DesiredServiceDeps;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly stmts;
  /** Stored but not yet on the broker (its publish failed): the next refresh publishes again. */
  private readonly unpublished = new Set<string>();
  private readonly content: ContentSource;
  /**
   * Refreshes run one after another: a round that read the content before a change must not
   * store or publish after a round that read it after, or a screen would keep the older document.
   */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * The latest document per screen. This service is the only writer of desired_documents, so
   * its copy stays true, and a refresh of a thousand screens does not re-read and re-validate a
   * thousand stored documents.
   */
  private readonly documents = new Map<string, DesiredDocument>();

  constructor(deps: DesiredServiceDeps) {
    this.deps = deps;
    this.log = deps.log.child({ mod: 'desired' });
    this.now = deps.now ?? (() => new Date());
    const { db } = deps;
    this.content = deps.content ?? new StoredContentSource(deps.sql, deps.log);
    this.stmts = {
      document: db.prepare<[string], DocumentRow>(
        'SELECT device_id, document FROM desired_documents WHERE device_id = ?',
      ),
      allDocuments: db.prepare<[], DocumentRow>(
        'SELECT device_id, document FROM desired_documents ORDER BY device_id',
      ),
      lastVersion: db
        .prepare<[string], number>('SELECT last_version FROM desired_versions WHERE device_id = ?')
        .pluck(),
      saveVersion: db.prepare<[string, number]>(
        `INSERT INTO desired_versions (device_id, last_version) VALUES (?, ?)
           ON CONFLICT (device_id) DO UPDATE SET last_version = excluded.last_version`,
      ),
      saveDocument: db.prepare<[string, number, string, string]>(
        `INSERT INTO desired_documents (device_id, version, document, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (device_id) DO UPDATE SET version = excluded.version,
             document = excluded.document, updated_at = excluded.updated_at`,
      ),
      removeDocument: db.prepare<[string]>('DELETE FROM desired_documents WHERE device_id = ?'),
    };
  }

  /**
   * Composes the device's desired document; when its content differs from the stored one
   * (ignoring version and issuedAt) stores it as version last + 1 and publishes it retained.
   * Returns the current document. NOT_FOUND for an unknown device.
   */
  async refresh(deviceId: string): Promise<DesiredDocument> {
    return this.serially(async () => this.refreshOne(deviceId, await this.round()));
  }

  /**
   * Composes and publishes the listed screens (content, a layout or an announcement changed);
   * only those whose document changed get a new version. Unknown ids are skipped; one screen's
   * failure is logged and does not stop the others.
   */
  async refreshMany(deviceIds: readonly string[]): Promise<void> {
    await this.serially(async () => {
      const round = await this.round();
      const changed: DesiredDocument[] = [];
      for (const deviceId of new Set(deviceIds)) {
        try {
          const next = await this.composeAndStore(deviceId, round);
          if (next) changed.push(next);
        } catch (error) {
          if (error instanceof GatecastError && error.code === 'NOT_FOUND') continue;
          this.log.error({ deviceId, err: (error as Error).message }, 'refresh failed');
        }
      }
      // Stored first, then handed to the broker together: an announcement reaches the last
      // screen of a gate about as soon as the first.
      for (let start = 0; start < changed.length; start += PUBLISH_BATCH) {
        await Promise.all(
          changed
            .slice(start, start + PUBLISH_BATCH)
            .map((document) =>
              this.publish(document).catch((error: Error) =>
                this.log.error({ deviceId: document.deviceId, err: error.message }, 'publish failed'),
              ),
            ),
        );
      }
    });
  }

  /** Runs `work` after every refresh queued before it, whether those succeeded or not. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The document the device would get now, without storing or publishing it (previews). */
  async compose(deviceId: string): Promise<DesiredDocument> {
    const { device, gate } = this.placement(deviceId);
    const stored = this.latest(deviceId);
    return this.composeFor(device, gate, stored?.version ?? 1, this.now().toISOString(), await this.round());
  }

  private async refreshOne(deviceId: string, round: ComposeRound): Promise<DesiredDocument> {
    const next = await this.composeAndStore(deviceId, round);
    if (next) await this.publish(next);
    return this.latest(deviceId) ?? (next as DesiredDocument);
  }

  /**
   * Composes one screen's document and stores it when its content changed. Returns what must be
   * published: the new document, the stored one if its last publish failed, or null.
   */
  private async composeAndStore(deviceId: string, round: ComposeRound): Promise<DesiredDocument | null> {
    const { device, gate } = this.placement(deviceId);
    const issuedAt = this.now().toISOString();
    const stored = this.latest(deviceId);
    const composed = await this.composeFor(device, gate, stored?.version ?? 1, issuedAt, round);
    if (stored && sameContent(stored, composed)) return this.unpublished.has(deviceId) ? stored : null;
    const next = this.store(composed, issuedAt);
    this.log.info({ deviceId, version: next.version }, 'desired document changed');
    return next;
  }

  private placement(deviceId: string): { device: DeviceRecord; gate: Gate } {
    const device = this.deps.devices.get(deviceId);
    if (!device) throw new GatecastError('NOT_FOUND', `device ${deviceId} does not exist`);
    const gate = this.deps.gates.get(device.gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `gate ${device.gateId} does not exist`);
    return { device, gate };
  }

  private async round(): Promise<ComposeRound> {
    const content = await this.content.snapshot();
    return {
      content,
      demo: this.deps.demo?.(),
      mediaBaseUrl: this.deps.mediaBaseUrl?.() ?? null,
      media: await this.mediaOf(content),
    };
  }

  /** The library media the round's items name, in one read, as the synchronous lookup the composer takes. */
  private async mediaOf(content: ContentSnapshot): Promise<MediaCatalog | undefined> {
    if (!this.deps.media) return undefined;
    const named = [...content.items.values()].flatMap((work) =>
      'sha256' in work.spec ? [work.spec.sha256] : [],
    );
    const found = await this.deps.media.getMany(named);
    return { get: (sha256) => found.get(sha256) };
  }

  private async composeFor(
    device: DeviceRecord,
    gate: Gate,
    version: number,
    issuedAt: string,
    round: ComposeRound,
  ): Promise<DesiredDocument> {
    const { allowWeb, announcements } = this.deps;
    const { media } = round;
    const extras = await Promise.all(
      (this.deps.extras ?? []).map((provide) => provide(device, gate, this.now())),
    );
    return composeDesired({
      device,
      gate,
      version,
      issuedAt,
      ...(round.demo ? { demo: round.demo } : {}),
      content: round.content,
      announcements: (await announcements?.entriesFor(device, this.now())) ?? [],
      ...(media ? { media } : {}),
      mediaBaseUrl: round.mediaBaseUrl,
      ...(allowWeb ? { allowWeb: (url: string) => allowWeb(url, gate) } : {}),
      extras: Object.assign({}, ...extras) as ScreenExtras,
    });
  }

  /** Publishes every stored document again (fleet start). Returns how many were published. */
  async republishAll(): Promise<number> {
    let count = 0;
    for (const row of this.stmts.allDocuments.all()) {
      const document = this.parse(row);
      if (!document) continue;
      try {
        await this.publish(document);
        count++;
      } catch (error) {
        this.log.error({ deviceId: row.device_id, err: (error as Error).message }, 'republish failed');
      }
    }
    this.log.info({ count }, 'desired documents republished');
    return count;
  }

  /** Composes every screen again (fleet start): what the fleet composes may have changed meanwhile. */
  async refreshAll(): Promise<void> {
    await this.refreshMany(this.deps.devices.list().map((device) => device.id));
  }

  latest(deviceId: string): DesiredDocument | undefined {
    const cached = this.documents.get(deviceId);
    if (cached) return cached;
    const row = this.stmts.document.get(deviceId);
    const document = row ? this.parse(row) : null;
    if (document) this.documents.set(deviceId, document);
    return document ?? undefined;
  }

  /** Device removed: clears its retained messages. The version counter stays (see the schema). */
  async forget(deviceId: string): Promise<void> {
    this.stmts.removeDocument.run(deviceId);
    this.documents.delete(deviceId);
    this.unpublished.delete(deviceId);
    await this.deps.broker.clearRetained(deviceId);
  }

  /** Allocates the next version and stores the document in one transaction. */
  private store(composed: DesiredDocument, issuedAt: string): DesiredDocument {
    const stored = this.deps.db.transaction(() => {
      const version = (this.stmts.lastVersion.get(composed.deviceId) ?? 0) + 1;
      const document = desiredSchema.parse({ ...composed, version });
      this.stmts.saveVersion.run(document.deviceId, version);
      this.stmts.saveDocument.run(document.deviceId, version, JSON.stringify(document), issuedAt);
      return document;
    })();
    this.documents.set(stored.deviceId, stored);
    return stored;
  }

  private async publish(document: DesiredDocument): Promise<void> {
    this.unpublished.add(document.deviceId);
    await this.deps.broker.publishToDevice(document.deviceId, 'desired', document);
    // A newer refresh may have queued meanwhile; only clear the mark if this is still the latest.
    if (this.latest(document.deviceId)?.version === document.version)
      this.unpublished.delete(document.deviceId);
  }

  private parse(row: DocumentRow): DesiredDocument | null {
    const where = { table: 'desired_documents', column: 'document', id: row.device_id };
    return parseJsonColumn(desiredSchema, row.document, this.log, where);
  }
}
