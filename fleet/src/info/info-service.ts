import {
  GatecastError,
  describeZodError,
  type DeviceProfile,
  type InfoBundle,
  type InfoTreeRef,
} from '@gatecast/protocol';
import type { Logger } from 'pino';
import { isLive, transition, type ApprovalAction } from '../approval/approval-workflow.js';
import type { ScreenExtras } from '../desired/compose-desired.js';
import type { DeviceRecord, DevicesRepo } from '../devices/devices-repo.js';
import { DEFAULT_LANGUAGES, type Gate, type GatesRepo } from '../gates/gates-repo.js';
import { assertGlyphsCovered } from '../library/glyph-coverage.js';
import type { MediaReader } from '../library/media-catalog.js';
import type { MediaFile } from '../media/media-library.js';
import type { InfoBundleFiles } from './info-bundle-files.js';
import type { InfoBundleSource } from './info-bundle-source.js';
import { InfoBundles } from './info-bundles.js';
import type { InfoRepo } from './info-repo.js';
import {
  infoNodeSpecSchema,
  missingLanguages,
  textsOf,
  type InfoNodeKind,
  type InfoNodeRecord,
  type InfoNodeSpec,
} from './info-specs.js';
import { STARTER_TREE } from './starter-tree/starter-tree.js';

export interface InfoServiceDeps {
  repo: InfoRepo;
  gates: Pick<GatesRepo, 'get' | 'list'>;
  devices: Pick<DevicesRepo, 'get' | 'list' | 'profileOf' | 'setProfile'>;
  /** The media library: pictures are checked against it and their sizes read from it. */
  media: Pick<MediaReader, 'get' | 'getMany'>;
  files: InfoBundleFiles;
  /** The fleet's HTTP address as screens reach it; bundles wait for it (their picture URLs name it). */
  mediaBaseUrl: () => string | undefined;
  /** Composes and publishes the listed screens (DesiredService.refreshMany). */
  refresh: (deviceIds: string[]) => Promise<void>;
  log: Logger;
  now?: () => Date;
}

export interface InfoNodeInput {
  id?: string | undefined;
  gateId: string | null;
  parentId: string | null;
  kind: InfoNodeKind;
  order?: number | undefined;
  title: unknown;
  summary?: unknown;
  blocks?: unknown;
}

export interface InfoNodeChanges {
  parentId?: string | null | undefined;
  order?: number | undefined;
  title?: unknown;
  /** null removes the summary. */
  summary?: unknown;
  blocks?: unknown;
}

/** Who seeded the starter tree: no person, so no one's approval is claimed. */
export const SAMPLE_AUTHOR = 'gatecast sample';

/**
 * The information tree: checks what authors write (glyphs, pictures, the tree's shape), moves
 * nodes through the approval workflow, rebuilds the gate's bundle after every change, and
 * recomposes that gate's screens. It also keeps each screen's profile. Who may call what is
 * decided by the routes (authorize).
 */
export class InfoService implements InfoBundleSource {
  private readonly deps: InfoServiceDeps;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly bundles: InfoBundles;
  private readonly listeners: Array<(gateIds: string[]) => void> = [];

  constructor(deps: InfoServiceDeps) {
    this.deps = deps;
    this.log = deps.log.child({ mod: 'info' });
    this.now = deps.now ?? (() => new Date());
    this.bundles = new InfoBundles({ ...deps, log: this.log, now: this.now });
  }

  async get(id: string): Promise<InfoNodeRecord> {
    const node = await this.deps.repo.get(id);
    if (!node) throw new GatecastError('NOT_FOUND', `no information node ${id}`);
    return node;
  }

  async all(): Promise<InfoNodeRecord[]> {
    return this.deps.repo.all();
  }

  /** The gate languages the node lacks text in (fleet-wide nodes: the languages of every gate). */
  async missingOf(node: InfoNodeRecord): Promise<string[]> {
    return missingLanguages(node.spec, await this.languagesOf(node.gateId));
  }

