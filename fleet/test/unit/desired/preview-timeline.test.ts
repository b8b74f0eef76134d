import { desiredSchema, type DesiredDocumentInput } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { previewTimeline } from '../../../src/desired/preview-timeline.js';

/** A screen in Hai Phong (UTC+7) with a main-ticker layout, a night schedule and a ticker. */
function document(): ReturnType<typeof desiredSchema.parse> {
  const input: DesiredDocumentInput = {
    version: 4,
    deviceId: 'cat-bi-arr-01',
    issuedAt: '2026-11-26T08:00:00.000Z',
    device: { name: 'Arrivals', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall', tags: [] },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'] },
    content: {
      defaultItem: {
        kind: 'text',
        id: 'welcome',
        body: { vi: 'Chào mừng', en: 'Welcome' },
        durationSec: 1800,
      },
      layout: { kind: 'main-ticker', orientation: 'landscape', transition: 'fade' },
      schedule: [
        {
          id: 's-night',
          layer: 'official',
          zone: 'main',
          timeFrom: '22:00',
          timeTo: '06:00',
          items: [
            {
              kind: 'text',
              id: 'i-a',
              title: { vi: 'Ban đêm' },
              body: { vi: 'Làm việc ban đêm' },
              durationSec: 1200,
            },
            { kind: 'video', id: 'i-v', url: 'http://f/v', sha256: 'a'.repeat(64), sizeBytes: 1 },
          ],
        },
        {
          id: 's-ticker',
          layer: 'filler',
          zone: 'ticker',
          items: [{ kind: 'text', id: 'i-t', body: { vi: 'Chúc thượng lộ bình an' }, durationSec: 7200 }],
        },
      ],
    },
  };
  return desiredSchema.parse(input);
}

describe('previewTimeline', () => {
  it('lays out each zone item by item, switching plans at the instants the schedule changes', () => {
    // 21:00 to 23:00 local.
    const timeline = previewTimeline(document(), new Date('2026-11-26T14:00:00.000Z'), 2, (item) =>
      item.kind === 'video' ? 600 : null,
    );
    const main = timeline.segments.filter((segment) => segment.zone === 'main');
    expect(
      main.map((segment) => [segment.from.slice(11, 16), segment.to.slice(11, 16), segment.itemId]),
    ).toEqual([
      ['14:00', '14:30', 'welcome'],
      ['14:30', '15:00', 'welcome'],
      // 22:00 local: the night schedule starts from its first item; the video lasts its probed 10 min.
      ['15:00', '15:20', 'i-a'],
      ['15:20', '15:30', 'i-v'],
      ['15:30', '15:50', 'i-a'],
      ['15:50', '16:00', 'i-v'],
    ]);
    expect(main[2]).toMatchObject({
      entryId: 's-night',
      layer: 'official',
      source: 'schedule',
      label: 'Ban đêm',
    });
    expect(main[0]).toMatchObject({ entryId: null, layer: null, source: 'default', label: 'Chào mừng' });
    const ticker = timeline.segments.filter((segment) => segment.zone === 'ticker');
    expect(ticker.map((segment) => [segment.from.slice(11, 16), segment.to.slice(11, 16)])).toEqual([
      ['14:00', '15:00'],
      ['15:00', '16:00'],
    ]);
    expect(timeline).toMatchObject({ deviceId: 'cat-bi-arr-01', version: 4, truncated: false });
  });

  it('cuts a very long period short and says so', () => {
    const busy = document();
    busy.content.defaultItem = { kind: 'text', id: 'welcome', body: { vi: 'Chào' }, durationSec: 1 };
    const timeline = previewTimeline(busy, new Date('2026-11-26T00:00:00.000Z'), 48);
    expect(timeline.truncated).toBe(true);
    expect(timeline.segments.length).toBeLessThanOrEqual(5_000);
  });
});
