import type { Zone } from '@gatecast/protocol';
import type { PagePlan } from '../player/page-plan.js';
import type { ScreenState } from '../player/screen-state.js';

/** Zones the page shows for each layout; main is always there. */
const VISIBLE: Record<PagePlan['layout']['kind'], readonly Zone[]> = {
  full: ['main'],
  'main-ticker': ['main', 'ticker'],
  'main-side-ticker': ['main', 'side', 'ticker'],
};

/**
 * Pure: whether the picture should move now: a video plays in a visible zone, or a ticker scrolls.
 * An announcement covers everything, so then only an announcement video counts.
 */
export function motionExpected(
  plan: PagePlan | null,
  screen: Pick<ScreenState, 'currentItemId' | 'zones'>,
): boolean {
  if (!plan) return false;
  const kindOf = (zone: Zone, itemId: string | undefined): string | undefined =>
    plan.zones.find((entry) => entry.zone === zone)?.items.find((item) => item.id === itemId)?.kind;
  const announcement = plan.zones.find((entry) => entry.layer === 'announcement');
  if (announcement) {
    const item = announcement.items.find((candidate) => candidate.id === screen.currentItemId);
    return item?.kind === 'video';
  }
  return VISIBLE[plan.layout.kind].some((zone) => {
    const itemId = screen.zones[zone]?.itemId;
    if (itemId === undefined) return false;
    return zone === 'ticker' || kindOf(zone, itemId) === 'video';
  });
}
