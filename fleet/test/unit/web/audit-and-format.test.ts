import { describe, expect, it } from 'vitest';
import { describeChange, compactJson } from '../../../web/src/model/audit-change.js';
import { EMPTY_AUDIT_FILTERS, auditUrl } from '../../../web/src/model/audit-query.js';
import {
  formatBytes,
  localInputToIso,
  percentOf,
  relativeParts,
  splitDuration,
} from '../../../web/src/model/format.js';

describe('auditUrl', () => {
  it('asks for the first page without filters', () => {
    expect(auditUrl(EMPTY_AUDIT_FILTERS, null)).toBe('/api/v1/audit?limit=50');
  });

  it('sends the filled filters, trimmed, times as ISO, and the cursor of older entries', () => {
    const url = auditUrl(
      {
        ...EMPTY_AUDIT_FILTERS,
        user: ' lan.nguyen ',
        gate: 'cat-bi-airport',
        objectType: 'device',
        outcome: 'denied',
        since: '2025-03-01T08:00',
      },
      1234,
      20,
    );
    const query = new URL(url, 'http://fleet').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      user: 'lan.nguyen',
      gate: 'cat-bi-airport',
      objectType: 'device',
      outcome: 'denied',
      since: new Date('2025-03-01T08:00').toISOString(),
      limit: '20',
      before: '1234',
    });
  });

  it('leaves out a time that is not one', () => {
    expect(auditUrl({ ...EMPTY_AUDIT_FILTERS, until: 'not a time' }, null)).toBe('/api/v1/audit?limit=50');
  });
});

describe('describeChange', () => {
  it('shows before → after on one line, as text', () => {
    expect(describeChange({ name: 'Belt 1' }, { name: '<b>Belt</b>' })).toBe(
      '{"name":"Belt 1"} → {"name":"<b>Belt</b>"}',
    );
    expect(describeChange(null, { role: 'viewer' })).toBe('{"role":"viewer"}');
    expect(describeChange({ role: 'viewer' }, null)).toBe('{"role":"viewer"} → ∅');
    expect(describeChange(undefined, undefined)).toBe('');
  });

  it('shortens long values', () => {
    const long = compactJson({ text: 'x'.repeat(500) });
    expect(long).toHaveLength(160);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('formatting', () => {
  it('formats sizes the way free and top do', () => {
    expect([0, 1023, 1536, 4 * 1024 ** 3, 250 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.5 KB',
      '4.0 GB',
      '250 GB',
    ]);
  });

  it('gives whole percents, and none without a total', () => {
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(5, 0)).toBeNull();
  });

  it('splits durations and picks the unit of a relative time', () => {
    expect(splitDuration(90_061)).toEqual({ days: 1, hours: 1, minutes: 1 });
    expect(splitDuration(-5)).toEqual({ days: 0, hours: 0, minutes: 0 });
    expect(relativeParts(0, 30_000)).toEqual({ value: -30, unit: 'second' });
    expect(relativeParts(0, 5 * 60_000)).toEqual({ value: -5, unit: 'minute' });
    expect(relativeParts(0, 3 * 3_600_000)).toEqual({ value: -3, unit: 'hour' });
    expect(relativeParts(0, 2 * 86_400_000)).toEqual({ value: -2, unit: 'day' });
  });

  it('reads datetime-local values in the browser’s time zone', () => {
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('2025-03-01T08:00')).toBe(new Date('2025-03-01T08:00').toISOString());
  });
});
