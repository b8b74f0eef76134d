import { GatecastError, type DesiredDocument } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { Broker } from '../broker/broker.js';
import type { AnnouncementSource } from '../announcements/announcement-source.js';
import type { DeviceRecord, DevicesRepo } from '../devices/devices-repo.js';
import type { Gate, GatesRepo } from '../gates/gates-repo.js';
import type { MediaCatalog, MediaReader } from '../library/media-catalog.js';
import { isUrlAllowed } from '../library/url-allow-list.js';
import type { Sql } from '../store/sql.js';
import type { ContentSnapshot } from './compose-content.js';
import { composeDesired, type ScreenExtras } from './compose-desired.js';
import { StoredContentSource, type ContentSource } from './content-source.js';
import { DesiredDocumentsRepo } from './desired-documents-repo.js';
import type { DemoContentSource } from './demo-content.js';
import { sameContent } from './same-content.js';

export interface DesiredServiceDeps {
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
  /** The gate's web allow-list, checked at compose time; every page passes without it. */
  webAllowList?: (gateId: string) => Promise<readonly string[]>;
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
  /** Each gate's web allow-list, read once per round when a screen of the gate is composed. */
  allowLists: Map<string, Promise<readonly string[]>>;
}

/** Keeps one versioned desired document per screen in the store and retained on the broker. */
export class DesiredService {
  private readonly deps: DesiredServiceDeps;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly repo: DesiredDocumentsRepo;
  /** Stored but not yet on the broker (its publish failed): the next refresh publishes again. */
  private readonly unpublished = new Set<string>();
  private readonly content: ContentSource;
  /**
   * Refreshes run one after another: a round that read the content before a change must not
   * store or publish after a round that read it after, or a screen would keep the older document.
   */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * The documents this process last read or stored, so a refresh of a thousand screens does not
   * re-read and re-validate a thousand documents. Another fleet process may store newer ones, so
   * each use first compares the stored versions, in one query (`fresh`).
   */
  private readonly documents = new Map<string, DesiredDocument>();

  constructor(deps: DesiredServiceDeps) {
    this.deps = deps;
    this.log = deps.log.child({ mod: 'desired' });
    this.now = deps.now ?? (() => new Date());
    this.content = deps.content ?? new StoredContentSource(deps.sql, deps.log);
    this.repo = new DesiredDocumentsRepo(deps.sql, this.log);
  }

  /**
   * Composes the device's desired document; when its content differs from the stored one
   * (ignoring version and issuedAt) stores it as version last + 1 and publishes it retained.
   * Returns the current document. NOT_FOUND for an unknown device.
   */
  async refresh(deviceId: string): Promise<DesiredDocument> {
    return this.serially(async () => {
      await this.fresh([deviceId]);
      return this.refreshOne(deviceId, await this.round());
    });
  }

