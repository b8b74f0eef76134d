import type { ScheduleEntry } from '@gatecast/protocol';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { evaluateSchedule } from '../../../src/evaluation/evaluate-schedule.js';
import { desired, entry, type EntryInput } from './desired-fixture.js';

/**
 * When is one entry active? Times below carry the gate's offset explicitly, so each case reads as
 * local wall time: Hai Phong is UTC+7 all year; Berlin is UTC+1 in winter and UTC+2 in summer.
 * 2025-06-02 is a Monday.
 */
function plays(fields: Omit<EntryInput, 'id'>, at: string, timeZone = 'Asia/Ho_Chi_Minh'): boolean {
  const doc = desired({ timeZone, schedule: [entry({ id: 'e', ...fields })] });
  return evaluateSchedule(doc, { now: new Date(at), trusted: true }).zones.main?.entryId === 'e';
}

describe('an entry without constraints', () => {
  it('plays at any time', () => {
    for (const at of ['2025-06-02T00:00+07:00', '2025-06-04T13:37+07:00', '2031-12-31T23:59+07:00']) {
      expect(plays({}, at)).toBe(true);
    }
  });
});

describe('a daytime window is half-open [timeFrom, timeTo) in local time', () => {
  const window = { timeFrom: '08:00', timeTo: '17:30' };
  it.each([
    ['2025-06-02T07:59+07:00', false, 'one minute before it opens'],
    ['2025-06-02T08:00+07:00', true, 'the minute it opens'],
    ['2025-06-02T17:29:59+07:00', true, 'the last second'],
    ['2025-06-02T17:30+07:00', false, 'at timeTo: closed'],
    ['2025-06-02T01:00Z', true, '08:00 local is 01:00 UTC'],
  ])('%s → %s (%s)', (at, expected) => {
    expect(plays(window, at)).toBe(expected);
  });

  it('a missing timeTo means until midnight, a missing timeFrom means from midnight', () => {
    expect(plays({ timeFrom: '20:00' }, '2025-06-02T23:59+07:00')).toBe(true);
    expect(plays({ timeFrom: '20:00' }, '2025-06-03T00:00+07:00')).toBe(false);
    expect(plays({ timeTo: '06:00' }, '2025-06-02T00:00+07:00')).toBe(true);
    expect(plays({ timeTo: '06:00' }, '2025-06-02T06:00+07:00')).toBe(false);
  });
});

describe('an overnight window (timeTo not after timeFrom) runs past midnight', () => {
  const night = { timeFrom: '22:00', timeTo: '06:00' };
  it.each([
    ['2025-06-02T21:59+07:00', false, 'Monday, before it starts'],
    ['2025-06-02T22:00+07:00', true, 'Monday 22:00, start'],
    ['2025-06-02T23:00+07:00', true, 'Monday 23:00'],
    ['2025-06-03T00:00+07:00', true, 'midnight'],
    ['2025-06-03T05:59+07:00', true, 'Tuesday 05:59'],
    ['2025-06-03T06:00+07:00', false, 'Tuesday 06:00, end'],
    ['2025-06-03T12:00+07:00', false, 'Tuesday noon'],
  ])('%s → %s (%s)', (at, expected) => {
    expect(plays(night, at)).toBe(expected);
  });

  it('with timeTo equal to timeFrom it lasts a full day from timeFrom', () => {
    const day = { timeFrom: '12:00', timeTo: '12:00' };
    expect(plays(day, '2025-06-02T11:59+07:00')).toBe(true);
    expect(plays({ ...day, dateFrom: '2025-06-02' }, '2025-06-02T11:59+07:00')).toBe(false);
    expect(plays({ ...day, dateFrom: '2025-06-02' }, '2025-06-03T11:59+07:00')).toBe(true);
  });

  describe('takes its weekday and date from the evening it STARTED', () => {
    const mondayNights = { ...night, weekdays: [1] };
    it.each([
      ['2025-06-02T23:00+07:00', true, 'Monday 23:00: Monday night'],
      ['2025-06-03T05:59+07:00', true, 'Tuesday 05:59: still Monday night'],
      ['2025-06-02T05:59+07:00', false, 'Monday 05:59: that is Sunday night'],
      ['2025-06-03T23:00+07:00', false, 'Tuesday 23:00: Tuesday night'],
    ])('Monday nights only, %s → %s (%s)', (at, expected) => {
      expect(plays(mondayNights, at)).toBe(expected);
    });

    it('the night of dateTo is played to its end, the night before dateFrom is not', () => {
      const dated = { ...night, dateFrom: '2025-06-02', dateTo: '2025-06-04' };
      expect(plays(dated, '2025-06-02T05:00+07:00')).toBe(false);
      expect(plays(dated, '2025-06-02T22:00+07:00')).toBe(true);
      expect(plays(dated, '2025-06-05T05:59+07:00')).toBe(true);
      expect(plays(dated, '2025-06-05T22:00+07:00')).toBe(false);
    });
  });
});

