import fc from 'fast-check';
import type { ScheduleEntry } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { evaluateSchedule } from '../../../src/evaluation/evaluate-schedule.js';
import { desired, entry, type EntryInput } from './desired-fixture.js';

/** When the player must look at the schedule again: the next instant an entry starts or stops. */
function nextChange(entries: EntryInput[], now: string, timeZone = 'Asia/Ho_Chi_Minh'): string | null {
  const doc = desired({ timeZone, layoutKind: 'main-side-ticker', schedule: entries.map(entry) });
  const plan = evaluateSchedule(doc, { now: new Date(now), trusted: true });
  return plan.nextChangeAt?.toISOString() ?? null;
}

const iso = (local: string): string => new Date(local).toISOString();

describe('nextChangeAt', () => {
  it('is the start of a window that has not opened yet', () => {
    expect(nextChange([{ id: 'a', timeFrom: '18:00', timeTo: '22:00' }], '2025-06-02T12:00+07:00')).toBe(
      iso('2025-06-02T18:00+07:00'),
    );
  });

  it('is the end of the window that is open', () => {
    expect(nextChange([{ id: 'a', timeFrom: '08:00', timeTo: '22:00' }], '2025-06-02T12:00+07:00')).toBe(
      iso('2025-06-02T22:00+07:00'),
    );
  });

  it('is strictly after now: at the very start of a window it is that window’s end', () => {
    expect(nextChange([{ id: 'a', timeFrom: '08:00', timeTo: '09:00' }], '2025-06-02T08:00+07:00')).toBe(
      iso('2025-06-02T09:00+07:00'),
    );
  });

  it('is the next morning for an overnight window that is open', () => {
    expect(nextChange([{ id: 'a', timeFrom: '22:00', timeTo: '06:00' }], '2025-06-02T23:00+07:00')).toBe(
      iso('2025-06-03T06:00+07:00'),
    );
  });

  it('is an announcement’s go-live, then its expiry', () => {
    const fog = {
      id: 'fog',
      layer: 'announcement',
      notBefore: '2025-06-02T13:00:00+07:00',
      notAfter: '2025-06-02T14:00:00+07:00',
    } as const;
    expect(nextChange([fog], '2025-06-02T12:00+07:00')).toBe(iso('2025-06-02T13:00+07:00'));
    expect(nextChange([fog], '2025-06-02T13:30+07:00')).toBe(iso('2025-06-02T14:00+07:00'));
    expect(nextChange([fog], '2025-06-02T14:00+07:00')).toBeNull();
  });

  it('is the local midnight where a date or weekday rule starts or stops', () => {
    expect(nextChange([{ id: 'a', weekdays: [6, 7] }], '2025-06-06T12:00+07:00')).toBe(
      iso('2025-06-07T00:00+07:00'),
    );
    expect(nextChange([{ id: 'a', weekdays: [6, 7] }], '2025-06-07T12:00+07:00')).toBe(
      iso('2025-06-09T00:00+07:00'),
    );
    expect(nextChange([{ id: 'a', dateTo: '2025-06-04' }], '2025-06-02T12:00+07:00')).toBe(
      iso('2025-06-05T00:00+07:00'),
    );
  });

  it('does not wake the player at midnights where an entry simply keeps playing', () => {
    const daily = { id: 'a', dateFrom: '2025-06-01', dateTo: '2025-06-05' };
    expect(nextChange([daily], '2025-06-02T12:00+07:00')).toBe(iso('2025-06-06T00:00+07:00'));
    const nights = { id: 'b', timeFrom: '12:00', timeTo: '12:00' };
    expect(nextChange([nights], '2025-06-02T12:00+07:00')).toBeNull();
  });

  it('is the earliest change over all entries and zones', () => {
    const entries: EntryInput[] = [
      { id: 'a', timeFrom: '18:00', timeTo: '22:00' },
      { id: 'b', zone: 'ticker', timeFrom: '15:00', timeTo: '16:00' },
      { id: 'c', zone: 'side', notAfter: '2025-06-02T16:30:00+07:00' },
    ];
    expect(nextChange(entries, '2025-06-02T12:00+07:00')).toBe(iso('2025-06-02T15:00+07:00'));
  });

  it('ignores entries of zones the layout does not show', () => {
    const doc = desired({
      layoutKind: 'full',
      schedule: [entry({ id: 't', zone: 'ticker', timeFrom: '13:00' })],
    });
    expect(
      evaluateSchedule(doc, { now: new Date('2025-06-02T12:00+07:00'), trusted: true }).nextChangeAt,
    ).toBeNull();
  });

  it('looks ahead at most 8 days, and is null when nothing changes in that time', () => {
    expect(nextChange([], '2025-06-02T12:00+07:00')).toBeNull();
    expect(nextChange([{ id: 'always' }], '2025-06-02T12:00+07:00')).toBeNull();
    expect(nextChange([{ id: 'a', dateFrom: '2025-06-09' }], '2025-06-02T12:00+07:00')).toBe(
      iso('2025-06-09T00:00+07:00'),
    );
    expect(nextChange([{ id: 'a', dateFrom: '2025-06-11' }], '2025-06-02T12:00+07:00')).toBeNull();
    expect(nextChange([{ id: 'a', notBefore: '2025-06-10T12:00:00+07:00' }], '2025-06-02T12:00+07:00')).toBe(
      iso('2025-06-10T12:00+07:00'),
    );
    expect(
      nextChange([{ id: 'a', notBefore: '2025-06-10T12:00:01+07:00' }], '2025-06-02T12:00+07:00'),
    ).toBeNull();
  });

  describe('daylight saving time', () => {
    const daily = [{ id: 'a', timeFrom: '08:00', timeTo: '09:00' }];
    it('Berlin: the next 08:00 after the spring change is 23 hours away', () => {
      expect(nextChange(daily, '2025-03-29T09:00+01:00', 'Europe/Berlin')).toBe(
        iso('2025-03-30T08:00+02:00'),
      );
    });
    it('Berlin: the next 08:00 after the autumn change is 25 hours away', () => {
      expect(nextChange(daily, '2025-10-25T09:00+02:00', 'Europe/Berlin')).toBe(
        iso('2025-10-26T08:00+01:00'),
      );
    });
    it('Berlin: a window in the skipped hour opens at the jump', () => {
      const early = [{ id: 'a', timeFrom: '02:30', timeTo: '04:00' }];
      expect(nextChange(early, '2025-03-30T01:00+01:00', 'Europe/Berlin')).toBe(
        iso('2025-03-30T03:00+02:00'),
      );
    });
    it('Hai Phong has no DST: always 24 hours', () => {
      expect(nextChange(daily, '2025-03-29T09:00+07:00')).toBe(iso('2025-03-30T08:00+07:00'));
    });
  });
});

