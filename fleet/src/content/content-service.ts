import { GatecastError, describeZodError, type Layout } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { transition, type ApprovalAction } from '../approval/approval-workflow.js';
import type { DevicesRepo } from '../devices/devices-repo.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import { assertGlyphsCovered } from '../library/glyph-coverage.js';
import type { MediaReader } from '../library/media-catalog.js';
import { isUrlAllowed } from '../library/url-allow-list.js';
import type { ContentRepo } from './content-repo.js';
import {
  SPEC_SCHEMAS,
  type ItemSpec,
  type LayoutSetting,
  type PlaylistSpec,
  type ScheduleSpec,
  type SpecOf,
  type Work,
  type WorkOf,
  type WorkType,
} from './content-specs.js';

export interface ContentServiceDeps {
  repo: ContentRepo;
  gates: Pick<GatesRepo, 'get' | 'list'>;
  devices: Pick<DevicesRepo, 'get' | 'list'>;
  /** The media library; without it media items are refused (nothing to check them against). */
  media?: Pick<MediaReader, 'get'>;
  /** A gate's web allow-list; without it every web item is refused (deny by default). */
  webAllowList?: (gateId: string) => Promise<readonly string[]>;
  /** Composes and publishes the listed screens (DesiredService.refreshMany). */
  refresh: (deviceIds: string[]) => Promise<void>;
  log: Logger;
  now?: () => Date;
}

export interface WorkInput<T extends WorkType> {
  gateId: string | null;
  name: string;
  spec: unknown;
  /** Optional own id (lowercase slug); generated when left out. */
  id?: string | undefined;
  type: T;
}

/**
 * Items, playlists, schedules and layouts: checks what operators write (glyphs, media, web
 * allow-list, references, targets), moves work through the approval workflow, and recomposes
 * the screens a change can reach. Who may call what is decided by the routes (authorize).
 */
export class ContentService {
  private readonly deps: ContentServiceDeps;
  private readonly now: () => Date;

