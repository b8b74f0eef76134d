import { createHash } from 'node:crypto';
import type { ContentItem, DesiredDocument, Layer, Layout, Zone } from '@gatecast/protocol';
import type { SchedulePlan } from '@gatecast/protocol/schedule';
import type { KioskPlan } from '../kiosk/kiosk-plan.js';

/** One item as the page plays it: media point at the local server, never at the network. */
export interface PageItem {
  id: string;
  kind: ContentItem['kind'];
  /** How long it shows; null for a video, which plays to its end. */
  durationMs: number | null;
  src?: string;
  title?: Record<string, string>;
  body?: Record<string, string>;
}

export interface PageZone {
  zone: Zone;
  layer: Layer | null;
  entryId: string | null;
  items: PageItem[];
}

/** What the page needs to show; `id` changes exactly when anything else does. */
export interface PagePlan {
  id: string;
  version: number;
  layout: Layout;
  languages: string[];
  rotationSec: number;
  zones: PageZone[];
  /** The gate's traveller page; the page draws its QR code in the language shown (qr.js). */
  travellerUrl?: string;
  /** Lookup and counter screens: the information bundle and what is shown over the schedule. */
  kiosk?: KioskPlan;
}

/** Which local files exist: a media item whose file is not verified yet is skipped, not shown broken. */
export interface Availability {
  media(sha256: string): boolean;
  /** The html package is unpacked and servable. */
  htmlPackage(sha256: string): boolean;
  /** The web page's origin is on the allow-list; others are skipped, never shown as an error page. */
  web(url: string): boolean;
}

/** Shown only when nothing playable is left: better the screen's name than black. */
export const PLACEHOLDER_ID = 'gatecast-placeholder';

/** Pure: the page's plan for a schedule evaluation. Main always gets something to play. */
export function buildPagePlan(
  desired: DesiredDocument,
  plan: SchedulePlan,
  available: Availability,
  kiosk?: KioskPlan,
): PagePlan {
  const zones: PageZone[] = [];
  for (const [zone, zonePlan] of Object.entries(plan.zones) as Array<
    [Zone, NonNullable<SchedulePlan['zones']['main']>]
  >) {
    let items = playable(zonePlan.items, available, zone);
    if (items.length === 0 && zone === 'main') items = mainFallback(desired, available);
    if (items.length > 0) zones.push({ zone, layer: zonePlan.layer, entryId: zonePlan.entryId, items });
  }
  if (!zones.some((zone) => zone.zone === 'main')) {
    zones.unshift({ zone: 'main', layer: null, entryId: null, items: mainFallback(desired, available) });
  }
  const body = {
    version: desired.version,
    layout: desired.content.layout,
    languages: desired.display.languages,
    rotationSec: desired.display.languageRotationSec,
    zones,
    ...(desired.display.travellerUrl ? { travellerUrl: desired.display.travellerUrl } : {}),
    ...(kiosk ? { kiosk } : {}),
  };
  const id = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return { id, ...body };
}

function mainFallback(desired: DesiredDocument, available: Availability): PageItem[] {
  const items = playable([desired.content.defaultItem, ...desired.content.defaultLoop], available, 'main');
  if (items.length > 0) return items;
  const name = desired.device.name;
  return [{ id: PLACEHOLDER_ID, kind: 'text', durationMs: 60_000, body: { [desired.display.locale]: name } }];
}

/** The ticker scrolls text; other zones take every kind whose files are here. */
function playable(items: readonly ContentItem[], available: Availability, zone: Zone): PageItem[] {
  const result: PageItem[] = [];
  for (const item of items) {
    if (zone === 'ticker' && item.kind !== 'text') continue;
    const pageItem = toPageItem(item, available);
    if (pageItem) result.push(pageItem);
  }
  return result;
}

function toPageItem(item: ContentItem, available: Availability): PageItem | null {
  switch (item.kind) {
    case 'text':
      return {
        id: item.id,
        kind: 'text',
        durationMs: item.durationSec * 1000,
        body: item.body,
        ...titleOf(item),
      };
    case 'image':
      if (!available.media(item.sha256)) return null;
      return {
        id: item.id,
        kind: 'image',
        durationMs: item.durationSec * 1000,
        src: `/media/${item.sha256}`,
      };
    case 'video':
      if (!available.media(item.sha256)) return null;
      return { id: item.id, kind: 'video', durationMs: null, src: `/media/${item.sha256}` };
    case 'web':
      if (!available.web(item.url)) return null;
      return { id: item.id, kind: 'web', durationMs: item.durationSec * 1000, src: item.url };
    case 'html-package':
      if (!available.htmlPackage(item.sha256)) return null;
      return {
        id: item.id,
        kind: 'html-package',
        durationMs: item.durationSec * 1000,
        src: `/packages/${item.sha256}/${encodeEntry(item.entry)}`,
      };
  }
}

function titleOf(item: Extract<ContentItem, { kind: 'text' }>): { title?: Record<string, string> } {
  return item.title ? { title: item.title } : {};
}

function encodeEntry(entry: string): string {
  return entry.split('/').map(encodeURIComponent).join('/');
}
