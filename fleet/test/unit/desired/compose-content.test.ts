import { desiredSchema, type ScheduleEntry } from '@gatecast/protocol';
import { evaluateSchedule } from '@gatecast/protocol/schedule';
import { describe, expect, it } from 'vitest';
import type {
  ContentItemWork,
  ItemSpec,
  LayoutSetting,
  PlaylistWork,
  ScheduleSpec,
  ScheduleWork,
  Targets,
} from '../../../src/content/content-specs.js';
import type { ContentSnapshot } from '../../../src/desired/compose-content.js';
import { composeDesired } from '../../../src/desired/compose-desired.js';
import type { DeviceRecord } from '../../../src/devices/devices-repo.js';
import type { Gate } from '../../../src/gates/gates-repo.js';
import type { LibraryMedia, MediaCatalog } from '../../../src/library/media-catalog.js';
import type { ApprovalState } from '../../../src/approval/approval-workflow.js';

const at = '2026-11-26T08:00:00.000Z';
const SHA = 'a'.repeat(64);

const airport: Gate = {
  id: 'cat-bi-airport',
  name: 'Cat Bi International Airport',
  timeZone: 'Asia/Ho_Chi_Minh',
  languages: ['vi', 'en'],
  createdAt: at,
  zones: [],
};

function screen(id: string, where: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    id,
    name: id,
    gateId: 'cat-bi-airport',
    zoneId: 'arrivals-hall',
    tags: [],
    createdAt: at,
    presence: { state: 'online', since: at, lastSeenAt: at },
    agentVersion: '0.1.0',
    reported: null,
    reportedAt: null,
    lastTelemetry: null,
    lastTelemetryAt: null,
    ...where,
  };
}

const base = {
  revision: 1,
  authorId: 'u-editor',
  reviewerId: null,
  reviewComment: null,
  createdAt: at,
  updatedAt: at,
};

function item(id: string, spec: ItemSpec, state: ApprovalState = 'published'): ContentItemWork {
  return { id, type: 'item', gateId: null, name: id, spec, state, ...base };
}

function text(id: string, body: string, state: ApprovalState = 'published'): ContentItemWork {
  return item(id, { kind: 'text', body: { vi: body, en: body } }, state);
}

function playlist(id: string, itemIds: string[], state: ApprovalState = 'published'): PlaylistWork {
  return {
    id,
    type: 'playlist',
    gateId: null,
    name: id,
    spec: { entries: itemIds.map((itemId) => ({ itemId })) },
    state,
    ...base,
  };
}

const NO_TARGETS: Targets = { gates: [], zones: [], tags: [], devices: [] };

function schedule(
  id: string,
  spec: Partial<ScheduleSpec> & { playlistId: string },
  options: { state?: ApprovalState; gateId?: string | null } = {},
): ScheduleWork {
  return {
    id,
    type: 'schedule',
    gateId: options.gateId ?? null,
    name: id,
    spec: { zone: 'main', layer: 'operational', windows: [], targets: NO_TARGETS, ...spec },
    state: options.state ?? 'published',
    ...base,
  };
}

function snapshot(parts: {
  items?: ContentItemWork[];
  playlists?: PlaylistWork[];
  schedules?: ScheduleWork[];
  layouts?: LayoutSetting[];
}): ContentSnapshot {
  return {
    items: new Map((parts.items ?? []).map((work) => [work.id, work])),
    playlists: new Map((parts.playlists ?? []).map((work) => [work.id, work])),
    schedules: parts.schedules ?? [],
    layouts: parts.layouts ?? [],
  };
}

/** One published text in one published playlist: the smallest content that reaches a screen. */
const notice = text('i-notice', 'Xuất trình hộ chiếu');
const notices = playlist('p-notices', ['i-notice']);

function compose(
  content: ContentSnapshot,
  device = screen('cat-bi-arr-01'),
  extra: { announcements?: ScheduleEntry[]; media?: MediaCatalog; mediaBaseUrl?: string } = {},
) {
  const document = composeDesired({ device, gate: airport, version: 1, issuedAt: at, content, ...extra });
  expect(desiredSchema.safeParse(document).success).toBe(true);
  return document;
}

const ids = (entries: readonly ScheduleEntry[]) => entries.map((entry) => entry.id);

