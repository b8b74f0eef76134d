import { z } from 'zod';

/** A daily window in a gate's local time; a `to` not after `from` runs overnight (22:00–06:00). */
export interface DailyWindow {
  from: string;
  to: string;
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (24 hours)');

export const dailyWindowSchema = z
  .strictObject({ from: hhmm, to: hhmm })
  .refine((window) => window.from !== window.to, 'from and to must differ');

const MINUTES_PER_DAY = 1_440;

/** Seconds since local midnight at `now` in the time zone (UTC for a zone this runtime does not know). */
export function localSecondOfDay(now: Date, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(now);
  } catch {
    return now.getUTCHours() * 3600 + now.getUTCMinutes() * 60 + now.getUTCSeconds();
  }
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 3600 + value('minute') * 60 + value('second');
}

function minuteOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Whether `now` falls inside the window, [from, to). */
export function inWindow(window: DailyWindow, timeZone: string, now: Date): boolean {
  const minute = localSecondOfDay(now, timeZone) / 60;
  const from = minuteOf(window.from);
  const to = minuteOf(window.to);
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/**
 * The next instant the window ends after `now`. Counts local minutes, so across a DST change it
 * may be an hour off; the engine re-checks at that instant anyway.
 */
export function windowEndAfter(window: DailyWindow, timeZone: string, now: Date): Date {
  const second = localSecondOfDay(now, timeZone);
  const endSecond = minuteOf(window.to) * 60;
  let wait = endSecond - second;
  if (wait <= 0) wait += MINUTES_PER_DAY * 60;
  return new Date(now.getTime() - (now.getTime() % 1000) + wait * 1000);
}