describe('date ranges are inclusive local dates', () => {
  it('uses the gate’s date, not UTC’s', () => {
    // 00:30 in Hai Phong on 2 June is still 1 June in UTC.
    expect(plays({ dateFrom: '2025-06-02' }, '2025-06-02T00:30+07:00')).toBe(true);
    expect(plays({ dateTo: '2025-06-01' }, '2025-06-02T00:30+07:00')).toBe(false);
  });

  describe('across the year end (the Tết and New Year season)', () => {
    const season = { dateFrom: '2025-12-20', dateTo: '2026-01-05' };
    it.each([
      ['2025-12-19T23:59+07:00', false],
      ['2025-12-20T00:00+07:00', true],
      ['2025-12-31T23:59+07:00', true],
      ['2026-01-01T00:00+07:00', true],
      ['2026-01-05T23:59:59+07:00', true],
      ['2026-01-06T00:00+07:00', false],
    ])('%s → %s', (at, expected) => {
      expect(plays(season, at)).toBe(expected);
    });
  });

  it('an empty range (dateFrom after dateTo) never plays', () => {
    expect(plays({ dateFrom: '2025-06-05', dateTo: '2025-06-01' }, '2025-06-03T12:00+07:00')).toBe(false);
  });
});

describe('weekdays are ISO: 1 = Monday … 7 = Sunday, in local time', () => {
  const weekend = { weekdays: [6, 7] };
  it.each([
    ['2025-06-06T23:59+07:00', false, 'Friday'],
    ['2025-06-07T00:00+07:00', true, 'Saturday'],
    ['2025-06-08T23:59+07:00', true, 'Sunday'],
    ['2025-06-09T00:00+07:00', false, 'Monday'],
    ['2025-06-06T17:30Z', true, 'Friday in UTC, already Saturday 00:30 in Hai Phong'],
  ])('weekend only, %s → %s (%s)', (at, expected) => {
    expect(plays(weekend, at)).toBe(expected);
  });
});

describe('notBefore / notAfter are absolute instants, notAfter exclusive', () => {
  const announcement = {
    layer: 'announcement',
    notBefore: '2025-06-02T10:00:00+07:00',
    notAfter: '2025-06-02T10:30:00+07:00',
  } as const;
  it.each([
    ['2025-06-02T09:59:59+07:00', false, 'before go-live'],
    ['2025-06-02T10:00+07:00', true, 'at go-live'],
    ['2025-06-02T10:29:59.999+07:00', true, 'the last millisecond'],
    ['2025-06-02T10:30+07:00', false, 'at expiry'],
    ['2025-06-09T10:15+07:00', false, 'a week later: an expired announcement never plays'],
  ])('%s → %s (%s)', (at, expected) => {
    expect(plays(announcement, at)).toBe(expected);
  });

  it('combine with the local rules: both must allow it', () => {
    const lunch = { timeFrom: '11:00', timeTo: '13:00', notAfter: '2025-06-03T12:00:00+07:00' };
    expect(plays(lunch, '2025-06-02T12:30+07:00')).toBe(true);
    expect(plays(lunch, '2025-06-03T11:30+07:00')).toBe(true);
    expect(plays(lunch, '2025-06-03T12:30+07:00')).toBe(false);
  });
});