describe('composition: only published work whose every part is published reaches a screen', () => {
  it('puts a published schedule of a published playlist of published items into the document', () => {
    const document = compose(
      snapshot({
        items: [notice],
        playlists: [notices],
        schedules: [schedule('s-1', { playlistId: 'p-notices' })],
      }),
    );
    expect(document.content.schedule).toEqual([
      {
        id: 's-1',
        layer: 'operational',
        zone: 'main',
        items: [
          {
            kind: 'text',
            id: 'i-notice',
            body: notice.spec.kind === 'text' && notice.spec.body,
            durationSec: 15,
          },
        ],
      },
    ]);
  });

  it.each(['draft', 'submitted', 'approved', 'rejected'] as const)(
    'leaves out a schedule that is %s',
    (state) => {
      const document = compose(
        snapshot({
          items: [notice],
          playlists: [notices],
          schedules: [schedule('s-1', { playlistId: 'p-notices' }, { state })],
        }),
      );
      expect(document.content.schedule).toEqual([]);
    },
  );

  it('leaves out a published schedule whose playlist is not published', () => {
    const document = compose(
      snapshot({
        items: [notice],
        playlists: [playlist('p-notices', ['i-notice'], 'approved')],
        schedules: [schedule('s-1', { playlistId: 'p-notices' })],
      }),
    );
    expect(document.content.schedule).toEqual([]);
  });

  it('leaves an unpublished item out of a published playlist, keeping the others in order', () => {
    const document = compose(
      snapshot({
        items: [text('i-a', 'A'), text('i-b', 'B', 'draft'), text('i-c', 'C')],
        playlists: [playlist('p-abc', ['i-a', 'i-b', 'i-c'])],
        schedules: [schedule('s-1', { playlistId: 'p-abc' })],
      }),
    );
    expect(document.content.schedule[0]?.items.map((entry) => entry.id)).toEqual(['i-a', 'i-c']);
  });

  it('drops an entry with no items left', () => {
    const document = compose(
      snapshot({
        items: [text('i-a', 'A', 'submitted')],
        playlists: [playlist('p-a', ['i-a'])],
        schedules: [schedule('s-1', { playlistId: 'p-a' })],
      }),
    );
    expect(document.content.schedule).toEqual([]);
  });

  it('gives media items the fleet URL, hash and size from the library, and leaves out media the library lacks', () => {
    const media: LibraryMedia = {
      sha256: SHA,
      name: 'hai-phong-port.png',
      kind: 'image',
      contentType: 'image/png',
      sizeBytes: 1234,
      probe: null,
      warnings: [],
      uploadedBy: 'u-editor',
      uploadedAt: at,
    };
    const content = snapshot({
      items: [
        item('i-photo', { kind: 'image', sha256: SHA }),
        item('i-gone', { kind: 'image', sha256: 'b'.repeat(64) }),
      ],
      playlists: [playlist('p-photos', ['i-photo', 'i-gone'])],
      schedules: [schedule('s-1', { playlistId: 'p-photos' })],
    });
    const catalog: MediaCatalog = { get: (sha256) => (sha256 === SHA ? media : undefined) };
    const document = compose(content, undefined, {
      media: catalog,
      mediaBaseUrl: 'http://fleet.example:8080/',
    });
    expect(document.content.schedule[0]?.items).toEqual([
      {
        kind: 'image',
        id: 'i-photo',
        url: `http://fleet.example:8080/api/v1/device/media/${SHA}`,
        sha256: SHA,
        sizeBytes: 1234,
        durationSec: 10,
      },
    ]);
  });

  it('takes a per-entry duration from the playlist over the item’s own', () => {
    const content = snapshot({
      items: [notice],
      playlists: [{ ...notices, spec: { entries: [{ itemId: 'i-notice', durationSec: 42 }] } }],
      schedules: [schedule('s-1', { playlistId: 'p-notices' })],
    });
    expect(compose(content).content.schedule[0]?.items[0]).toMatchObject({ durationSec: 42 });
  });
});

