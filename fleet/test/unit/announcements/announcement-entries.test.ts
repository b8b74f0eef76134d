import { scheduleEntrySchema } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import type { Announcement } from '../../../src/announcements/announcement-model.js';
import { entryOf, StoredAnnouncementSource } from '../../../src/announcements/announcement-source.js';
import { receiptsOf } from '../../../src/announcements/receipts.js';
import type { DeviceRecord } from '../../../src/devices/devices-repo.js';

const base: Announcement = {
  id: 'a1b2c3d4e5f6',
  templateId: null,
  title: { vi: 'Thông báo', en: 'Notice' },
  body: { vi: 'Nội dung', en: 'Text' },
  targets: { gates: ['cat-bi'] },
  status: 'active',
  createdBy: 'u1',
  createdByName: 'duty.lan',
  createdAt: '2026-11-26T01:59:00.000Z',
  approvedBy: null,
  approvedByName: null,
  reviewComment: null,
  requestedStartAt: null,
  requestedExpiresAt: null,
  durationSec: null,
  startsAt: '2026-11-26T02:00:00.000Z',
  expiresAt: '2026-11-26T03:00:00.000Z',
  firedAt: '2026-11-26T02:00:00.000Z',
  cancelledAt: null,
  cancelledBy: null,
  capIdentifier: null,
  capSender: null,
};

const screen = (id: string, gateId: string, zoneId = 'hall') => ({ id, gateId, zoneId }) as DeviceRecord;

describe('announcement entries for the composer', () => {
  it('is a valid protocol entry: layer announcement, full screen, between start and expiry', () => {
    const entry = entryOf(base);
    expect(scheduleEntrySchema.parse(entry)).toEqual({
      id: 'ann-a1b2c3d4e5f6',
      layer: 'announcement',
      zone: 'main',
      notBefore: '2026-11-26T02:00:00.000Z',
      notAfter: '2026-11-26T03:00:00.000Z',
      items: [
        {
          kind: 'text',
          id: 'ann-a1b2c3d4e5f6',
          title: { vi: 'Thông báo', en: 'Notice' },
          body: { vi: 'Nội dung', en: 'Text' },
          durationSec: 60,
        },
      ],
    });
    expect(entryOf({ ...base, title: {} }).items[0]).not.toHaveProperty('title');
  });

  it('gives each screen the announcements that target it, until they expire; reads the store once per change', async () => {
    let reads = 0;
    const repo = {
      generation: 1,
      current: async () => {
        reads++;
        return [
          base,
          { ...base, id: 'ffffffffffff', targets: { all: true }, expiresAt: '2026-11-26T02:30:00.000Z' },
        ];
      },
    };
    const source = new StoredAnnouncementSource(repo);
    const at = (iso: string) => new Date(iso);
    const ids = async (device: DeviceRecord, iso: string) =>
      (await source.entriesFor(device, at(iso))).map((entry) => entry.id);
    expect(await ids(screen('s1', 'cat-bi'), '2026-11-26T02:10:00Z')).toEqual([
      'ann-a1b2c3d4e5f6',
      'ann-ffffffffffff',
    ]);
    expect(await ids(screen('s2', 'port'), '2026-11-26T02:10:00Z')).toEqual(['ann-ffffffffffff']);
    expect(await ids(screen('s2', 'port'), '2026-11-26T02:30:00Z')).toEqual([]);
    expect(await ids(screen('s1', 'cat-bi'), '2026-11-26T02:30:00Z')).toEqual(['ann-a1b2c3d4e5f6']);
    expect(reads).toBe(1);
    repo.generation = 2;
    await source.entriesFor(screen('s1', 'cat-bi'), at('2026-11-26T02:31:00Z'));
    expect(reads).toBe(2);
    // Another fleet process may have written meanwhile: a new compose round reads again, once.
    source.beginRound();
    await source.entriesFor(screen('s1', 'cat-bi'), at('2026-11-26T02:31:00Z'));
    await source.entriesFor(screen('s2', 'port'), at('2026-11-26T02:31:00Z'));
    expect(reads).toBe(3);
  });
});

describe('receipts', () => {
  it('lists every targeted screen, missing ones first, with the delay from firing on the fleet clock', () => {
    const view = receiptsOf(
      base,
      [
        { deviceId: 's1', deviceName: 'Arrivals 1', gateId: 'cat-bi', zoneId: 'hall' },
        { deviceId: 's2', deviceName: 'Arrivals 2', gateId: 'cat-bi', zoneId: 'hall' },
      ],
      [
        {
          deviceId: 's1',
          shownAt: '2026-11-26T02:00:00.900Z',
          screenshotSha256: 'b'.repeat(64),
          language: 'vi',
          receivedAt: '2026-11-26T02:00:01.250Z',
        },
      ],
      new Date('2026-11-26T02:05:00Z'),
    );
    expect(view).toMatchObject({ state: 'live', targeted: 2, shown: 1 });
    expect(view.screens.map((row) => [row.deviceId, row.shown, row.secondsFromFire])).toEqual([
      ['s2', false, null],
      ['s1', true, 1.3],
    ]);
  });
});
