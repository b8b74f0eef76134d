import {
  commandRequestSchema,
  desiredSchema,
  parseMessage,
  type DesiredDocumentInput,
} from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import {
  announcementEntries,
  commandResult,
  receiptEvent,
  reportedMessage,
  statusMessage,
  telemetryMessage,
  topic,
} from '../../../sim/sim-messages.js';

const NOW = new Date('2026-11-26T09:00:00.000Z');
const ID = 'sim-s00001';

/** Every message goes through the fleet's own parser: topic, size, JSON and schema. */
function accepted(kind: string, body: unknown) {
  const parsed = parseMessage(topic(ID, kind), JSON.stringify(body));
  if (!parsed.ok) throw new Error(`${kind} refused: ${parsed.code} ${parsed.reason}`);
  return parsed;
}

function desired(schedule: DesiredDocumentInput['content']['schedule']) {
  return desiredSchema.parse({
    version: 7,
    deviceId: ID,
    issuedAt: NOW.toISOString(),
    device: { name: 'Simulated screen 1', gateId: 'sim', zoneId: 'zone-1' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'] },
    content: { defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Xin chào' } }, schedule },
  });
}

function announcement(id: string, notBefore: string, notAfter: string) {
  return {
    id,
    layer: 'announcement' as const,
    zone: 'main' as const,
    notBefore,
    notAfter,
    items: [
      { kind: 'text' as const, id, title: { vi: 'Khẩn', en: 'Urgent' }, body: { vi: 'Bão', en: 'Storm' } },
    ],
  };
}

describe('simulated screen messages (protocol v1)', () => {
  it('status, will, reported and telemetry pass the protocol schemas', () => {
    expect(accepted('status', statusMessage('online', NOW)).payload).toMatchObject({ state: 'online' });
    expect(accepted('status', statusMessage('offline')).payload).toEqual({ state: 'offline' });
    expect(accepted('reported', reportedMessage(null, NOW)).payload).toMatchObject({
      phase: 'starting',
      appliedVersion: null,
    });
    expect(accepted('reported', reportedMessage(7, NOW)).payload).toMatchObject({
      phase: 'applied',
      appliedVersion: 7,
    });
    const telemetry = accepted(
      'telemetry',
      telemetryMessage(NOW, 3600.4, () => 0.5),
    );
    expect(telemetry.payload).toMatchObject({ uptimeSec: 3600, cpu: { loadPercent: 8 } });
  });

  it('answers ping, refuses other commands and expired ones with catalogue codes', () => {
    const request = (name: string, expiresAt?: string) =>
      commandRequestSchema.parse({
        id: 'req-0001',
        name,
        issuedAt: NOW.toISOString(),
        ...(expiresAt ? { expiresAt } : {}),
        ...(name === 'display' ? { args: { action: 'on' } } : {}),
      });
    expect(accepted('cmd/res', commandResult(request('ping'), NOW)).payload).toMatchObject({
      id: 'req-0001',
      ok: true,
    });
    expect(accepted('cmd/res', commandResult(request('reboot'), NOW)).payload).toMatchObject({
      ok: false,
      problem: { code: 'UNKNOWN_COMMAND' },
    });
    expect(
      accepted('cmd/res', commandResult(request('ping', '2026-11-26T08:59:59.000Z'), NOW)).payload,
    ).toMatchObject({
      ok: false,
      problem: { code: 'COMMAND_EXPIRED' },
    });
  });

  it('sends a receipt for a live announcement only, valid as an announcement-shown event', () => {
    const doc = desired([
      announcement('ann-live', '2026-11-26T08:59:00.000Z', '2026-11-26T10:00:00.000Z'),
      announcement('ann-later', '2026-11-26T09:05:00.000Z', '2026-11-26T10:00:00.000Z'),
      announcement('ann-over', '2026-11-26T08:00:00.000Z', '2026-11-26T09:00:00.000Z'),
      {
        id: 'official',
        layer: 'official',
        zone: 'main',
        items: [{ kind: 'text', id: 'law', body: { vi: 'Luật' } }],
      },
    ]);
    const { live, later } = announcementEntries(doc, NOW);
    expect(live.map((entry) => entry.id)).toEqual(['ann-live']);
    expect(later).toEqual([{ entry: expect.objectContaining({ id: 'ann-later' }), startsInMs: 300_000 }]);
    const receipt = receiptEvent(live[0]!, doc, NOW);
    expect(accepted('events', receipt).payload).toEqual({
      id: receipt.id,
      at: NOW.toISOString(),
      kind: 'announcement-shown',
      entryId: 'ann-live',
      itemId: 'ann-live',
      language: 'vi',
      shownAt: NOW.toISOString(),
      screenshotSha256: null,
    });
    expect(receiptEvent(live[0]!, doc, NOW).id).not.toBe(receipt.id);
  });
});