describe('composition: targets', () => {
  const arrivals = screen('cat-bi-arr-01', { zoneId: 'arrivals-hall', tags: ['wall'] });
  const departures = screen('cat-bi-dep-01', { zoneId: 'departures' });
  const port = screen('port-term-01', { gateId: 'hai-phong-port', zoneId: 'terminal', tags: ['wall'] });
  const targeted = (targets: Partial<Targets>, gateId: string | null = null) =>
    snapshot({
      items: [notice],
      playlists: [notices],
      schedules: [
        schedule('s-1', { playlistId: 'p-notices', targets: { ...NO_TARGETS, ...targets } }, { gateId }),
      ],
    });
  const reaches = (content: ContentSnapshot, device: DeviceRecord) =>
    compose(content, device).content.schedule.length > 0;

  it('reaches every screen of the fleet when fleet-wide and untargeted', () => {
    const content = targeted({});
    expect([arrivals, departures, port].map((device) => reaches(content, device))).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('reaches every screen of its gate, and no other, when owned by a gate and untargeted', () => {
    const content = targeted({}, 'cat-bi-airport');
    expect([arrivals, departures, port].map((device) => reaches(content, device))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('by gate', () => {
    const content = targeted({ gates: ['hai-phong-port'] });
    expect([arrivals, departures, port].map((device) => reaches(content, device))).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('by zone (zone ids are per gate)', () => {
    const content = targeted({ zones: [{ gateId: 'cat-bi-airport', zoneId: 'departures' }] });
    expect([arrivals, departures, port].map((device) => reaches(content, device))).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('by tag, across gates for fleet-wide work, within its gate for gate work', () => {
    expect(
      [arrivals, departures, port].map((device) => reaches(targeted({ tags: ['wall'] }), device)),
    ).toEqual([true, false, true]);
    const gateOwned = targeted({ tags: ['wall'] }, 'cat-bi-airport');
    expect([arrivals, departures, port].map((device) => reaches(gateOwned, device))).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('by device', () => {
    const content = targeted({ devices: ['cat-bi-dep-01'] });
    expect([arrivals, departures, port].map((device) => reaches(content, device))).toEqual([
      false,
      true,
      false,
    ]);
  });
});

describe('composition: layers and order', () => {
  it('lists higher layers first, then the more specific target, so the screen picks the same winner', () => {
    const device = screen('cat-bi-arr-01', { tags: ['wall'] });
    const content = snapshot({
      items: [notice],
      playlists: [notices],
      schedules: [
        schedule('s-filler', { playlistId: 'p-notices', layer: 'filler' }),
        schedule('s-ops-all', { playlistId: 'p-notices', layer: 'operational' }),
        schedule('s-official', { playlistId: 'p-notices', layer: 'official' }),
        schedule('s-ops-device', {
          playlistId: 'p-notices',
          layer: 'operational',
          targets: { ...NO_TARGETS, devices: ['cat-bi-arr-01'] },
        }),
      ],
    });
    expect(ids(compose(content, device).content.schedule)).toEqual([
      's-official',
      's-ops-device',
      's-ops-all',
      's-filler',
    ]);
  });

  it('puts announcement entries first: they cover everything on the screen', () => {
    const announcement: ScheduleEntry = {
      id: 'ann-7',
      layer: 'announcement',
      zone: 'main',
      notBefore: '2026-11-26T08:00:00.000Z',
      notAfter: '2026-11-26T09:00:00.000Z',
      items: [
        {
          kind: 'text',
          id: 'ann-7-text',
          body: { vi: 'Thông báo khẩn', en: 'Urgent notice' },
          durationSec: 15,
        },
      ],
    };
    const content = snapshot({
      items: [notice],
      playlists: [notices],
      schedules: [schedule('s-official', { playlistId: 'p-notices', layer: 'official' })],
    });
    const document = compose(content, undefined, { announcements: [announcement] });
    expect(ids(document.content.schedule)).toEqual(['ann-7', 's-official']);
    const plan = evaluateSchedule(document, { now: new Date('2026-11-26T08:30:00.000Z'), trusted: true });
    expect(plan.zones.main).toMatchObject({ entryId: 'ann-7', layer: 'announcement' });
    const after = evaluateSchedule(document, { now: new Date('2026-11-26T09:00:00.000Z'), trusted: true });
    expect(after.zones.main).toMatchObject({ entryId: 's-official' });
  });
});

describe('composition: dates, weekdays and windows', () => {
  /** What main shows at a local Hai Phong time (UTC+7). */
  const showsAt = (content: ContentSnapshot, local: string) =>
    evaluateSchedule(compose(content), { now: new Date(`${local}+07:00`), trusted: true }).zones.main
      ?.entryId ?? null;

  it('runs an overnight window from the evening into the next morning', () => {
    const content = snapshot({
      items: [notice],
      playlists: [notices],
      schedules: [
        schedule('s-night', { playlistId: 'p-notices', windows: [{ from: '22:00', to: '06:00' }] }),
      ],
    });
    expect(compose(content).content.schedule[0]).toMatchObject({ timeFrom: '22:00', timeTo: '06:00' });
    expect(showsAt(content, '2026-11-26T21:59:00')).toBeNull();
    expect(showsAt(content, '2026-11-26T23:30:00')).toBe('s-night');
    expect(showsAt(content, '2026-11-27T05:59:00')).toBe('s-night');
    expect(showsAt(content, '2026-11-27T06:00:00')).toBeNull();
  });

  it('gives each window of a dayparted schedule its own entry', () => {
    const content = snapshot({
      items: [notice],
      playlists: [notices],
      schedules: [
        schedule('s-rush', {
          playlistId: 'p-notices',
          windows: [
            { from: '06:00', to: '09:00' },
            { from: '17:00', to: '20:00' },
          ],
          weekdays: [5, 1, 2, 3, 4],
          dateFrom: '2026-11-01',
          dateTo: '2026-12-31',
        }),
      ],
    });
    const entries = compose(content).content.schedule;
    expect(ids(entries)).toEqual(['s-rush.w1', 's-rush.w2']);
    expect(entries[0]).toMatchObject({
      weekdays: [1, 2, 3, 4, 5],
      dateFrom: '2026-11-01',
      dateTo: '2026-12-31',
    });
    // Thursday 26 November 2026.
    expect(showsAt(content, '2026-11-26T07:00:00')).toBe('s-rush.w1');
    expect(showsAt(content, '2026-11-26T12:00:00')).toBeNull();
    expect(showsAt(content, '2026-11-26T18:00:00')).toBe('s-rush.w2');
    // Saturday 28 November: not a weekday of the schedule.
    expect(showsAt(content, '2026-11-28T07:00:00')).toBeNull();
  });
});

describe('composition: layouts', () => {
  const layout = (scope: Partial<LayoutSetting>, kind: LayoutSetting['layout']['kind']): LayoutSetting => ({
    gateId: 'cat-bi-airport',
    zoneId: null,
    deviceId: null,
    layout: { kind, orientation: 'landscape', transition: 'fade' },
    updatedBy: 'u-admin',
    updatedAt: at,
    ...scope,
  });
  const kindFor = (layouts: LayoutSetting[], device: DeviceRecord) =>
    compose(snapshot({ layouts }), device).content.layout.kind;

  it('is full screen when nothing is set', () => {
    expect(kindFor([], screen('cat-bi-arr-01'))).toBe('full');
  });

  it('takes the device’s own over its zone’s over its gate’s', () => {
    const layouts = [
      layout({}, 'main-ticker'),
      layout({ zoneId: 'arrivals-hall' }, 'main-side-ticker'),
      layout({ deviceId: 'cat-bi-arr-01' }, 'full'),
    ];
    expect(kindFor(layouts, screen('cat-bi-arr-01'))).toBe('full');
    expect(kindFor(layouts, screen('cat-bi-arr-02'))).toBe('main-side-ticker');
    expect(kindFor(layouts, screen('cat-bi-dep-01', { zoneId: 'departures' }))).toBe('main-ticker');
    expect(kindFor(layouts, screen('port-01', { gateId: 'hai-phong-port', zoneId: 'arrivals-hall' }))).toBe(
      'full',
    );
  });

  it('shows the ticker zone only with a layout that has one', () => {
    const ticker = snapshot({
      items: [notice],
      playlists: [notices],
      schedules: [schedule('s-ticker', { playlistId: 'p-notices', zone: 'ticker' })],
    });
    const now = { now: new Date(at), trusted: true };
    expect(evaluateSchedule(compose(ticker), now).zones.ticker).toBeUndefined();
    const withTicker = { ...ticker, layouts: [layout({}, 'main-ticker')] };
    expect(evaluateSchedule(compose(withTicker), now).zones.ticker).toMatchObject({ entryId: 's-ticker' });
  });
});
