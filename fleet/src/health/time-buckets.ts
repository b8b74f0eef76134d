/** Bucket arithmetic on UTC ISO times, the format every stored time uses (`toISOString()`). */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

export function floorTo(time: Date | number, stepMs: number): Date {
  const ms = typeof time === 'number' ? time : time.getTime();
  return new Date(Math.floor(ms / stepMs) * stepMs);
}

export function floorIso(iso: string, stepMs: number): string {
  return floorTo(Date.parse(iso), stepMs).toISOString();
}

export function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

/** The earlier of two ISO times (same format, so string order is time order). */
export function earlier(a: string, b: string): string {
  return a < b ? a : b;
}