  /** Published, and so is every ancestor: the node is on the screens. */
  async isShown(node: InfoNodeRecord, known?: ReadonlyMap<string, InfoNodeRecord>): Promise<boolean> {
    const seen = new Set<string>();
    let current: InfoNodeRecord | undefined = node;
    while (current) {
      if (!isLive(current) || seen.has(current.id)) return false;
      seen.add(current.id);
      if (current.parentId === null) return true;
      // With the whole tree at hand (a list), the ancestors are looked up in it, not read one by one.
      current = known ? known.get(current.parentId) : await this.deps.repo.get(current.parentId);
    }
    return false;
  }

  /** A new draft, revision 1, authored by the actor. */
  async create(input: InfoNodeInput, actorId: string): Promise<InfoNodeRecord> {
    if (input.gateId !== null && !(await this.deps.gates.get(input.gateId))) {
      throw new GatecastError('NOT_FOUND', `no gate ${input.gateId}`);
    }
    const id = input.id ?? this.deps.repo.newId();
    await this.checkParent(id, input.gateId, input.parentId);
    const spec = await this.checkSpec(id, {
      title: input.title,
      summary: input.summary,
      blocks: input.blocks ?? [],
    });
    const at = this.now().toISOString();
    return this.deps.repo.insert({
      id,
      gateId: input.gateId,
      parentId: input.parentId,
      kind: input.kind,
      order: input.order ?? (await this.nextOrder(input.gateId, input.parentId)),
      spec,
      sample: false,
      state: 'draft',
      revision: 1,
      authorId: actorId,
      reviewerId: null,
      reviewComment: null,
      createdAt: at,
      updatedAt: at,
    });
  }

  /**
   * A new draft revision with the changes: whatever state it was in, it leaves the screens until
   * it is approved and published again (and so do its children, by the ancestor rule). Edited
   * sample text is the city's own: the sample mark goes.
   */
  async edit(id: string, changes: InfoNodeChanges, actorId: string): Promise<InfoNodeRecord> {
    const before = await this.get(id);
    const parentId = changes.parentId === undefined ? before.parentId : changes.parentId;
    if (parentId !== before.parentId) await this.checkParent(id, before.gateId, parentId);
    const spec = await this.checkSpec(id, {
      title: changes.title ?? before.spec.title,
      summary: changes.summary === undefined ? before.spec.summary : (changes.summary ?? undefined),
      blocks: changes.blocks ?? before.spec.blocks,
    });
    const after: InfoNodeRecord = {
      ...transition(before, { action: 'edit', actorId }),
      parentId,
      order: changes.order ?? before.order,
      spec,
      sample: false,
      updatedAt: this.now().toISOString(),
    };
    await this.save(after, before);
    if (before.state === 'published') await this.changed(before.gateId);
    return after;
  }

  /** submit, approve, reject, publish or unpublish (approval-workflow.ts says which is allowed). */
  async step(
    id: string,
    action: Exclude<ApprovalAction, 'edit'>,
    actorId: string,
    comment?: string,
  ): Promise<InfoNodeRecord> {
    const before = await this.get(id);
    if (action === 'submit') await this.checkSpec(id, before.spec);
    const after = {
      ...transition(before, { action, actorId, comment }),
      updatedAt: this.now().toISOString(),
    };
    await this.save(after, before);
    if (action === 'publish' || action === 'unpublish') await this.changed(after.gateId);
    return after;
  }

  /** Deletes a node without children (CONFLICT naming them otherwise). */
  async remove(id: string): Promise<InfoNodeRecord> {
    const node = await this.get(id);
    const children = await this.deps.repo.childrenOf(id);
    if (children.length > 0) {
      throw new GatecastError(
        'CONFLICT',
        `${id} has ${children.join(', ')} under it; move or remove them first`,
      );
    }
    await this.deps.repo.remove(id);
    if (node.state === 'published') await this.changed(node.gateId);
    return node;
  }

