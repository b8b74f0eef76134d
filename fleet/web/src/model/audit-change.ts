const MAX_CHANGE_CHARS = 160;

/** A short one-line text of an audit entry's before/after, for a table cell (never markup). */
export function compactJson(value: unknown, max = MAX_CHANGE_CHARS): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "before → after", either side left out when empty. */
export function describeChange(before: unknown, after: unknown): string {
  const from = compactJson(before);
  const to = compactJson(after);
  if (from && to) return `${from} → ${to}`;
  return from ? `${from} → ∅` : to;
}
