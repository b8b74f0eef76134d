import { describe, expect, it } from 'vitest';
import { desiredSchema, type DesiredDocumentInput } from '@gatecast/protocol';
import { announcementShowing } from '../../../src/update/announcement-showing.js';

const text = (id: string) => ({ kind: 'text' as const, id, body: { en: id } });

function documentWith(schedule: NonNullable<DesiredDocumentInput['content']['schedule']>) {
  return desiredSchema.parse({
    version: 1,
    deviceId: 'cat-bi-arr-01',
    issuedAt: '2026-11-26T08:00:00.000Z',
    device: { name: 'Arrivals hall 1', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'en', languages: ['en'] },
    content: { defaultItem: text('welcome'), schedule },
  });
}

const now = new Date('2026-11-26T12:00:00Z');
const clock = { now, buildTime: new Date('2026-11-20T00:00:00Z'), synchronized: true };

describe('announcementShowing', () => {
  it('sees an announcement that the schedule shows now', () => {
    const announcing = documentWith([
      {
        id: 'evacuation',
        layer: 'announcement',
        items: [text('evacuate')],
        notAfter: '2026-11-26T12:30:00Z',
      },
    ]);
    expect(announcementShowing(announcing, clock)).toBe(true);
    expect(announcementShowing(announcing, { ...clock, now: new Date('2026-11-26T13:00:00Z') })).toBe(false);
  });

  it('ignores other layers, and everything when the clock is not trusted', () => {
    expect(
      announcementShowing(documentWith([{ id: 'ads', layer: 'filler', items: [text('ad')] }]), clock),
    ).toBe(false);
    const announcing = documentWith([{ id: 'evacuation', layer: 'announcement', items: [text('evacuate')] }]);
    expect(announcementShowing(announcing, { ...clock, synchronized: false })).toBe(false);
  });
});
