import type { Problem, Zone } from '@gatecast/protocol';
import type { EventBody } from '../lib/device-event.js';
import type { CacheStatus } from '../media/media-types.js';
import { PLACEHOLDER_ID } from './page-plan.js';
import type { PageReport } from './page-report.js';
import type { ScreenState } from './screen-state.js';

export interface ReportOutcome {
  /** The proof-of-play event to emit, for an item that ended. */
  proof: EventBody | null;
  /** Main moved to its next item with no announcement showing: a browser recycle would go unseen. */
  quiet: boolean;
  /** The screen state changed. */
  changed: boolean;
}

/** What the page reported, folded into the state the agent reports: pure bookkeeping, no I/O. */
export class PlayTracker {
  private launchProblem: Problem | null = null;
  private readonly itemProblems = new Map<string, Problem>();
  private playing = false;
  private mainItem: string | null = null;
  private announcementItem: string | null = null;
  private readonly zoneItems = new Map<Zone, string>();

  state(cache: CacheStatus | null): ScreenState {
    const errors = [...(this.launchProblem ? [this.launchProblem] : []), ...this.itemProblems.values()];
    for (const failure of cache?.failed ?? []) {
      const message = `media ${failure.sha256.slice(0, 12)}: ${failure.message}`;
      errors.push({ code: failure.code, message });
    }
    const currentItemId = this.announcementItem ?? this.mainItem;
    const zones = Object.fromEntries([...this.zoneItems].map(([zone, itemId]) => [zone, { itemId }]));
    const cacheSummary = cache && { ready: cache.ready, missing: cache.missing.length, bytes: cache.bytes };
    return { playing: this.playing, currentItemId, zones, cache: cacheSummary, errors: errors.slice(0, 10) };
  }

  browserDown(cause: string, detail: string): void {
    this.playing = false;
    this.announcementItem = null;
    this.zoneItems.clear();
    if (cause === 'launch-failed') {
      this.launchProblem = {
        code: 'PLAYER_UNAVAILABLE',
        message: `Chromium cannot start: ${detail}`.slice(0, 500),
      };
    }
  }

  onReport(report: PageReport): ReportOutcome {
    const none: ReportOutcome = { proof: null, quiet: false, changed: false };
    if (report.type === 'plan') return none;
    if (report.type === 'error') {
      if (report.itemId === null) return none;
      const message = `item ${report.itemId}: ${report.message}`;
      this.itemProblems.set(report.itemId, { code: 'ITEM_FAILED', message });
      return { ...none, changed: true };
    }
    if (report.type === 'start') return this.started(report);
    // The kiosk's own reports (views, searches, cover) are the agent's to count, not plays.
    if (report.type !== 'end') return none;
    if (report.announcement && this.announcementItem === report.itemId) this.announcementItem = null;
    if (report.itemId === PLACEHOLDER_ID) return none;
    const { itemId, zone, language, startedAt, durationMs } = report;
    return { ...none, proof: { kind: 'proof-of-play', itemId, zone, language, startedAt, durationMs } };
  }

  private started(report: Extract<PageReport, { type: 'start' }>): ReportOutcome {
    this.itemProblems.delete(report.itemId);
    this.launchProblem = null;
    this.zoneItems.set(report.zone, report.itemId);
    if (report.announcement) this.announcementItem = report.itemId;
    else if (report.zone === 'main') this.mainItem = report.itemId;
    if (report.announcement || report.zone === 'main') this.playing = true;
    const quiet = report.zone === 'main' && !report.announcement && this.announcementItem === null;
    return { proof: null, quiet, changed: true };
  }
}