  /**
   * Composes and publishes the listed screens (content, a layout or an announcement changed);
   * only those whose document changed get a new version. Unknown ids are skipped; one screen's
   * failure is logged and does not stop the others.
   */
  async refreshMany(deviceIds: readonly string[]): Promise<void> {
    await this.serially(async () => {
      const ids = [...new Set(deviceIds)];
      await this.fresh(ids);
      const round = await this.round();
      const changed: DesiredDocument[] = [];
      for (const deviceId of ids) {
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
    const { device, gate } = await this.placement(deviceId);
    const stored = await this.latest(deviceId);
    return this.composeFor(device, gate, stored?.version ?? 1, this.now().toISOString(), await this.round());
  }

  private async refreshOne(deviceId: string, round: ComposeRound): Promise<DesiredDocument> {
    const next = await this.composeAndStore(deviceId, round);
    if (next) await this.publish(next);
    return this.documents.get(deviceId) ?? (next as DesiredDocument);
  }

  /**
   * Composes one screen's document and stores it when its content changed. Returns what must be
   * published: the new document, the stored one if its last publish failed, or null.
   */
  private async composeAndStore(deviceId: string, round: ComposeRound): Promise<DesiredDocument | null> {
    const { device, gate } = await this.placement(deviceId);
    const issuedAt = this.now().toISOString();
    // Made fresh by the caller, at the start of its round.
    const stored = this.documents.get(deviceId);
    const composed = await this.composeFor(device, gate, stored?.version ?? 1, issuedAt, round);
    if (stored && sameContent(stored, composed)) return this.unpublished.has(deviceId) ? stored : null;
    const next = await this.repo.save(composed, issuedAt);
    this.documents.set(deviceId, next);
    this.log.info({ deviceId, version: next.version }, 'desired document changed');
    return next;
  }

  private async placement(deviceId: string): Promise<{ device: DeviceRecord; gate: Gate }> {
    const device = await this.deps.devices.get(deviceId);
    if (!device) throw new GatecastError('NOT_FOUND', `device ${deviceId} does not exist`);
    const gate = await this.deps.gates.get(device.gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `gate ${device.gateId} does not exist`);
    return { device, gate };
  }

  private async round(): Promise<ComposeRound> {
    this.deps.announcements?.beginRound?.();
    const content = await this.content.snapshot();
    return {
      content,
      demo: this.deps.demo?.(),
      mediaBaseUrl: this.deps.mediaBaseUrl?.() ?? null,
      media: await this.mediaOf(content),
      allowLists: new Map(),
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
    const { webAllowList, announcements } = this.deps;
    const { media, allowLists } = round;
    if (webAllowList && !allowLists.has(gate.id)) allowLists.set(gate.id, webAllowList(gate.id));
    const allowList = await allowLists.get(gate.id);
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
      ...(allowList ? { allowWeb: (url: string) => isUrlAllowed(url, allowList) } : {}),
      extras: Object.assign({}, ...extras) as ScreenExtras,
    });
  }

  /** Publishes every stored document again (fleet start). Returns how many were published. */
  async republishAll(): Promise<number> {
    let count = 0;
    for (const document of await this.repo.documents()) {
      this.documents.set(document.deviceId, document);
      try {
        await this.publish(document);
        count++;
      } catch (error) {
        this.log.error({ deviceId: document.deviceId, err: (error as Error).message }, 'republish failed');
      }
    }
    this.log.info({ count }, 'desired documents republished');
    return count;
  }

  /** Composes every screen again (fleet start): what the fleet composes may have changed meanwhile. */
  async refreshAll(): Promise<void> {
    await this.refreshMany((await this.deps.devices.list()).map((device) => device.id));
  }

  /** The screen's stored document, if it has one. */
  async latest(deviceId: string): Promise<DesiredDocument | undefined> {
    await this.fresh([deviceId]);
    return this.documents.get(deviceId);
  }

  /** The stored documents of many screens, in one query when this process holds them already. */
  async latestMany(deviceIds: readonly string[]): Promise<Map<string, DesiredDocument>> {
    await this.fresh(deviceIds);
    const found = new Map<string, DesiredDocument>();
    for (const id of deviceIds) {
      const document = this.documents.get(id);
      if (document) found.set(id, document);
    }
    return found;
  }

  /** Device removed: clears its retained messages. The version counter stays (see the schema). */
  async forget(deviceId: string): Promise<void> {
    await this.repo.remove(deviceId);
    this.documents.delete(deviceId);
    this.unpublished.delete(deviceId);
    await this.deps.broker.clearRetained(deviceId);
  }

  /** Brings the copies of these screens' documents up to what is stored: one query, plus one for those that changed. */
  private async fresh(deviceIds: readonly string[]): Promise<void> {
    const stored = await this.repo.versions(deviceIds);
    const stale: string[] = [];
    for (const id of deviceIds) {
      const version = stored.get(id);
      if (version === undefined) this.documents.delete(id);
      else if (this.documents.get(id)?.version !== version) stale.push(id);
    }
    if (stale.length === 0) return;
    for (const document of await this.repo.documents(stale)) this.documents.set(document.deviceId, document);
  }

  private async publish(document: DesiredDocument): Promise<void> {
    this.unpublished.add(document.deviceId);
    await this.deps.broker.publishToDevice(document.deviceId, 'desired', document);
    // A newer refresh may have queued meanwhile; only clear the mark if this is still the latest.
    if (this.documents.get(document.deviceId)?.version === document.version)
      this.unpublished.delete(document.deviceId);
  }
}