describe('following nextChangeAt from change to change', () => {
  it('walks a screen through a week of Saturday nights, day shows and an announcement', () => {
    const schedule = [
      entry({
        id: 'fog',
        layer: 'announcement',
        notBefore: '2025-10-24T15:00:00+02:00',
        notAfter: '2025-10-24T15:20:00+02:00',
      }),
      entry({ id: 'night', layer: 'official', timeFrom: '22:00', timeTo: '06:00', weekdays: [6] }),
      entry({ id: 'day', layer: 'filler', timeFrom: '09:00', timeTo: '18:00', weekdays: [5, 6, 7] }),
    ];
    const doc = desired({ timeZone: 'Europe/Berlin', schedule });
    const steps: string[] = [];
    let now: Date | null = new Date('2025-10-24T12:00+02:00'); // Friday
    while (now !== null && steps.length < 12) {
      const plan = evaluateSchedule(doc, { now, trusted: true });
      steps.push(`${now.toISOString()} ${plan.zones.main?.entryId ?? 'default'}`);
      now = plan.nextChangeAt;
    }
    expect(steps).toEqual([
      `${iso('2025-10-24T12:00+02:00')} day`,
      `${iso('2025-10-24T15:00+02:00')} fog`,
      `${iso('2025-10-24T15:20+02:00')} day`,
      `${iso('2025-10-24T18:00+02:00')} default`,
      `${iso('2025-10-25T09:00+02:00')} day`,
      `${iso('2025-10-25T18:00+02:00')} default`,
      `${iso('2025-10-25T22:00+02:00')} night`,
      `${iso('2025-10-26T06:00+01:00')} default`, // 9 hours later: clocks went back at 03:00
      `${iso('2025-10-26T09:00+01:00')} day`,
      `${iso('2025-10-26T18:00+01:00')} default`,
      `${iso('2025-10-31T09:00+01:00')} day`,
      `${iso('2025-10-31T18:00+01:00')} default`,
    ]);
  });
});

