import { GatecastError } from '@gatecast/protocol';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Announcement } from '../../../src/announcements/announcement-model.js';
import { AnnouncementsRepo, type NewAnnouncement } from '../../../src/announcements/announcements-repo.js';
import { TemplatesRepo, type AnnouncementTemplate } from '../../../src/announcements/templates-repo.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { silentLogger } from '../store/temp-store.js';

// The announcement and template repos on both stores. The rules (approval, CAP, expiry, receipts)
// are tested through the API in announcements-api and cap-endpoint tests.
const T0 = '2026-11-26T02:00:00.000Z';
const EXPIRES = '2026-11-26T03:00:00.000Z';

function draft(overrides: Partial<NewAnnouncement> = {}): NewAnnouncement {
  return {
    templateId: null,
    title: { en: 'Typhoon' },
    body: { en: 'Please follow the staff.' },
    targets: { gates: ['cat-bi'] },
    status: 'awaiting-approval',
    createdBy: 'u-1',
    createdByName: 'duty',
    createdAt: T0,
    approvedBy: null,
    approvedByName: null,
    reviewComment: null,
    requestedStartAt: null,
    requestedExpiresAt: null,
    durationSec: 1800,
    startsAt: null,
    expiresAt: null,
    firedAt: null,
    cancelledAt: null,
    cancelledBy: null,
    capIdentifier: null,
    capSender: null,
    ...overrides,
  };
}

const live = (a: Announcement, expiresAt = EXPIRES): Announcement => ({
  ...a,
  status: 'active',
  startsAt: T0,
  expiresAt,
  firedAt: T0,
});

const screen = (deviceId: string) => ({
  deviceId,
  deviceName: deviceId,
  gateId: 'cat-bi',
  zoneId: 'arrivals',
});