  constructor(deps: ContentServiceDeps) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
  }

  async get(id: string): Promise<Work> {
    const work = await this.deps.repo.get(id);
    if (!work) throw new GatecastError('NOT_FOUND', `no content ${id}`);
    return work;
  }

  async list<T extends WorkType>(type: T): Promise<WorkOf<T>[]> {
    return this.deps.repo.list(type);
  }

  async all(): Promise<Work[]> {
    return this.deps.repo.all();
  }

  /** The content items showing this library file, for people: `item i-1a2b "Port video" (draft r3)`. */
  async usedBy(sha256: string): Promise<string[]> {
    const works = [];
    for (const id of await this.deps.repo.usingMedia(sha256)) works.push(await this.deps.repo.get(id));
    return works
      .filter((work): work is Work => work !== undefined)
      .map((work) => `${work.type} ${work.id} "${work.name}" (${work.state} r${work.revision})`);
  }

  /** How long a library video plays, from its probe; null when unknown. */
  async mediaDuration(sha256: string): Promise<number | null> {
    return (await this.deps.media?.get(sha256))?.probe?.durationSec ?? null;
  }

  /** A new draft, revision 1, authored by the actor. */
  async create<T extends WorkType>(input: WorkInput<T>, actorId: string): Promise<WorkOf<T>> {
    if (input.gateId !== null && !(await this.deps.gates.get(input.gateId))) {
      throw new GatecastError('NOT_FOUND', `no gate ${input.gateId}`);
    }
    const spec = await this.check(input.type, input.gateId, input.spec, input.name);
    const at = this.now().toISOString();
    const work = {
      id: input.id ?? this.deps.repo.newId(input.type),
      type: input.type,
      gateId: input.gateId,
      name: input.name,
      spec,
      state: 'draft',
      revision: 1,
      authorId: actorId,
      reviewerId: null,
      reviewComment: null,
      createdAt: at,
      updatedAt: at,
    } as WorkOf<T>;
    return (await this.deps.repo.insert(work as Work)) as WorkOf<T>;
  }

  /**
   * A new draft revision with the changes: whatever state it was in, it leaves the screens
   * until it is approved and published again.
   */
  async edit(
    id: string,
    changes: { name?: string | undefined; spec?: unknown },
    actorId: string,
  ): Promise<Work> {
    const before = await this.get(id);
    const name = changes.name ?? before.name;
    const spec = changes.spec === undefined ? before.spec : changes.spec;
    const checked = await this.check(before.type, before.gateId, spec, name);
    const edited = transition(before, { action: 'edit', actorId });
    const after = { ...edited, name, spec: checked, updatedAt: this.now().toISOString() } as Work;
    await this.save(after, before);
    if (before.state === 'published') await this.recompose(before);
    return after;
  }

  /** submit, approve, reject, publish or unpublish (approval-workflow.ts says which is allowed). */
  async step(
    id: string,
    action: Exclude<ApprovalAction, 'edit'>,
    actorId: string,
    comment?: string,
  ): Promise<Work> {
    const before = await this.get(id);
    if (action === 'submit') await this.check(before.type, before.gateId, before.spec, before.name);
    const after = {
      ...transition(before, { action, actorId, comment }),
      updatedAt: this.now().toISOString(),
    };
    await this.save(after, before);
    if (action === 'publish' || action === 'unpublish') await this.recompose(after);
    return after;
  }

  /** Deletes work nothing else uses (CONFLICT naming the users otherwise). */
  async remove(id: string): Promise<Work> {
    const work = await this.get(id);
    const users = await this.usersOf(work);
    if (users.length > 0) {
      throw new GatecastError('CONFLICT', `${work.id} is used by ${users.join(', ')}; remove it there first`);
    }
    await this.deps.repo.remove(id);
    if (work.state === 'published') await this.recompose(work);
    return work;
  }

  async layouts(): Promise<LayoutSetting[]> {
    return this.deps.repo.layouts();
  }

  async setLayout(scope: LayoutScope, layout: Layout, actorId: string): Promise<LayoutSetting> {
    await this.checkScope(scope);
    const setting: LayoutSetting = {
      ...scope,
      layout,
      updatedBy: actorId,
      updatedAt: this.now().toISOString(),
    };
    await this.deps.repo.saveLayout(setting);
    await this.deps.refresh(await this.devicesAt(scope.gateId));
    return setting;
  }

  async removeLayout(scope: LayoutScope): Promise<boolean> {
    const removed = await this.deps.repo.removeLayout(scope);
    if (removed) await this.deps.refresh(await this.devicesAt(scope.gateId));
    return removed;
  }

  /**
   * The write of a read-check-write step. Two requests moving the same work at once (possible now
   * that reads yield, and across processes) cannot both win: the later one is told to read again.
   */
  private async save(after: Work, before: Work): Promise<void> {
    if (!(await this.deps.repo.update(after, before))) {
      throw new GatecastError('CONFLICT', `${before.id} was changed meanwhile; read it again and retry`);
    }
  }

  /** The screens a change to this work may reach: its gate's, or every screen for fleet-wide work. */
  private async recompose(work: Work): Promise<void> {
    await this.deps.refresh(await this.devicesAt(work.gateId));
  }

  private async devicesAt(gateId: string | null): Promise<string[]> {
    return (await this.deps.devices.list())
      .filter((device) => gateId === null || device.gateId === gateId)
      .map((device) => device.id);
  }

  /** What refers to this work: playlists naming an item, schedules naming a playlist. */
  private async usersOf(work: Work): Promise<string[]> {
    if (work.type === 'item') {
      return (await this.deps.repo.list('playlist'))
        .filter((playlist) => playlist.spec.entries.some((entry) => entry.itemId === work.id))
        .map((playlist) => playlist.id);
    }
    if (work.type === 'playlist') {
      return (await this.deps.repo.list('schedule'))
        .filter((schedule) => schedule.spec.playlistId === work.id)
        .map((schedule) => schedule.id);
    }
    return [];
  }

  /** Parses the spec and checks it against the rest of the fleet; throws the reason it is refused. */
  private async check<T extends WorkType>(
    type: T,
    gateId: string | null,
    raw: unknown,
    name: string,
  ): Promise<SpecOf[T]> {
    if (name.trim() === '') throw new GatecastError('BAD_REQUEST', 'a name is required');
    const parsed = (SPEC_SCHEMAS[type] as unknown as z.ZodType<SpecOf[T]>).safeParse(raw);
    if (!parsed.success) {
      throw new GatecastError('BAD_REQUEST', `invalid ${type}: ${describeZodError(parsed.error)}`);
    }
    const spec = parsed.data;
    if (type === 'item') await this.checkItem(spec as ItemSpec, gateId, name);
    if (type === 'playlist') await this.checkPlaylist(spec as PlaylistSpec, gateId);
    if (type === 'schedule') await this.checkSchedule(spec as ScheduleSpec, gateId);
    return spec;
  }

  private async checkItem(spec: ItemSpec, gateId: string | null, name: string): Promise<void> {
    switch (spec.kind) {
      case 'text':
        if (spec.title) assertGlyphsCovered(spec.title, `the title of "${name}"`);
        assertGlyphsCovered(spec.body, `the text of "${name}"`);
        return;
      case 'web':
        await this.checkWeb(spec.url, gateId === null ? await this.allGateIds() : [gateId], name);
        return;
      default: {
        const media = await this.deps.media?.get(spec.sha256);
        if (!media) {
          throw new GatecastError('CONTENT_REFUSED', `no ${spec.kind} ${spec.sha256} in the media library`);
        }
        if (media.kind !== spec.kind) {
          throw new GatecastError(
            'CONTENT_REFUSED',
            `media ${spec.sha256} (${media.name}) is a ${media.kind}, not a ${spec.kind}`,
          );
        }
      }
    }
  }

  /** A web page must be on the allow-list of every gate whose screens may show it. */
  private async checkWeb(url: string, gateIds: readonly string[], what: string): Promise<void> {
    for (const gateId of gateIds) {
      const allowList = (await this.deps.webAllowList?.(gateId)) ?? [];
      if (!isUrlAllowed(url, allowList)) {
        throw new GatecastError(
          'CONTENT_REFUSED',
          `${url} (${what}) is not on the web allow-list of gate ${gateId}; an administrator adds it with "gatecast gates web-allow ${gateId} --add <origin>"`,
        );
      }
    }
  }

  private async checkPlaylist(spec: PlaylistSpec, gateId: string | null): Promise<void> {
    for (const entry of spec.entries) {
      const item = await this.deps.repo.get(entry.itemId);
      if (!item || item.type !== 'item')
        throw new GatecastError('NOT_FOUND', `no content item ${entry.itemId}`);
      this.checkReach(item, gateId);
    }
  }

  private async checkSchedule(spec: ScheduleSpec, gateId: string | null): Promise<void> {
    const playlist = await this.deps.repo.get(spec.playlistId);
    if (!playlist || playlist.type !== 'playlist') {
      throw new GatecastError('NOT_FOUND', `no playlist ${spec.playlistId}`);
    }
    this.checkReach(playlist, gateId);
    const targetGates = await this.checkTargets(spec, gateId);
    // Web items must be allowed at every gate the schedule reaches, not only at their owner's.
    for (const entry of playlist.spec.entries) {
      const item = await this.deps.repo.get(entry.itemId);
      if (item?.type === 'item' && item.spec.kind === 'web')
        await this.checkWeb(item.spec.url, targetGates, item.name);
    }
  }

  /** Targets must exist and lie within the owner gate; returns the gates the schedule reaches. */
  private async checkTargets(spec: ScheduleSpec, gateId: string | null): Promise<string[]> {
    const { targets } = spec;
    const outside = (target: string, at: string) => {
      if (gateId !== null && at !== gateId) {
        throw new GatecastError(
          'BAD_REQUEST',
          `${target} is not at gate ${gateId}, which owns this schedule`,
        );
      }
    };
    const reached = new Set<string>();
    for (const id of targets.gates) {
      if (!(await this.deps.gates.get(id))) throw new GatecastError('NOT_FOUND', `no gate ${id}`);
      outside(`gate ${id}`, id);
      reached.add(id);
    }
    for (const { gateId: at, zoneId } of targets.zones) {
      const gate = await this.deps.gates.get(at);
      if (!gate?.zones.some((zone) => zone.id === zoneId)) {
        throw new GatecastError('NOT_FOUND', `no zone ${zoneId} at gate ${at}`);
      }
      outside(`zone ${at}/${zoneId}`, at);
      reached.add(at);
    }
    for (const id of targets.devices) {
      const device = await this.deps.devices.get(id);
      if (!device) throw new GatecastError('NOT_FOUND', `no device ${id}`);
      outside(`device ${id}`, device.gateId);
      reached.add(device.gateId);
    }
    const untargeted = reached.size === 0;
    // Tags (and no targets at all) reach every gate of the scope.
    if (targets.tags.length > 0 || untargeted) {
      for (const id of gateId === null ? await this.allGateIds() : [gateId]) reached.add(id);
    }
    return [...reached].sort();
  }

  /** Gate work may use its own gate's and fleet-wide parts; fleet-wide work only fleet-wide parts. */
  private checkReach(part: Work, gateId: string | null): void {
    if (part.gateId !== null && part.gateId !== gateId) {
      const owner = gateId === null ? 'fleet-wide work' : `work of gate ${gateId}`;
      throw new GatecastError(
        'BAD_REQUEST',
        `${owner} cannot use ${part.id}, which belongs to gate ${part.gateId}`,
      );
    }
  }

  private async checkScope(scope: LayoutScope): Promise<void> {
    const gate = await this.deps.gates.get(scope.gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `no gate ${scope.gateId}`);
    if (scope.zoneId !== null && !gate.zones.some((zone) => zone.id === scope.zoneId)) {
      throw new GatecastError('NOT_FOUND', `no zone ${scope.zoneId} at gate ${scope.gateId}`);
    }
    if (scope.deviceId !== null) {
      const device = await this.deps.devices.get(scope.deviceId);
      if (!device || device.gateId !== scope.gateId) {
        throw new GatecastError('NOT_FOUND', `no device ${scope.deviceId} at gate ${scope.gateId}`);
      }
    }
  }

  private async allGateIds(): Promise<string[]> {
    return (await this.deps.gates.list()).map((gate) => gate.id);
  }
}

export type LayoutScope = Pick<LayoutSetting, 'gateId' | 'zoneId' | 'deviceId'>;
