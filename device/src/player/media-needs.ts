import type { ContentItem, DesiredDocument } from '@gatecast/protocol';
import type { MediaRef } from '../media/media-types.js';
import { evaluateSchedule, type ClockState } from '@gatecast/protocol/schedule';

/** Prefetch horizon: whatever plays in the next day is downloaded and never evicted. */
export const PREFETCH_MS = 24 * 3_600_000;
const MAX_STEPS = 500;

/**
 * Pure: the files the screen needs now and until `horizonMs` from now, following the schedule's
 * changes; the default loop is always included (it plays whenever the clock cannot be trusted).
 */
export function mediaNeeded(
  desired: DesiredDocument,
  clock: ClockState,
  horizonMs = PREFETCH_MS,
): MediaRef[] {
  const items: ContentItem[] = [desired.content.defaultItem, ...desired.content.defaultLoop];
  const end = clock.now.getTime() + horizonMs;
  let at = clock.now;
  for (let step = 0; step < MAX_STEPS; step++) {
    const plan = evaluateSchedule(desired, { now: at, trusted: clock.trusted });
    for (const zone of Object.values(plan.zones)) items.push(...zone.items);
    if (plan.nextChangeAt === null || plan.nextChangeAt.getTime() > end) break;
    at = plan.nextChangeAt;
  }
  return [...refsOf(items), ...infoTreeRefs(desired)];
}

/**
 * The gate's information bundle and every picture it names: a kiosk or counter screen shows any
 * page at any time, offline, so all of it is needed now, never evicted while it is published.
 */
export function infoTreeRefs(desired: DesiredDocument): MediaRef[] {
  const tree = desired.content.infoTree;
  if (!tree) return [];
  const refs = new Map<string, MediaRef>([
    [tree.sha256, { sha256: tree.sha256, url: tree.url, sizeBytes: tree.sizeBytes }],
  ]);
  for (const image of tree.media) if (!refs.has(image.sha256)) refs.set(image.sha256, { ...image });
  return [...refs.values()];
}

/** The html packages among the items, by sha256: they are unpacked before they can play. */
export function packagesOf(desired: DesiredDocument): Array<Extract<ContentItem, { kind: 'html-package' }>> {
  const all = [desired.content.defaultItem, ...desired.content.defaultLoop];
  for (const entry of desired.content.schedule) all.push(...entry.items);
  return all.filter(
    (item): item is Extract<ContentItem, { kind: 'html-package' }> => item.kind === 'html-package',
  );
}

function refsOf(items: readonly ContentItem[]): MediaRef[] {
  const refs = new Map<string, MediaRef>();
  for (const item of items) {
    if (item.kind === 'image' || item.kind === 'video' || item.kind === 'html-package') {
      if (!refs.has(item.sha256))
        refs.set(item.sha256, { sha256: item.sha256, url: item.url, sizeBytes: item.sizeBytes });
    }
  }
  return [...refs.values()];
}
