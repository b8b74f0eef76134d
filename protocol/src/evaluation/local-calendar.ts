import { IANAZone } from 'luxon';

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 1_440;
/** Further than any UTC offset (-12 h … +14 h), so these instants bracket a whole local day. */
const BEFORE_DAY_MS = 15 * 3_600_000;
const AFTER_DAY_MS = DAY_MS + 13 * 3_600_000;

/** A date in the gate's calendar, as a count of days since 1970-01-01 (so date arithmetic is +1). */
export type LocalDay = number;

/** The gate's wall clock: which local day an instant falls on, and when a local time happens. */
export interface LocalCalendar {
  dayOf(instantMs: number): LocalDay;
  /**
   * The first instant at which the wall clock reads `minute` of `day` or later (minutes past 1440
   * run into the next days). A time skipped by a DST jump maps to the jump; a time that happens
   * twice maps to its first occurrence.
   */
  instantAt(day: LocalDay, minute: number): number;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday(day: LocalDay): number;
  /** "YYYY-MM-DD", comparable as a string with the schedule's dates. */
  dateKey(day: LocalDay): string;
}

/** Null for a zone this runtime does not know: the caller must not guess local times. */
export function createLocalCalendar(timeZone: string): LocalCalendar | null {
  if (!IANAZone.isValidZone(timeZone)) return null;
  return new ZoneCalendar(IANAZone.create(timeZone));
}

class ZoneCalendar implements LocalCalendar {
  /** Offsets (ms) just before and just after each day; equal on the days without a DST change. */
  private readonly dayOffsets = new Map<LocalDay, { before: number; after: number }>();
  private readonly dateKeys = new Map<LocalDay, string>();

  constructor(private readonly zone: IANAZone) {}

  dayOf(instantMs: number): LocalDay {
    return Math.floor((instantMs + this.offsetMs(instantMs)) / DAY_MS);
  }

  instantAt(day: LocalDay, minute: number): number {
    const whole = day + Math.floor(minute / MINUTES_PER_DAY);
    const wall = whole * DAY_MS + (minute % MINUTES_PER_DAY) * MINUTE_MS;
    const { before, after } = this.offsetsAround(whole);
    if (before === after) return wall - before;
    return this.resolveNearChange(wall, before, after);
  }

  weekday(day: LocalDay): number {
    // 1970-01-01 was a Thursday (ISO 4).
    return ((((day + 3) % 7) + 7) % 7) + 1;
  }

  dateKey(day: LocalDay): string {
    let key = this.dateKeys.get(day);
    if (key === undefined) {
      key = new Date(day * DAY_MS).toISOString().slice(0, 10);
      this.dateKeys.set(day, key);
    }
    return key;
  }

  private offsetMs(instantMs: number): number {
    return this.zone.offset(instantMs) * MINUTE_MS;
  }

  private offsetsAround(day: LocalDay): { before: number; after: number } {
    let offsets = this.dayOffsets.get(day);
    if (offsets === undefined) {
      const start = day * DAY_MS;
      offsets = { before: this.offsetMs(start - BEFORE_DAY_MS), after: this.offsetMs(start + AFTER_DAY_MS) };
      this.dayOffsets.set(day, offsets);
    }
    return offsets;
  }

  /** On a day the offset changes: try the wall time under each offset, else it fell in the gap. */
  private resolveNearChange(wall: number, before: number, after: number): number {
    const underBefore = wall - before;
    const underAfter = wall - after;
    const beforeHolds = this.offsetMs(underBefore) === before;
    const afterHolds = this.offsetMs(underAfter) === after;
    if (beforeHolds && afterHolds) return Math.min(underBefore, underAfter);
    if (beforeHolds) return underBefore;
    if (afterHolds) return underAfter;
    return this.changeInstant(Math.min(underBefore, underAfter), Math.max(underBefore, underAfter));
  }

  /** The first instant in (lo, hi] whose offset differs from lo's: the moment the clocks jumped. */
  private changeInstant(lo: number, hi: number): number {
    const initial = this.offsetMs(lo);
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.offsetMs(mid) === initial) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}
