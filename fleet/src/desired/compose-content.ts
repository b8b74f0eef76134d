import { LAYERS, type ContentItem, type Layout, type ScheduleEntry } from '@gatecast/protocol';
import { isLive } from '../approval/approval-workflow.js';
import type {
  ContentItemWork,
  LayoutSetting,
  PlaylistWork,
  ScheduleWork,
  Targets,
} from '../content/content-specs.js';
import type { DeviceRecord } from '../devices/devices-repo.js';
import type { MediaCatalog } from '../library/media-catalog.js';

/** Everything the content domain holds, as the composer reads it (live or not: it decides). */
export interface ContentSnapshot {
  items: ReadonlyMap<string, ContentItemWork>;
  playlists: ReadonlyMap<string, PlaylistWork>;
  schedules: readonly ScheduleWork[];
  layouts: readonly LayoutSetting[];
}

export const EMPTY_CONTENT: ContentSnapshot = {
  items: new Map(),
  playlists: new Map(),
  schedules: [],
  layouts: [],
};

export interface ContentContext {
  device: DeviceRecord;
  content: ContentSnapshot;
  /** Media files by sha256; an item whose file is gone is left out. */
  media: MediaCatalog;
  /** The fleet's HTTP address as screens reach it; null leaves media out (screens could not fetch it). */
  mediaBaseUrl: string | null;
  /** The device's gate allow-list for web items. */
  allowWeb: (url: string) => boolean;
}

/**
 * The schedule entries a screen gets from published work. Only published work whose every part
 * is published reaches it: a schedule needs its playlist published, and an item that is not
 * published (or whose media is gone, or whose URL its gate does not allow) is left out of the
 * playlist; an entry with no items left is dropped. Several time windows give one entry each.
 *
 * Order decides ties in the screen's evaluator (first listed wins among equal layers), so the
 * entries are sorted: higher layer first, then the more specific target (device, then zone or
 * tag, then gate, then fleet-wide), then id.
 */
export function scheduleEntriesFor(context: ContentContext): ScheduleEntry[] {
  const { device, content } = context;
  const matching = content.schedules
    .filter((schedule) => isLive(schedule) && specificity(schedule, device) > 0)
    .sort(
      (a, b) =>
        LAYERS.indexOf(a.spec.layer) - LAYERS.indexOf(b.spec.layer) ||
        specificity(b, device) - specificity(a, device) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  const entries: ScheduleEntry[] = [];
  for (const schedule of matching) {
    const playlist = content.playlists.get(schedule.spec.playlistId);
    if (!playlist || !isLive(playlist)) continue;
    const items = playlistItems(playlist, context);
    if (items.length === 0) continue;
    entries.push(...entriesOf(schedule, items));
  }
  return entries;
}

/**
 * How closely a schedule targets a device: 0 not at all, 4 by device id, 3 by zone or tag,
 * 2 by gate, 1 as work for all screens of its scope (no targets). A gate-owned schedule never
 * reaches a screen of another gate, whatever its targets say.
 */
export function specificity(schedule: ScheduleWork, device: DeviceRecord): number {
  if (schedule.gateId !== null && schedule.gateId !== device.gateId) return 0;
  const targets: Targets = schedule.spec.targets;
  if (targets.devices.includes(device.id)) return 4;
  if (targets.zones.some((zone) => zone.gateId === device.gateId && zone.zoneId === device.zoneId)) return 3;
  if (targets.tags.some((tag) => device.tags.includes(tag))) return 3;
  if (targets.gates.includes(device.gateId)) return 2;
  const untargeted =
    targets.devices.length + targets.zones.length + targets.tags.length + targets.gates.length === 0;
  return untargeted ? 1 : 0;
}

/** The layout for the device: its own, else its zone's, else its gate's, else none (full screen). */
export function layoutFor(device: DeviceRecord, layouts: readonly LayoutSetting[]): Layout | undefined {
  const atGate = layouts.filter((setting) => setting.gateId === device.gateId);
  const own = atGate.find((setting) => setting.deviceId === device.id);
  const zone = atGate.find((setting) => setting.deviceId === null && setting.zoneId === device.zoneId);
  const gate = atGate.find((setting) => setting.deviceId === null && setting.zoneId === null);
  return (own ?? zone ?? gate)?.layout;
}

function playlistItems(playlist: PlaylistWork, context: ContentContext): ContentItem[] {
  const items: ContentItem[] = [];
  for (const entry of playlist.spec.entries) {
    const work = context.content.items.get(entry.itemId);
    if (!work || !isLive(work)) continue;
    const item = toProtocolItem(work, entry.durationSec, context);
    if (item) items.push(item);
  }
  return items;
}

/** The protocol item for a published content item; null when a screen could not show it. */
export function toProtocolItem(
  work: ContentItemWork,
  durationOverride: number | undefined,
  context: Pick<ContentContext, 'media' | 'mediaBaseUrl' | 'allowWeb'>,
): ContentItem | null {
  const spec = work.spec;
  const duration = durationOverride ?? ('durationSec' in spec ? spec.durationSec : undefined);
  switch (spec.kind) {
    case 'text':
      return {
        kind: 'text',
        id: work.id,
        ...(spec.title ? { title: { ...spec.title } } : {}),
        body: { ...spec.body },
        durationSec: duration ?? 15,
      };
    case 'web':
      if (!context.allowWeb(spec.url)) return null;
      return { kind: 'web', id: work.id, url: spec.url, durationSec: duration ?? 30 };
    case 'image':
    case 'video':
    case 'html-package': {
      const media = context.media.get(spec.sha256);
      if (!media || media.kind !== spec.kind || context.mediaBaseUrl === null) return null;
      const ref = {
        id: work.id,
        url: `${context.mediaBaseUrl.replace(/\/+$/, '')}/api/v1/device/media/${spec.sha256}`,
        sha256: spec.sha256,
        sizeBytes: media.sizeBytes,
      };
      if (spec.kind === 'video') return { kind: 'video', ...ref };
      if (spec.kind === 'image') return { kind: 'image', ...ref, durationSec: duration ?? 10 };
      return {
        kind: 'html-package',
        ...ref,
        entry: spec.entry ?? 'index.html',
        durationSec: duration ?? 30,
      };
    }
  }
}

/** One entry per time window (none: the whole day), named after the schedule. */
function entriesOf(schedule: ScheduleWork, items: ContentItem[]): ScheduleEntry[] {
  const { spec } = schedule;
  const common = {
    layer: spec.layer,
    zone: spec.zone,
    items,
    ...(spec.dateFrom ? { dateFrom: spec.dateFrom } : {}),
    ...(spec.dateTo ? { dateTo: spec.dateTo } : {}),
    ...(spec.weekdays ? { weekdays: [...spec.weekdays].sort((a, b) => a - b) } : {}),
  };
  if (spec.windows.length === 0) return [{ id: schedule.id, ...common }];
  return spec.windows.map((window, index) => ({
    id: spec.windows.length === 1 ? schedule.id : `${schedule.id}.w${index + 1}`,
    ...common,
    timeFrom: window.from,
    timeTo: window.to,
  }));
}
