import { GatecastError } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../../src/reports/csv.js';
import { parsePeriod, yearPeriod, zonedMidnight } from '../../../src/reports/report-period.js';

describe('CSV (RFC 4180)', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "xin chào"')).toBe('"say ""xin chào"""');
    expect(csvField('one\ntwo')).toBe('"one\ntwo"');
    expect(csvField('one\r\ntwo')).toBe('"one\r\ntwo"');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
  });

  it('defuses spreadsheet formulas in text', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+84 225')).toBe("'+84 225");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-x,y')).toBe(`"'-x,y"`);
  });

  it('starts with a BOM and ends every line with CRLF', () => {
    expect(toCsv(['mục', 'số'], [['Cửa khẩu Cát Bi', 3]])).toBe('\uFEFFmục,số\r\nCửa khẩu Cát Bi,3\r\n');
  });
});

describe('report periods', () => {
  it('reads dates as days at the gate, the last one included', () => {
    const period = parsePeriod('2026-01-01', '2026-12-31', 'Asia/Ho_Chi_Minh');
    expect(period.from.toISOString()).toBe('2025-12-31T17:00:00.000Z');
    expect(period.to.toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(parsePeriod('2026-03-01T00:00:00+07:00', '2026-03-02T00:00:00Z', 'UTC').from.toISOString()).toBe(
      '2026-02-28T17:00:00.000Z',
    );
  });

  it('finds local midnight across a daylight-saving change', () => {
    // Europe/Berlin goes to +02:00 on 29 March 2026.
    expect(zonedMidnight(2026, 3, 29, 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(zonedMidnight(2026, 3, 30, 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(yearPeriod(2025, 'Asia/Ho_Chi_Minh')).toEqual({
      from: new Date('2024-12-31T17:00:00.000Z'),
      to: new Date('2025-12-31T17:00:00.000Z'),
    });
  });

  it('refuses impossible dates, bare local times and empty periods', () => {
    for (const [from, to] of [
      ['2026-02-29', '2026-03-01'],
      ['2026-03-01T08:00:00', '2026-03-02'],
      ['2026-03-02', '2026-03-01'],
      ['soon', '2026-03-01'],
    ] as const) {
      expect(() => parsePeriod(from, to, 'Asia/Ho_Chi_Minh'), `${from}..${to}`).toThrow(GatecastError);
    }
  });
});