  /**
   * Seeds the starter tree at a gate that has no tree of its own, published at once and marked
   * sample (author "gatecast sample"): something to show on day one, for the city to replace.
   */
  async seedSample(gateId: string): Promise<InfoNodeRecord[]> {
    const gate = await this.deps.gates.get(gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `no gate ${gateId}`);
    if (await this.deps.repo.hasNodesAt(gateId)) {
      throw new GatecastError(
        'CONFLICT',
        `gate ${gateId} already has an information tree; seed only an empty one`,
      );
    }
    const at = this.now().toISOString();
    const idOf = (key: string) =>
      `${gateId}-${key}`.length <= 64 ? `${gateId}-${key}` : this.deps.repo.newId();
    const ids = new Map(STARTER_TREE.map((node) => [node.key, idOf(node.key)]));
    const nodes: InfoNodeRecord[] = [];
    for (const node of STARTER_TREE)
      nodes.push({
        id: ids.get(node.key) as string,
        gateId,
        parentId: node.parentKey === null ? null : (ids.get(node.parentKey) as string),
        kind: node.kind,
        order: node.order,
        spec: await this.checkSpec(node.key, node.spec),
        sample: true,
        state: 'published',
        revision: 1,
        authorId: SAMPLE_AUTHOR,
        reviewerId: SAMPLE_AUTHOR,
        reviewComment: 'sample text shipped with gatecast, for the city to replace',
        createdAt: at,
        updatedAt: at,
      });
    await this.deps.repo.transaction(async (repo) => {
      for (const node of nodes) await repo.insert(node);
    });
    await this.changed(gateId);
    return nodes;
  }

  /** InfoBundleSource: the bundle a gate's screens download; undefined while nothing is shown. */
  async bundle(gateId: string): Promise<InfoBundle | undefined> {
    return this.bundles.bundle(gateId);
  }

  /** What a lookup or counter screen's desired document names (content.infoTree). */
  async treeRef(gateId: string): Promise<InfoTreeRef | undefined> {
    return this.bundles.treeRef(gateId);
  }

  /** The nodes whose pages show a library picture: such a file cannot be deleted. */
  async usedBy(sha256: string): Promise<string[]> {
    return (await this.deps.repo.all())
      .filter((node) => node.spec.blocks.some((block) => block.type === 'image' && block.sha256 === sha256))
      .map((node) => node.id);
  }

  /** For mediaSources(...) in fleet.ts: bundle files are served by sha256 like media. */
  file(sha256: string): MediaFile | undefined {
    return this.bundles.file(sha256);
  }

  /** Called with the gates whose bundle was rebuilt, after their screens were recomposed. */
  onChange(listener: (gateIds: string[]) => void): void {
    this.listeners.push(listener);
  }

  /** The ScreenExtras provider: every screen's profile, and the tree for lookup and counter screens. */
  async extrasFor(device: DeviceRecord, gate: Gate): Promise<ScreenExtras> {
    const profile = await this.deps.devices.profileOf(device.id);
    if (profile === 'signage') return { profile };
    const infoTree = await this.treeRef(gate.id);
    return infoTree ? { profile, infoTree } : { profile };
  }

  async profileOf(deviceId: string): Promise<DeviceProfile> {
    if (!(await this.deps.devices.get(deviceId)))
      throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
    return this.deps.devices.profileOf(deviceId);
  }

  /** Sets what the screen is for and recomposes it (a lookup screen gets its gate's tree). */
  async setProfile(deviceId: string, profile: DeviceProfile): Promise<DeviceProfile> {
    const before = await this.profileOf(deviceId);
    await this.deps.devices.setProfile(deviceId, profile);
    if (before !== profile) await this.deps.refresh([deviceId]);
    return before;
  }

  /**
   * The write of a read-check-write step. Two requests moving the same node at once (possible now
   * that reads yield, and across processes) cannot both win: the later one is told to read again.
   */
  private async save(after: InfoNodeRecord, before: InfoNodeRecord): Promise<void> {
    if (!(await this.deps.repo.update(after, before))) {
      throw new GatecastError('CONFLICT', `${before.id} was changed meanwhile; read it again and retry`);
    }
  }

