import { GatecastError } from '@gatecast/protocol';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * A report period [from, to) as instants. Operators think in days at their gate, so a bare date
 * (YYYY-MM-DD) is a day in the gate's time zone: `from` starts at its midnight and `to` includes
 * that whole day. Full ISO times with an offset are taken as given.
 */
export function parsePeriod(from: string, to: string, timeZone: string): { from: Date; to: Date } {
  const start = parseBound(from, timeZone, 'from', false);
  const end = parseBound(to, timeZone, 'to', true);
  if (end.getTime() <= start.getTime()) {
    throw new GatecastError('BAD_REQUEST', `the period is empty: to (${to}) is not after from (${from})`);
  }
  return { from: start, to: end };
}

/** A calendar year at the gate, as instants: local midnight on 1 January to the next one. */
export function yearPeriod(year: number, timeZone: string): { from: Date; to: Date } {
  return { from: zonedMidnight(year, 1, 1, timeZone), to: zonedMidnight(year + 1, 1, 1, timeZone) };
}

function parseBound(value: string, timeZone: string, name: string, endOfDay: boolean): Date {
  const date = DATE_ONLY.exec(value);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      throw new GatecastError('BAD_REQUEST', `${name}: ${value} is not a date that exists`);
    }
    const midnight = zonedMidnight(year, month, day, timeZone);
    // The next local midnight, found from the next calendar day (days are not always 24 h long).
    if (!endOfDay) return midnight;
    const next = new Date(check.getTime() + DAY_MS);
    return zonedMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
  }
  // An ISO time must name its offset: a bare local time would be read in the fleet's own zone.
  if (!/T.*(Z|[+-]\d{2}:?\d{2})$/i.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GatecastError(
      'BAD_REQUEST',
      `${name}: ${value} is neither a date (YYYY-MM-DD) nor an ISO time with an offset`,
    );
  }
  return new Date(Date.parse(value));
}

/** The instant of local midnight on a date in a time zone (IANA), via Intl: no tz database of our own. */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const utcGuess = Date.UTC(year, month - 1, day);
  // Two passes settle on the offset in force at local midnight, even across a DST change.
  let instant = utcGuess - offsetMs(utcGuess, timeZone);
  instant = utcGuess - offsetMs(instant, timeZone);
  return new Date(instant);
}

/** The zone's offset from UTC at an instant, in ms (+7 h for Asia/Ho_Chi_Minh). */
function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(instant / 1000) * 1000;
}
