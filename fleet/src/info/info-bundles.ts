import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { infoBundleSchema, type InfoBundle, type InfoTreeRef } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { MediaReader } from '../library/media-catalog.js';
import type { MediaFile } from '../media/media-library.js';
import { buildInfoBundle, stampBundle } from './build-info-bundle.js';
import type { InfoBundleFiles } from './info-bundle-files.js';
import type { InfoBundleSource } from './info-bundle-source.js';
import type { InfoRepo } from './info-repo.js';

export interface InfoBundlesDeps {
  repo: Pick<InfoRepo, 'scopeOf' | 'bundle' | 'saveBundle'>;
  gates: Pick<GatesRepo, 'get'>;
  media: Pick<MediaReader, 'getMany'>;
  files: InfoBundleFiles;
  /** The fleet's HTTP address as screens reach it; bundles wait for it (their picture URLs name it). */
  mediaBaseUrl: () => string | undefined;
  log: Logger;
  now: () => Date;
}

interface BuiltBundle {
  /** What it was built for: picture URLs name the base URL; missing flags, the gate's languages. */
  baseUrl: string;
  languages: string;
  bundle: InfoBundle | undefined;
  ref: InfoTreeRef | undefined;
}

/**
 * Each gate's built bundle: rebuilt when its tree changes, kept per base URL, written once per
 * content as a file named by its sha256, numbered with a version that rises only when what
 * screens see changed.
 */
export class InfoBundles implements InfoBundleSource {
  private readonly deps: InfoBundlesDeps;
  /** Per gate, the bundle built for the current base URL; dropped on every change of its tree. */
  private readonly built = new Map<string, BuiltBundle>();
  /**
   * Builds run one after another: each reads the stored version and writes the next, which the
   * synchronous store did in one go; now the reads yield, and two builds must not both take it.
   */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(deps: InfoBundlesDeps) {
    this.deps = deps;
  }

  /** InfoBundleSource: the bundle a gate's screens download; undefined while nothing is shown. */
  async bundle(gateId: string): Promise<InfoBundle | undefined> {
    return (await this.current(gateId))?.bundle;
  }

  /** What a lookup or counter screen's desired document names (content.infoTree). */
  async treeRef(gateId: string): Promise<InfoTreeRef | undefined> {
    return (await this.current(gateId))?.ref;
  }

  /** For mediaSources(...) in fleet.ts: bundle files are served by sha256 like media. */
  file(sha256: string): MediaFile | undefined {
    return this.deps.files.file(sha256);
  }

  /** The gate's bundle, rebuilt now; undefined before the fleet knows its HTTP address. */
  async rebuild(gateId: string): Promise<BuiltBundle | undefined> {
    this.built.delete(gateId);
    const run = this.queue.then(
      () => this.build(gateId),
      () => this.build(gateId),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async build(gateId: string): Promise<BuiltBundle | undefined> {
    const gate = await this.deps.gates.get(gateId);
    const baseUrl = this.deps.mediaBaseUrl()?.replace(/\/+$/, '');
    if (!gate || !baseUrl) return undefined;
    const mediaUrl = (sha256: string) => `${baseUrl}/api/v1/device/media/${sha256}`;
    const nodes = await this.deps.repo.scopeOf(gateId);
    // The pictures are read before the (pure, synchronous) build, in one query.
    const pictures = nodes.flatMap((node) =>
      node.spec.blocks.flatMap((block) => (block.type === 'image' ? [block.sha256] : [])),
    );
    const found = await this.deps.media.getMany(pictures);
    const draft = buildInfoBundle({ gate, nodes, media: { get: (sha256) => found.get(sha256) }, mediaUrl });
    for (const warning of draft.warnings) this.deps.log.warn({ gateId }, warning);
    const entry = await this.store(gateId, draft, baseUrl, mediaUrl);
    this.built.set(gateId, entry);
    return entry;
  }

  private async current(gateId: string): Promise<BuiltBundle | undefined> {
    const cached = this.built.get(gateId);
    const baseUrl = this.deps.mediaBaseUrl()?.replace(/\/+$/, '');
    const languages = (await this.deps.gates.get(gateId))?.languages.join(' ');
    if (cached && cached.baseUrl === baseUrl && cached.languages === languages) return cached;
    return this.rebuild(gateId);
  }

  /**
   * Keeps the version when nothing a screen sees changed (a restart, an edit of a hidden draft);
   * otherwise writes a new file under a new version.
   */
  private async store(
    gateId: string,
    draft: ReturnType<typeof buildInfoBundle>,
    baseUrl: string,
    mediaUrl: (sha256: string) => string,
  ): Promise<BuiltBundle> {
    const row = await this.deps.repo.bundle(gateId);
    const at = this.deps.now().toISOString();
    if (draft.nodes.length === 0) {
      if (row?.sha256)
        await this.deps.repo.saveBundle({
          ...row,
          sha256: null,
          size_bytes: null,
          fingerprint: null,
          built_at: at,
        });
      return { baseUrl, languages: draft.languages.join(' '), bundle: undefined, ref: undefined };
    }
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ languages: draft.languages, nodes: draft.nodes, media: draft.media }))
      .digest('hex');
    let bundle = row?.fingerprint === fingerprint && row.sha256 ? this.readBundle(row.sha256) : undefined;
    let sha256 = row?.sha256 ?? '';
    let sizeBytes = row?.size_bytes ?? 0;
    if (!bundle) {
      bundle = stampBundle(draft, (row?.version ?? 0) + 1, at);
      ({ sha256, sizeBytes } = this.deps.files.save(JSON.stringify(bundle)));
      await this.deps.repo.saveBundle({
        gate_id: gateId,
        version: bundle.version,
        sha256,
        size_bytes: sizeBytes,
        fingerprint,
        built_at: at,
      });
      this.deps.log.info(
        { gateId, version: bundle.version, nodes: bundle.nodes.length, sha256 },
        'information bundle built',
      );
    }
    const ref: InfoTreeRef = {
      url: mediaUrl(sha256),
      sha256,
      sizeBytes,
      version: bundle.version,
      media: draft.media,
    };
    return { baseUrl, languages: draft.languages.join(' '), bundle, ref };
  }

  private readBundle(sha256: string): InfoBundle | undefined {
    const file = this.deps.files.file(sha256);
    if (!file) return undefined;
    try {
      const parsed = infoBundleSchema.safeParse(JSON.parse(readFileSync(file.path, 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