  /** Rebuilds the bundles a change of this scope reaches and recomposes those gates' screens. */
  private async changed(gateId: string | null): Promise<void> {
    const gateIds = gateId === null ? (await this.deps.gates.list()).map((gate) => gate.id) : [gateId];
    for (const id of gateIds) await this.bundles.rebuild(id);
    const deviceIds = (await this.deps.devices.list())
      .filter((device) => gateIds.includes(device.gateId))
      .map((device) => device.id);
    await this.deps.refresh(deviceIds);
    for (const listener of this.listeners) {
      try {
        listener(gateIds);
      } catch (error) {
        this.log.error({ err: (error as Error).message }, 'information change listener failed');
      }
    }
  }

  private async languagesOf(gateId: string | null): Promise<string[]> {
    if (gateId !== null) return (await this.deps.gates.get(gateId))?.languages ?? [...DEFAULT_LANGUAGES];
    const all = new Set((await this.deps.gates.list()).flatMap((gate) => gate.languages));
    return all.size > 0 ? [...all] : [...DEFAULT_LANGUAGES];
  }

  private async nextOrder(gateId: string | null, parentId: string | null): Promise<number> {
    const siblings = (await this.deps.repo.all()).filter(
      (node) => node.parentId === parentId && (parentId !== null || node.gateId === gateId),
    );
    return siblings.reduce((max, node) => Math.max(max, node.order), 0) + 10;
  }

  /**
   * A parent must be a category of the same gate or a fleet-wide one (fleet-wide nodes sit only
   * under fleet-wide categories, since every gate shows them), and not the node or one below it.
   */
  private async checkParent(id: string, gateId: string | null, parentId: string | null): Promise<void> {
    if (parentId === null) return;
    const parent = await this.deps.repo.get(parentId);
    if (!parent) throw new GatecastError('NOT_FOUND', `no information node ${parentId}`);
    if (parent.kind !== 'category') {
      throw new GatecastError('BAD_REQUEST', `${parentId} is a page; only a category holds other nodes`);
    }
    if (parent.gateId !== null && parent.gateId !== gateId) {
      const owner = gateId === null ? 'a fleet-wide node' : `a node of gate ${gateId}`;
      throw new GatecastError(
        'BAD_REQUEST',
        `${owner} cannot sit under ${parentId}, which belongs to gate ${parent.gateId}`,
      );
    }
    for (
      let at: InfoNodeRecord | undefined = parent;
      at;
      at = at.parentId ? await this.deps.repo.get(at.parentId) : undefined
    ) {
      if (at.id === id)
        throw new GatecastError(
          'BAD_REQUEST',
          `${parentId} is ${id} or below it; a node cannot sit under itself`,
        );
    }
  }

  /** Parses the texts and blocks; every text must draw on the screens, every picture exist. */
  private async checkSpec(id: string, raw: unknown): Promise<InfoNodeSpec> {
    const parsed = infoNodeSpecSchema.safeParse(raw);
    if (!parsed.success)
      throw new GatecastError('BAD_REQUEST', `invalid node ${id}: ${describeZodError(parsed.error)}`);
    const spec = parsed.data;
    for (const { where, text } of textsOf(spec)) assertGlyphsCovered(text, `the ${where} of ${id}`);
    for (const block of spec.blocks) {
      if (block.type !== 'image') continue;
      const media = await this.deps.media.get(block.sha256);
      if (!media)
        throw new GatecastError('CONTENT_REFUSED', `no picture ${block.sha256} in the media library`);
      if (media.kind !== 'image') {
        throw new GatecastError(
          'CONTENT_REFUSED',
          `media ${block.sha256} (${media.name}) is a ${media.kind}, not a picture`,
        );
      }
    }
    return spec;
  }
}
