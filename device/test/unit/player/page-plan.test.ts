import { describe, expect, it } from 'vitest';
import { desiredSchema, type DesiredDocument, type DesiredDocumentInput } from '@gatecast/protocol';
import { evaluateSchedule } from '@gatecast/protocol/schedule';
import { buildPagePlan, PLACEHOLDER_ID, type Availability } from '../../../src/player/page-plan.js';
import { mediaNeeded } from '../../../src/player/media-needs.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const SHA_C = 'c'.repeat(64);
const NOW = new Date('2026-11-26T03:00:00Z'); // 10:00 in Hai Phong

function doc(content: DesiredDocumentInput['content']): DesiredDocument {
  return desiredSchema.parse({
    version: 3,
    deviceId: 'cat-bi-arr-01',
    issuedAt: '2026-11-26T00:00:00Z',
    device: { name: 'Arrivals hall 1', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'] },
    content,
  });
}

const image = (id: string, sha256: string) =>
  ({ kind: 'image', id, url: `https://fleet.example/media/${id}.png`, sha256, sizeBytes: 10 }) as const;
const text = (id: string) => ({ kind: 'text', id, body: { vi: 'Xin chào', en: 'Hello' } }) as const;
const all: Availability = { media: () => true, htmlPackage: () => true, web: () => true };
const none: Availability = { media: () => false, htmlPackage: () => false, web: () => false };

function planFor(desired: DesiredDocument, available = all) {
  return buildPagePlan(desired, evaluateSchedule(desired, { now: NOW, trusted: true }), available);
}

describe('buildPagePlan', () => {
  it('points media at the local server and keeps durations in milliseconds', () => {
    const plan = planFor(doc({ defaultItem: image('map', SHA_A), defaultLoop: [text('hello')] }));
    expect(plan.zones).toEqual([
      {
        zone: 'main',
        layer: null,
        entryId: null,
        items: [
          { id: 'map', kind: 'image', durationMs: 10_000, src: `/media/${SHA_A}` },
          { id: 'hello', kind: 'text', durationMs: 15_000, body: { vi: 'Xin chào', en: 'Hello' } },
        ],
      },
    ]);
  });

  it('skips media that is not cached yet, and never leaves main empty', () => {
    const withText = planFor(doc({ defaultItem: image('map', SHA_A), defaultLoop: [text('hello')] }), none);
    expect(withText.zones[0]?.items.map((item) => item.id)).toEqual(['hello']);
    const nothing = planFor(doc({ defaultItem: image('map', SHA_A) }), none);
    expect(nothing.zones[0]?.items).toEqual([
      { id: PLACEHOLDER_ID, kind: 'text', durationMs: 60_000, body: { vi: 'Arrivals hall 1' } },
    ]);
  });

  it('falls back to the default loop when the scheduled items of main are not cached', () => {
    const plan = planFor(
      doc({
        defaultItem: text('welcome'),
        schedule: [{ id: 'ads', layer: 'filler', items: [image('ad', SHA_B)] }],
      }),
      { ...all, media: (sha) => sha !== SHA_B },
    );
    expect(plan.zones[0]?.items.map((item) => item.id)).toEqual(['welcome']);
  });

  it('gives the ticker text only, and keeps the layout and announcement layer', () => {
    const plan = planFor(
      doc({
        defaultItem: text('welcome'),
        layout: { kind: 'main-ticker', orientation: 'portrait', transition: 'slide' },
        schedule: [
          { id: 'alert', layer: 'announcement', items: [text('gate-change')] },
          { id: 'news', layer: 'operational', zone: 'ticker', items: [text('news'), image('logo', SHA_C)] },
        ],
      }),
    );
    expect(plan.layout).toEqual({ kind: 'main-ticker', orientation: 'portrait', transition: 'slide' });
    expect(plan.zones.map((zone) => [zone.zone, zone.layer, zone.items.map((item) => item.id)])).toEqual([
      ['main', 'announcement', ['gate-change']],
      ['ticker', 'operational', ['news']],
    ]);
  });

  it('gives the same id to the same plan and a new id to any change', () => {
    const desired = doc({ defaultItem: text('welcome') });
    expect(planFor(desired).id).toBe(planFor(desired).id);
    expect(planFor(doc({ defaultItem: text('other') })).id).not.toBe(planFor(desired).id);
  });

  it('skips web pages whose origin is not allow-listed', () => {
    const web = (id: string, url: string) => ({ kind: 'web', id, url }) as const;
    const plan = planFor(
      doc({
        defaultItem: web('flights', 'https://flights.example/board'),
        defaultLoop: [web('other', 'https://x.example/')],
      }),
      { ...all, web: (url) => url.startsWith('https://flights.example/') },
    );
    expect(plan.zones[0]?.items).toEqual([
      { id: 'flights', kind: 'web', durationMs: 30_000, src: 'https://flights.example/board' },
    ]);
  });

  it('serves html packages from their unpacked folder once they are unpacked', () => {
    const pkg = {
      kind: 'html-package',
      id: 'wayfinding',
      url: 'https://fleet.example/p.zip',
      sha256: SHA_C,
      sizeBytes: 5,
      entry: 'app/index page.html',
    } as const;
    const ready = planFor(doc({ defaultItem: pkg }));
    expect(ready.zones[0]?.items[0]).toMatchObject({ src: `/packages/${SHA_C}/app/index%20page.html` });
    const notYet = planFor(doc({ defaultItem: pkg, defaultLoop: [text('hello')] }), {
      ...all,
      htmlPackage: () => false,
    });
    expect(notYet.zones[0]?.items.map((item) => item.id)).toEqual(['hello']);
  });
});

describe('mediaNeeded', () => {
  it('covers the default loop, what plays now and what starts within 24 h, but not later', () => {
    const desired = doc({
      defaultItem: image('welcome', SHA_A),
      schedule: [
        // 18:00-20:00 local today: within the day ahead.
        {
          id: 'evening',
          layer: 'operational',
          timeFrom: '18:00',
          timeTo: '20:00',
          items: [image('evening', SHA_B)],
        },
        {
          id: 'later',
          layer: 'operational',
          notBefore: '2026-12-24T00:00:00Z',
          items: [image('xmas', SHA_C)],
        },
      ],
    });
    const shas = mediaNeeded(desired, { now: NOW, trusted: true }).map((ref) => ref.sha256);
    expect(shas.sort()).toEqual([SHA_A, SHA_B]);
  });

  it('lists each file once', () => {
    const desired = doc({ defaultItem: image('one', SHA_A), defaultLoop: [image('again', SHA_A)] });
    expect(mediaNeeded(desired, { now: NOW, trusted: true })).toEqual([
      { sha256: SHA_A, url: 'https://fleet.example/media/one.png', sizeBytes: 10 },
    ]);
  });
});