function template(
  overrides: Partial<Omit<AnnouncementTemplate, 'id'>> = {},
): Omit<AnnouncementTemplate, 'id'> {
  return {
    name: 'typhoon-warning',
    gateId: null,
    title: { en: 'Typhoon' },
    body: { en: 'A typhoon is approaching.' },
    autoFire: true,
    state: 'draft',
    revision: 1,
    authorId: 'u-1',
    reviewerId: null,
    reviewComment: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

describe.each(STORE_DIALECTS)('the announcement repos (%s)', (dialect) => {
  let store: TestStore;
  let repo: AnnouncementsRepo;
  let templates: TemplatesRepo;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    repo = new AnnouncementsRepo(store.sql, silentLogger());
    templates = new TemplatesRepo(store.sql, silentLogger());
  });
  afterEach(async () => store?.dispose());

  it('stores, lists by status newest first, and finds by CAP reference', async () => {
    const first = await repo.create(draft());
    const second = await repo.create(
      draft({ createdAt: '2026-11-26T02:05:00.000Z', capSender: 'vndms', capIdentifier: 'a-1' }),
    );
    expect(await repo.get(first.id)).toEqual(first);
    expect(await repo.get('nope')).toBeUndefined();
    expect((await repo.list()).map((a) => a.id)).toEqual([second.id, first.id]);
    expect(await repo.list({ statuses: ['active'] })).toEqual([]);
    expect(await repo.list({ statuses: [] })).toEqual([]);
    expect(
      (await repo.list({ statuses: ['awaiting-approval', 'active'], limit: 1 })).map((a) => a.id),
    ).toEqual([second.id]);
    expect((await repo.byCapReference('vndms', 'a-1')).map((a) => a.id)).toEqual([second.id]);
    await repo.tagCap(first.id, { sender: 'vndms', identifier: 'a-2' });
    expect(await repo.get(first.id)).toMatchObject({
      capSender: 'vndms',
      capIdentifier: 'a-2',
      durationSec: 1800,
    });
  });

  it('activates only what still awaits, records its screens once, and finds the expiries', async () => {
    const a = await repo.create(draft());
    const generation = repo.generation;
    expect(
      await repo.activate(live(a), [screen('s2'), screen('s1'), screen('s1')], 'awaiting-approval'),
    ).toBe(true);
    expect(repo.generation).toBeGreaterThan(generation);
    expect(await repo.activate(live(a), [screen('s3')], 'awaiting-approval')).toBe(false);
    expect((await repo.screensOf(a.id)).map((s) => s.deviceId)).toEqual(['s1', 's2']);
    expect(await repo.update({ ...live(a), status: 'rejected' }, 'awaiting-approval')).toBe(false);
    expect((await repo.get(a.id))?.status).toBe('active');

    const b = await repo.create(draft());
    await repo.activate(live(b, '2026-11-26T02:30:00.000Z'), [], 'awaiting-approval');
    const now = new Date('2026-11-26T02:10:00.000Z');
    expect((await repo.current(now)).map((x) => x.id)).toEqual([a.id, b.id].sort());
    expect(await repo.nextExpiry(now)).toBe('2026-11-26T02:30:00.000Z');
    expect(await repo.nextExpiry(new Date(EXPIRES))).toBeNull();
    expect(await repo.expiredBetween(now, new Date('2026-11-26T02:45:00.000Z'))).toEqual([b.id]);

    expect(await repo.update({ ...live(a), status: 'cancelled', cancelledAt: T0 })).toBe(true);
    expect((await repo.current(now)).map((x) => x.id)).toEqual([b.id]);
  });

  it('counts the targeted screens and reads each one’s first receipt', async () => {
    const a = await repo.create(draft());
    await repo.activate(live(a), [screen('s1'), screen('s2')], 'awaiting-approval');
    expect(await repo.counts(a.id)).toEqual({ targeted: 2, shown: 0 });
    const shown = (device: string, id: string, at: string, entryId = `ann-${a.id}`) =>
      store.sql.run(
        sql`INSERT INTO device_events (device_id, id, gate_id, kind, at, received_at, body)
            VALUES (${device}, ${id}, 'cat-bi', 'announcement-shown', ${at}, ${at},
              ${JSON.stringify({ entryId, shownAt: at, screenshotSha256: 'ab'.repeat(32), language: 'en' })})`,
      );
    await shown('s1', 'e-2', '2026-11-26T02:00:09.000Z');
    await shown('s1', 'e-1', '2026-11-26T02:00:05.000Z');
    await shown('s2', 'e-3', '2026-11-26T02:00:07.000Z', 'ann-other');
    await shown('s9', 'e-4', '2026-11-26T02:00:07.000Z');
    expect(await repo.counts(a.id)).toEqual({ targeted: 2, shown: 1 });
    expect(await repo.receiptsOf(a.id)).toEqual([
      {
        deviceId: 's1',
        shownAt: '2026-11-26T02:00:05.000Z',
        screenshotSha256: 'ab'.repeat(32),
        language: 'en',
        receivedAt: '2026-11-26T02:00:05.000Z',
      },
    ]);
  });

  it('stores templates, finds them by id or name, refuses a second name, and updates only unchanged ones', async () => {
    const typhoon = await templates.create(template());
    const flood = await templates.create(template({ name: 'flood', gateId: 'cat-bi', autoFire: false }));
    expect(await templates.find(typhoon.id)).toEqual(typhoon);
    expect(await templates.find('flood')).toEqual(flood);
    expect(await templates.find('nothing')).toBeUndefined();
    expect((await templates.list()).map((t) => t.name)).toEqual(['flood', 'typhoon-warning']);
    await expect(templates.create(template())).rejects.toSatisfy(
      (error) => error instanceof GatecastError && error.code === 'CONFLICT',
    );
    const submitted = { ...typhoon, state: 'submitted' as const };
    expect(await templates.update(submitted, typhoon)).toBe(true);
    expect(await templates.update({ ...typhoon, state: 'approved' }, typhoon)).toBe(false);
    expect((await templates.find(typhoon.id))?.state).toBe('submitted');
    await expect(templates.update({ ...submitted, name: 'flood' }, submitted)).rejects.toSatisfy(
      (error) => error instanceof GatecastError && error.code === 'CONFLICT',
    );
  });
});
