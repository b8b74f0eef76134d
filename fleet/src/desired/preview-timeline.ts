import type { ContentItem, DesiredDocument, Layer, Layout, Zone } from '@gatecast/protocol';
import { evaluateSchedule, type ZonePlan } from '@gatecast/protocol/schedule';

/** One item on one zone for a stretch of time. */
export interface PreviewSegment {
  zone: Zone;
  from: string;
  to: string;
  itemId: string;
  kind: ContentItem['kind'];
  /** The item's name for people: its title or text in the first language, else its id. */
  label: string;
  layer: Layer | null;
  /** The schedule entry (schedule id, `ann-…` for an announcement); null for the default loop. */
  entryId: string | null;
  source: ZonePlan['source'];
}

export interface PreviewTimeline {
  deviceId: string;
  version: number;
  from: string;
  to: string;
  timeZone: string;
  segments: PreviewSegment[];
  /** True when the item list was cut at MAX_SEGMENTS. */
  truncated: boolean;
}

/** The preview API's answer: the timeline and the screen's layout (the dashboard and the CLI read this type). */
export interface DevicePreview extends PreviewTimeline {
  layout: Layout;
}

export const MAX_PREVIEW_HOURS = 7 * 24;
const MAX_SEGMENTS = 5_000;
/** A video has no duration in the protocol; the library's probe tells, else this guess. */
const UNKNOWN_VIDEO_SEC = 30;

/**
 * What a screen shows from `at` for `hours`, zone by zone, with a trusted clock: the plan from
 * evaluateSchedule (the same code the screen runs) at each instant it changes, and within each
 * plan the items in playing order by their durations. Items are expanded from the start of each
 * plan, as the player restarts a loop when its entry changes.
 */
export function previewTimeline(
  document: DesiredDocument,
  at: Date,
  hours: number,
  durationOf: (item: ContentItem) => number | null = () => null,
): PreviewTimeline {
  const endMs = at.getTime() + hours * 3_600_000;
  const segments: PreviewSegment[] = [];
  let truncated = false;
  let cursor = at.getTime();
  while (cursor < endMs && !truncated) {
    const plan = evaluateSchedule(document, { now: new Date(cursor), trusted: true });
    const until = Math.min(plan.nextChangeAt?.getTime() ?? endMs, endMs);
    // A change instant that is not after now would loop forever; step at least a second.
    const stop = until > cursor ? until : cursor + 1_000;
    for (const [zone, zonePlan] of Object.entries(plan.zones) as Array<[Zone, ZonePlan]>) {
      truncated = expand(zone, zonePlan, cursor, stop, document, durationOf, segments) || truncated;
    }
    cursor = stop;
  }
  segments.sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : a.from < b.from ? -1 : 1));
  return {
    deviceId: document.deviceId,
    version: document.version,
    from: at.toISOString(),
    to: new Date(endMs).toISOString(),
    timeZone: document.display.timeZone,
    segments,
    truncated,
  };
}

/** Adds the plan's items in turn over [from, to); returns true when the bound was hit. */
function expand(
  zone: Zone,
  plan: ZonePlan,
  from: number,
  to: number,
  document: DesiredDocument,
  durationOf: (item: ContentItem) => number | null,
  segments: PreviewSegment[],
): boolean {
  if (plan.items.length === 0) return false;
  let t = from;
  for (let index = 0; t < to; index = (index + 1) % plan.items.length) {
    if (segments.length >= MAX_SEGMENTS) return true;
    const item = plan.items[index] as ContentItem;
    const end = Math.min(to, t + secondsOf(item, durationOf) * 1_000);
    segments.push({
      zone,
      from: new Date(t).toISOString(),
      to: new Date(end).toISOString(),
      itemId: item.id,
      kind: item.kind,
      label: labelOf(item, document.display.languages[0] ?? 'vi'),
      layer: plan.layer,
      entryId: plan.entryId,
      source: plan.source,
    });
    t = end;
  }
  return false;
}

function secondsOf(item: ContentItem, durationOf: (item: ContentItem) => number | null): number {
  const known = durationOf(item);
  if (known !== null && known > 0) return known;
  return 'durationSec' in item ? item.durationSec : UNKNOWN_VIDEO_SEC;
}

function labelOf(item: ContentItem, language: string): string {
  if (item.kind !== 'text') return item.id;
  const texts = item.title ?? item.body;
  const text = texts[language] ?? Object.values(texts)[0] ?? item.id;
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