describe('daylight saving time (Europe/Berlin) follows the local wall clock', () => {
  const berlin = 'Europe/Berlin';
  const morning = { timeFrom: '08:00', timeTo: '09:00' };

  it('a morning window starts at 08:00 local on both sides of the spring change', () => {
    expect(plays(morning, '2025-03-29T08:00+01:00', berlin)).toBe(true); // Saturday, winter time
    expect(plays(morning, '2025-03-30T08:00+02:00', berlin)).toBe(true); // Sunday, summer time
    // The same UTC hour is 08:00 on Saturday but already 09:00 on Sunday.
    expect(plays(morning, '2025-03-29T07:00Z', berlin)).toBe(true);
    expect(plays(morning, '2025-03-30T07:00Z', berlin)).toBe(false);
  });

  it('a window that opens in the skipped hour opens when the clocks jump forward', () => {
    // On 2025-03-30 02:00 CET jumps to 03:00 CEST; 02:30 never shows on the wall.
    const early = { timeFrom: '02:30', timeTo: '04:00', dateFrom: '2025-03-30', dateTo: '2025-03-30' };
    expect(plays(early, '2025-03-30T01:59+01:00', berlin)).toBe(false);
    expect(plays(early, '2025-03-30T03:00+02:00', berlin)).toBe(true);
    expect(plays(early, '2025-03-30T04:00+02:00', berlin)).toBe(false);
  });

  it('a local time that happens twice in autumn means its first occurrence', () => {
    // On 2025-10-26 03:00 CEST falls back to 02:00 CET; 02:00-02:59 happens twice.
    const night = { timeFrom: '01:00', timeTo: '02:30', dateFrom: '2025-10-26', dateTo: '2025-10-26' };
    expect(plays(night, '2025-10-26T02:29+02:00', berlin)).toBe(true);
    expect(plays(night, '2025-10-26T02:30+02:00', berlin)).toBe(false);
    expect(plays(night, '2025-10-26T02:15+01:00', berlin)).toBe(false);
  });

  it('an overnight window over the autumn change lasts one hour longer in real time', () => {
    const night = { timeFrom: '22:00', timeTo: '06:00', weekdays: [6] };
    expect(plays(night, '2025-10-25T22:00+02:00', berlin)).toBe(true);
    expect(plays(night, '2025-10-26T05:59+01:00', berlin)).toBe(true);
    expect(plays(night, '2025-10-26T06:00+01:00', berlin)).toBe(false);
  });
});

describe('the rules above, checked against a literal reading of them', () => {
  /** The rules as written, on the local wall clock; exact wherever no DST change is near. */
  function reference(e: ScheduleEntry, at: Date, timeZone: string): boolean {
    if (e.notBefore !== undefined && at.getTime() < Date.parse(e.notBefore)) return false;
    if (e.notAfter !== undefined && at.getTime() >= Date.parse(e.notAfter)) return false;
    const local = DateTime.fromJSDate(at, { zone: timeZone });
    const minute = local.hour * 60 + local.minute;
    const from = e.timeFrom === undefined ? 0 : toMinutes(e.timeFrom);
    const to = e.timeTo === undefined ? 1440 : toMinutes(e.timeTo);
    let started = local; // the day the window opened
    if (e.timeTo !== undefined && to <= from) {
      if (minute < to) started = local.minus({ days: 1 });
      else if (minute < from) return false;
    } else if (minute < from || minute >= to) return false;
    const date = started.toISODate() ?? '';
    if (e.dateFrom !== undefined && date < e.dateFrom) return false;
    if (e.dateTo !== undefined && date > e.dateTo) return false;
    return e.weekdays === undefined || e.weekdays.includes(started.weekday);
  }

  function toMinutes(time: string): number {
    return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  }

  const hhmm = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  // Around the year end, and a Berlin summer with no clock change in reach.
  const cases = [
    { timeZone: 'Asia/Ho_Chi_Minh', firstDay: Date.UTC(2025, 11, 10) },
    { timeZone: 'Europe/Berlin', firstDay: Date.UTC(2025, 5, 1) },
  ];

  it.each(cases)(
    '$timeZone: the evaluation agrees with the rules at any minute',
    ({ timeZone, firstDay }) => {
      const day = fc
        .integer({ min: 0, max: 40 })
        .map((d) => new Date(firstDay + d * 86_400_000).toISOString().slice(0, 10));
      const instant = fc.integer({ min: 0, max: 40 * 1440 }).map((m) => new Date(firstDay + m * 60_000));
      const fields = fc.record(
        {
          timeFrom: hhmm,
          timeTo: hhmm,
          dateFrom: day,
          dateTo: day,
          weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
          notBefore: instant.map((d) => d.toISOString()),
          notAfter: instant.map((d) => d.toISOString()),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(fields, instant, (f, at) => {
          expect(plays(f, at.toISOString(), timeZone)).toBe(
            reference(entry({ id: 'e', ...f }), at, timeZone),
          );
        }),
        { numRuns: 2_000 },
      );
    },
  );
});
