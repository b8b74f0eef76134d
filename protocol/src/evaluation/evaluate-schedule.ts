import {
  LAYERS,
  type ContentItem,
  type DesiredDocument,
  type Layer,
  type Layout,
  type ScheduleEntry,
  type Zone,
} from '../index.js';
import { activeIntervals, type Interval } from './entry-windows.js';
import { createLocalCalendar, DAY_MS } from './local-calendar.js';

export interface ClockState {
  now: Date;
  trusted: boolean;
}

export interface ZonePlan {
  source: 'schedule' | 'default';
  entryId: string | null;
  layer: Layer | null;
  items: ContentItem[];
}

export interface SchedulePlan {
  zones: Partial<Record<Zone, ZonePlan>>;
  /** When the plan may next change; null when nothing changes within the look-ahead. */
  nextChangeAt: Date | null;
}

/** Far enough for a screen cut off from the fleet over a long weekend; bounds the work per entry. */
export const LOOKAHEAD_MS = 8 * DAY_MS;

const LAYOUT_ZONES: Record<Layout['kind'], readonly Zone[]> = {
  full: ['main'],
  'main-ticker': ['main', 'ticker'],
  'main-side-ticker': ['main', 'side', 'ticker'],
};

/**
 * What each zone of the screen shows at `clock.now`, and when that may next change. Pure: the
 * same document and instant always give the same plan. Without a trusted clock (or a time zone
 * this runtime knows) local times mean nothing, so main plays the default loop: never nothing.
 */
export function evaluateSchedule(desired: DesiredDocument, clock: ClockState): SchedulePlan {
  const nowMs = clock.now.getTime();
  const calendar =
    clock.trusted && Number.isFinite(nowMs) ? createLocalCalendar(desired.display.timeZone) : null;
  if (calendar === null) return { zones: { main: defaultPlan(desired) }, nextChangeAt: null };

  const shown = LAYOUT_ZONES[desired.content.layout.kind];
  // Windows open at most a day before the one they close on, so yesterday's is the earliest that
  // can still be open; the day after the horizon's covers DST quirks at the far end.
  const firstDay = calendar.dayOf(nowMs) - 1;
  const lastDay = calendar.dayOf(nowMs + LOOKAHEAD_MS) + 1;
  const winners = new Map<Zone, ScheduleEntry>();
  let nextChange = Number.POSITIVE_INFINITY;
  for (const entry of desired.content.schedule) {
    if (!shown.includes(entry.zone)) continue;
    const { active, changeAt } = stateAt(activeIntervals(entry, calendar, firstDay, lastDay), nowMs);
    nextChange = Math.min(nextChange, changeAt);
    const current = winners.get(entry.zone);
    // Strictly higher only: among equal layers the entry listed first keeps the zone.
    if (active && (current === undefined || rank(entry.layer) < rank(current.layer))) {
      winners.set(entry.zone, entry);
    }
  }

  const zones: Partial<Record<Zone, ZonePlan>> = {};
  for (const zone of shown) {
    const winner = winners.get(zone);
    if (winner !== undefined) zones[zone] = scheduledPlan(winner);
    else if (zone === 'main') zones[zone] = defaultPlan(desired);
  }
  const nextChangeAt = nextChange <= nowMs + LOOKAHEAD_MS ? new Date(nextChange) : null;
  return { zones, nextChangeAt };
}

/** Whether the entry plays now, and the first instant after now at which that flips (or +∞). */
function stateAt(intervals: readonly Interval[], nowMs: number): { active: boolean; changeAt: number } {
  for (const { start, end } of intervals) {
    if (nowMs < start) return { active: false, changeAt: start };
    if (nowMs < end) return { active: true, changeAt: end };
  }
  return { active: false, changeAt: Number.POSITIVE_INFINITY };
}

function rank(layer: Layer): number {
  return LAYERS.indexOf(layer);
}

function scheduledPlan(entry: ScheduleEntry): ZonePlan {
  return { source: 'schedule', entryId: entry.id, layer: entry.layer, items: entry.items };
}

function defaultPlan(desired: DesiredDocument): ZonePlan {
  const { defaultItem, defaultLoop } = desired.content;
  return { source: 'default', entryId: null, layer: null, items: [defaultItem, ...defaultLoop] };
}
