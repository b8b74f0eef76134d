import { LAYERS, type DesiredDocument } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { evaluateSchedule, type SchedulePlan } from '../../../src/evaluation/evaluate-schedule.js';
import { DEFAULT_LOOP_IDS, desired, entry, text } from './desired-fixture.js';

const noon = new Date('2025-06-02T12:00+07:00'); // a Monday in Hai Phong
const trusted = { now: noon, trusted: true };

function itemIds(plan: SchedulePlan, zone: 'main' | 'side' | 'ticker'): string[] | undefined {
  return plan.zones[zone]?.items.map((item) => item.id);
}

describe('the zones of the layout', () => {
  const everywhere = [
    entry({ id: 'main-news', zone: 'main' }),
    entry({ id: 'side-map', zone: 'side' }),
    entry({ id: 'ticker-flights', zone: 'ticker' }),
  ];

  it.each([
    ['full', ['main']],
    ['main-ticker', ['main', 'ticker']],
    ['main-side-ticker', ['main', 'side', 'ticker']],
  ] as const)('%s shows %o', (layoutKind, zones) => {
    const plan = evaluateSchedule(desired({ layoutKind, schedule: everywhere }), trusted);
    expect(Object.keys(plan.zones).sort()).toEqual([...zones].sort());
  });

  it('gives each zone the items of the entry that wins it', () => {
    const plan = evaluateSchedule(desired({ layoutKind: 'main-side-ticker', schedule: everywhere }), trusted);
    expect(plan.zones.side).toEqual({
      source: 'schedule',
      entryId: 'side-map',
      layer: 'filler',
      items: [text('side-map-item')],
    });
    expect(itemIds(plan, 'ticker')).toEqual(['ticker-flights-item']);
  });
});

describe('when nothing is scheduled', () => {
  it('main plays the default loop: defaultItem first, then defaultLoop', () => {
    const plan = evaluateSchedule(desired({ layoutKind: 'main-side-ticker' }), trusted);
    expect(plan.zones.main).toEqual({
      source: 'default',
      entryId: null,
      layer: null,
      items: [text('welcome'), text('map'), text('customs-rules')],
    });
  });

  it('an empty ticker or side zone is left out, so the player hides it', () => {
    const plan = evaluateSchedule(desired({ layoutKind: 'main-side-ticker' }), trusted);
    expect(plan.zones.ticker).toBeUndefined();
    expect(plan.zones.side).toBeUndefined();
  });

  it('main falls back to the default loop when its only entry is not active now', () => {
    const evening = entry({ id: 'evening', timeFrom: '18:00', timeTo: '22:00' });
    const plan = evaluateSchedule(desired({ schedule: [evening] }), trusted);
    expect(plan.zones.main?.source).toBe('default');
    expect(itemIds(plan, 'main')).toEqual(DEFAULT_LOOP_IDS);
  });

  it('entries for a zone the layout does not have are ignored', () => {
    const plan = evaluateSchedule(
      desired({ layoutKind: 'full', schedule: [entry({ id: 't', zone: 'ticker' })] }),
      trusted,
    );
    expect(plan.zones).toEqual({ main: expect.objectContaining({ source: 'default' }) });
  });
});

describe('priority: announcement > official > operational > filler', () => {
  const pairs = LAYERS.flatMap((higher, i) => LAYERS.slice(i + 1).map((lower) => [higher, lower] as const));

  it.each(pairs)('%s beats %s, whichever is listed first', (higher, lower) => {
    for (const order of [
      [entry({ id: 'low', layer: lower }), entry({ id: 'high', layer: higher })],
      [entry({ id: 'high', layer: higher }), entry({ id: 'low', layer: lower })],
    ]) {
      const plan = evaluateSchedule(desired({ schedule: order }), trusted);
      expect(plan.zones.main).toMatchObject({ entryId: 'high', layer: higher });
    }
  });

  it('among entries of the same layer, the one listed first wins', () => {
    const schedule = [entry({ id: 'first', layer: 'official' }), entry({ id: 'second', layer: 'official' })];
    expect(evaluateSchedule(desired({ schedule }), trusted).zones.main?.entryId).toBe('first');
  });

  it('an inactive higher layer does not hide an active lower one', () => {
    const schedule = [
      entry({ id: 'gone', layer: 'announcement', notAfter: '2025-06-02T11:00:00+07:00' }),
      entry({ id: 'ads', layer: 'filler' }),
    ];
    expect(evaluateSchedule(desired({ schedule }), trusted).zones.main?.entryId).toBe('ads');
  });

  it('the lower layer plays again once the announcement expires', () => {
    const schedule = [
      entry({ id: 'ads', layer: 'filler' }),
      entry({ id: 'fog', layer: 'announcement', notAfter: '2025-06-02T12:30:00+07:00' }),
    ];
    const doc = desired({ schedule });
    expect(evaluateSchedule(doc, trusted).zones.main?.entryId).toBe('fog');
    const later = evaluateSchedule(doc, { now: new Date('2025-06-02T12:30+07:00'), trusted: true });
    expect(later.zones.main?.entryId).toBe('ads');
  });

  it('each zone is decided on its own: an announcement in main leaves the ticker alone', () => {
    const schedule = [
      entry({ id: 'fog', layer: 'announcement', zone: 'main' }),
      entry({ id: 'flights', layer: 'filler', zone: 'ticker' }),
    ];
    const plan = evaluateSchedule(desired({ layoutKind: 'main-ticker', schedule }), trusted);
    expect(plan.zones.main?.entryId).toBe('fog');
    expect(plan.zones.ticker?.entryId).toBe('flights');
  });
});

describe('an untrusted clock', () => {
  const schedule = [
    entry({ id: 'fog', layer: 'announcement' }),
    entry({ id: 'flights', zone: 'ticker' }),
    entry({ id: 'later', timeFrom: '13:00', timeTo: '14:00' }),
  ];
  const untrusted = { now: noon, trusted: false };

  it('plays ONLY the default loop in main, whatever the schedule says', () => {
    const plan = evaluateSchedule(desired({ layoutKind: 'main-ticker', schedule }), untrusted);
    expect(plan.zones).toEqual({
      main: {
        source: 'default',
        entryId: null,
        layer: null,
        items: [text('welcome'), text('map'), text('customs-rules')],
      },
    });
  });

  it('never asks to be woken up: nextChangeAt is null', () => {
    expect(evaluateSchedule(desired({ schedule }), untrusted).nextChangeAt).toBeNull();
  });

  it('never plays nothing, even with an absurd time', () => {
    for (const now of [new Date(0), new Date('1999-12-31T23:59Z'), new Date(Number.NaN)]) {
      expect(itemIds(evaluateSchedule(desired({ schedule }), { now, trusted: false }), 'main')).toEqual(
        DEFAULT_LOOP_IDS,
      );
    }
  });
});

describe('a time zone this device does not know', () => {
  it('plays the default loop rather than guess local times', () => {
    const known = desired({ schedule: [entry({ id: 'ads', timeFrom: '08:00', timeTo: '20:00' })] });
    const unknown: DesiredDocument = {
      ...known,
      display: { ...known.display, timeZone: 'Mars/Olympus_Mons' },
    };
    const plan = evaluateSchedule(unknown, trusted);
    expect(itemIds(plan, 'main')).toEqual(DEFAULT_LOOP_IDS);
    expect(plan.nextChangeAt).toBeNull();
  });
});
