import type { ScheduleEntry } from '../index.js';
import type { LocalCalendar, LocalDay } from './local-calendar.js';

/** Half-open [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** An entry's rules, parsed once: minutes are relative to the start of the day a window opens. */
interface EntryRule {
  fromMinute: number;
  toMinute: number;
  weekdays: ReadonlySet<number> | null;
  dateFrom: string | null;
  dateTo: string | null;
  notBefore: number;
  notAfter: number;
}

const END_OF_DAY = 1_440;

/**
 * When an entry is active, as merged intervals, for the windows that open on `firstDay` … `lastDay`.
 * A window belongs to the day it opens: an overnight window's date and weekday are its evening's.
 * Adjacent windows merge, so an interval's ends are exactly the instants its activity changes.
 */
export function activeIntervals(
  entry: ScheduleEntry,
  calendar: LocalCalendar,
  firstDay: LocalDay,
  lastDay: LocalDay,
): Interval[] {
  const rule = compileRule(entry);
  const intervals: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    if (!opensOn(rule, calendar, day)) continue;
    const start = Math.max(calendar.instantAt(day, rule.fromMinute), rule.notBefore);
    const end = Math.min(calendar.instantAt(day, rule.toMinute), rule.notAfter);
    if (!(start < end)) continue;
    const last = intervals[intervals.length - 1];
    if (last !== undefined && start <= last.end) last.end = Math.max(last.end, end);
    else intervals.push({ start, end });
  }
  return intervals;
}

function opensOn(rule: EntryRule, calendar: LocalCalendar, day: LocalDay): boolean {
  if (rule.weekdays !== null && !rule.weekdays.has(calendar.weekday(day))) return false;
  if (rule.dateFrom === null && rule.dateTo === null) return true;
  const date = calendar.dateKey(day);
  return (rule.dateFrom === null || date >= rule.dateFrom) && (rule.dateTo === null || date <= rule.dateTo);
}

/** Missing fields leave that dimension open; a timeTo not after timeFrom ends on the next day. */
function compileRule(entry: ScheduleEntry): EntryRule {
  const fromMinute = entry.timeFrom === undefined ? 0 : minuteOfDay(entry.timeFrom);
  let toMinute = entry.timeTo === undefined ? END_OF_DAY : minuteOfDay(entry.timeTo);
  if (entry.timeTo !== undefined && toMinute <= fromMinute) toMinute += END_OF_DAY;
  return {
    fromMinute,
    toMinute,
    weekdays: entry.weekdays === undefined ? null : new Set(entry.weekdays),
    dateFrom: entry.dateFrom ?? null,
    dateTo: entry.dateTo ?? null,
    // An unreadable instant leaves NaN, and NaN bounds make every window empty: never play by accident.
    notBefore: entry.notBefore === undefined ? Number.NEGATIVE_INFINITY : Date.parse(entry.notBefore),
    notAfter: entry.notAfter === undefined ? Number.POSITIVE_INFINITY : Date.parse(entry.notAfter),
  };
}

/** "HH:MM" (already validated by the protocol) → minutes since midnight. */
function minuteOfDay(time: string): number {
  const [hours, minutes] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}
