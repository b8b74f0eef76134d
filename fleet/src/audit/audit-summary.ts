/**
 * Before/after values for the audit log: short, and never a credential. Pure, applied to whatever
 * a route hands in, so a careless call still cannot put a secret or a whole document in the log.
 */
const MAX_STRING = 200;
const MAX_ITEMS = 50;
const MAX_KEYS = 30;
const MAX_DEPTH = 4;
const SECRET_KEY = /secret|password|passwd|token|hash|cookie|authorization|csrf/i;
export const REDACTED = '[redacted]';

export function summarize(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => summarize(item, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `… ${value.length - MAX_ITEMS} more`] : items;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS);
    return Object.fromEntries(
      // A flag such as mustChangePassword says nothing secret; any other value under such a key might.
      entries.map(([key, item]) => [
        key,
        SECRET_KEY.test(key) && typeof item !== 'boolean' ? REDACTED : summarize(item, depth + 1),
      ]),
    );
  }
  return String(value);
}
