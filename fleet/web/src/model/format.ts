const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1536 → "1.5 KB" (1024-based, as free/top show memory). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** Whole percent of used in total; null when total is unknown or zero. */
export function percentOf(used: number, total: number): number | null {
  if (!(total > 0)) return null;
  return Math.round((used / total) * 100);
}

export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
}

export function splitDuration(seconds: number): DurationParts {
  const total = Math.max(0, Math.floor(seconds / 60));
  return { days: Math.floor(total / 1440), hours: Math.floor((total % 1440) / 60), minutes: total % 60 };
}

export type RelativeUnit = 'second' | 'minute' | 'hour' | 'day';

/** "3 minutes ago" as a value and unit for Intl.RelativeTimeFormat; negative is the past. */
export function relativeParts(thenMs: number, nowMs: number): { value: number; unit: RelativeUnit } {
  const seconds = Math.round((thenMs - nowMs) / 1000);
  const size = Math.abs(seconds);
  if (size < 60) return { value: seconds, unit: 'second' };
  if (size < 3600) return { value: Math.round(seconds / 60), unit: 'minute' };
  if (size < 86_400) return { value: Math.round(seconds / 3600), unit: 'hour' };
  return { value: Math.round(seconds / 86_400), unit: 'day' };
}

/** A `<input type="datetime-local">` value as an ISO time, or null when empty or invalid. */
export function localInputToIso(value: string): string | null {
  if (value.trim() === '') return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