describe('nextChangeAt, checked against the evaluation itself', () => {
  const hhmm = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const day = fc
    .integer({ min: 0, max: 30 })
    .map((d) => new Date(Date.UTC(2025, 9, 10 + d)).toISOString().slice(0, 10));
  const instant = fc
    .integer({ min: 0, max: 30 * 24 * 60 })
    .map((m) => new Date(Date.UTC(2025, 9, 10) + m * 60_000));
  const randomEntry: fc.Arbitrary<ScheduleEntry> = fc
    .record(
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
    )
    .map((fields) => entry({ id: 'e', ...fields }));

  // October 2025 in Berlin includes the autumn change (26 October); Hai Phong has none.
  it.each(['Asia/Ho_Chi_Minh', 'Europe/Berlin'])(
    '%s: nothing changes before nextChangeAt, and something changes at it',
    (timeZone) => {
      fc.assert(
        fc.property(
          randomEntry,
          instant,
          fc.array(fc.double({ min: 0, max: 1, noNaN: true })),
          (e, now, cuts) => {
            const doc = desired({ timeZone, schedule: [e] });
            const playing = (at: Date): string | null =>
              evaluateSchedule(doc, { now: at, trusted: true }).zones.main?.entryId ?? null;
            const { nextChangeAt } = evaluateSchedule(doc, { now, trusted: true });
            const horizon = nextChangeAt ?? new Date(now.getTime() + 8 * 86_400_000);
            expect(horizon.getTime()).toBeGreaterThan(now.getTime());
            for (const cut of [...cuts, 0.999_999]) {
              const between = new Date(now.getTime() + cut * (horizon.getTime() - now.getTime() - 1));
              expect(playing(between)).toBe(playing(now));
            }
            if (nextChangeAt) expect(playing(nextChangeAt)).not.toBe(playing(now));
          },
        ),
        { numRuns: 300 },
      );
    },
  );
});

describe('a large schedule', () => {
  it('evaluates 1,000 entries across every zone and finds the next change', () => {
    const schedule = Array.from({ length: 1000 }, (_, i) =>
      entry({
        id: `e${i}`,
        layer: (['announcement', 'official', 'operational', 'filler'] as const)[i % 4],
        zone: (['main', 'side', 'ticker'] as const)[i % 3],
        timeFrom: `${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
        timeTo: `${String((i * 7) % 24).padStart(2, '0')}:30`,
        weekdays: [1 + (i % 7), 1 + ((i + 3) % 7)],
        dateFrom: '2025-01-01',
        dateTo: '2026-12-31',
      }),
    );
    const doc = desired({ timeZone: 'Europe/Berlin', layoutKind: 'main-side-ticker', schedule });
    // Timing belongs in benchmarks, not here (shared machines); this checks the result only.
    const plan = evaluateSchedule(doc, { now: new Date('2025-10-25T12:00+02:00'), trusted: true });
    expect(plan.nextChangeAt).not.toBeNull();
    expect(Object.keys(plan.zones).sort()).toEqual(['main', 'side', 'ticker']);
  });
});
