import { describe, expect, it } from 'vitest';
import { eventSchema } from '@gatecast/protocol';
import { KioskUsage, MAX_TERM_LENGTH, normaliseTerm } from '../../../src/kiosk/kiosk-usage.js';

const START = new Date('2026-11-26T09:00:00.000Z');
const HOUR = new Date('2026-11-26T10:00:00.000Z');

describe('anonymous kiosk usage', () => {
  it('normalises failed terms: trimmed, lower case, marks and spacing folded, at most 80 characters', () => {
    expect(normaliseTerm('  Thủ   TỤC  ')).toBe('thu tuc');
    expect(normaliseTerm('Đổi TIỀN')).toBe('doi tien');
    expect(normaliseTerm('ລົດເມ')).toBe('ລົດເມ');
    expect(normaliseTerm('   ')).toBeNull();
    expect([...(normaliseTerm('ກ'.repeat(200)) ?? '')].length).toBe(MAX_TERM_LENGTH);
  });

  it('counts views per node and language and failed terms per language, and flushes one event a period', () => {
    const usage = new KioskUsage(START);
    usage.view('customs', 'km');
    usage.view('customs', 'km');
    usage.view('customs', 'en');
    usage.failedSearch('Visa ', 'lo');
    usage.failedSearch('visa', 'lo');
    usage.failedSearch('  ', 'lo');
    const body = usage.flush(HOUR);
    expect(body).toEqual({
      kind: 'kiosk-usage',
      periodStart: START.toISOString(),
      periodEnd: HOUR.toISOString(),
      views: [
        { nodeId: 'customs', language: 'km', count: 2 },
        { nodeId: 'customs', language: 'en', count: 1 },
      ],
      failedSearches: [{ term: 'visa', language: 'lo', count: 2 }],
    });
    // It is a valid device event once the queue gives it an id and a time.
    expect(eventSchema.safeParse({ ...body, id: crypto.randomUUID(), at: HOUR.toISOString() }).success).toBe(
      true,
    );
    // A quiet hour sends nothing; the next period starts where the last ended.
    expect(usage.flush(new Date('2026-11-26T11:00:00.000Z'))).toBeNull();
    usage.view('customs', 'vi');
    expect(usage.flush(new Date('2026-11-26T12:00:00.000Z'))).toMatchObject({
      periodStart: '2026-11-26T11:00:00.000Z',
    });
  });

  it('keeps within the event’s limits', () => {
    const usage = new KioskUsage(START);
    for (let index = 0; index < 2_100; index++) usage.view(`node-${index}`, 'vi');
    for (let index = 0; index < 600; index++) usage.failedSearch(`term ${index}`, 'vi');
    const body = usage.flush(HOUR);
    expect(body?.kind === 'kiosk-usage' && body.views.length).toBe(2_000);
    expect(body?.kind === 'kiosk-usage' && body.failedSearches.length).toBe(500);
  });
});
