import type { PagePlan } from '../player/page-plan.js';
import type { PageReport } from '../player/page-report.js';
import type { AnnouncementShown } from './announcement-receipts.js';

/**
 * Pure: the announcement a page report says just became visible, or null. Only a `start` in the
 * announcement layer counts, and only for an item of the announcement entry in the current plan:
 * the page's word alone (it runs third-party content) never names an entry.
 */
export function shownFromReport(report: PageReport, plan: PagePlan | null): AnnouncementShown | null {
  if (report.type !== 'start' || !report.announcement || !plan) return null;
  const zone = plan.zones.find(
    (candidate) =>
      candidate.layer === 'announcement' && candidate.items.some((item) => item.id === report.itemId),
  );
  if (!zone?.entryId) return null;
  return {
    entryId: zone.entryId,
    itemId: report.itemId,
    language: report.language,
    shownAt: report.startedAt,
  };
}
