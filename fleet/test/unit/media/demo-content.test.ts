import { desiredSchema } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../../../src/devices/devices-repo.js';
import { composeDesired } from '../../../src/desired/compose-desired.js';
import { DEMO_TICKER_ENTRY_ID, PASSPORT_READY, demoContent } from '../../../src/desired/demo-content.js';
import { WELCOME_TO_HAI_PHONG } from '../../../src/desired/welcome-text.js';
import { DEFAULT_LANGUAGES, type Gate } from '../../../src/gates/gates-repo.js';
import { mediaLibraryOf, type MediaFile } from '../../../src/media/media-library.js';

const issuedAt = '2026-11-26T08:00:00.000Z';
const fleetUrl = 'http://fleet.example:8080/';

function file(name: string, fill: string, contentType: string): MediaFile {
  return { sha256: fill.repeat(64), name, path: `/media/${name}`, sizeBytes: 1234, contentType };
}

const library = mediaLibraryOf([
  file('cat-bi-airport.png', 'a', 'image/png'),
  file('hai-phong-port.png', 'b', 'image/png'),
  file('hoa-phuong.png', 'c', 'image/png'),
  file('hai-phong-port-pan.webm', 'd', 'video/webm'),
]);

const port: Gate = {
  id: 'hai-phong-port',
  name: 'Port of Hai Phong',
  timeZone: 'Asia/Ho_Chi_Minh',
  languages: [...DEFAULT_LANGUAGES],
  createdAt: issuedAt,
  zones: [
    { id: 'passenger-terminal', gateId: 'hai-phong-port', name: 'Passenger terminal', createdAt: issuedAt },
  ],
};

const screen: DeviceRecord = {
  id: 'hai-phong-port-terminal-01',
  name: 'Passenger terminal, entrance',
  gateId: 'hai-phong-port',
  zoneId: 'passenger-terminal',
  tags: [],
  createdAt: issuedAt,
  presence: { state: 'online', since: issuedAt, lastSeenAt: issuedAt },
  agentVersion: '0.1.0',
  reported: null,
  reportedAt: null,
  lastTelemetry: null,
  lastTelemetryAt: null,
};

describe('demo content', () => {
  const demo = { media: library, fleetUrl };
  const document = composeDesired({ device: screen, gate: port, version: 1, issuedAt, demo });

  it('is a desired document the protocol accepts unchanged', () => {
    const parsed = desiredSchema.safeParse(document);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data).toEqual(document);
  });

  it('keeps the welcome text first and loops three pictures, the video and a passport reminder', () => {
    expect(document.content.defaultItem.kind).toBe('text');
    expect(document.content.defaultLoop.map((item) => item.kind)).toEqual([
      'image',
      'image',
      'image',
      'video',
      'text',
    ]);
  });

  it('points every media item at the fleet by sha256, with the size the device verifies', () => {
    for (const item of document.content.defaultLoop) {
      if (item.kind !== 'image' && item.kind !== 'video') continue;
      expect(item.url).toBe(`http://fleet.example:8080/api/v1/device/media/${item.sha256}`);
      expect(library.get(item.sha256)?.sizeBytes).toBe(item.sizeBytes);
    }
  });

  it('runs a ticker under main in every language of the gate', () => {
    expect(document.content.layout.kind).toBe('main-ticker');
    const ticker = document.content.schedule.find((entry) => entry.id === DEMO_TICKER_ENTRY_ID);
    expect(ticker?.zone).toBe('ticker');
    expect(ticker?.layer).toBe('filler');
    // No dates or times: the ticker always runs.
    expect(ticker?.timeFrom ?? ticker?.dateFrom ?? ticker?.notAfter).toBeUndefined();
    const body = ticker?.items[0]?.kind === 'text' ? ticker.items[0].body : {};
    expect(Object.keys(body).sort()).toEqual([...DEFAULT_LANGUAGES].sort());
    expect(body.lo).toContain(WELCOME_TO_HAI_PHONG.lo);
    expect(body.km).toContain(PASSPORT_READY.km);
  });

  it('leaves out media the library does not have, and stays valid', () => {
    const partial = demoContent({ media: mediaLibraryOf([]), fleetUrl }, ['vi', 'en']);
    expect(partial.defaultLoop?.map((item) => item.kind)).toEqual(['text']);
    const composed = composeDesired({
      device: screen,
      gate: port,
      version: 1,
      issuedAt,
      demo: { media: mediaLibraryOf([]), fleetUrl },
    });
    expect(desiredSchema.safeParse(composed).success).toBe(true);
  });

  it('is off unless asked for: the plain document has no loop and a full-screen layout', () => {
    const plain = composeDesired({ device: screen, gate: port, version: 1, issuedAt });
    expect(plain.content.defaultLoop).toEqual([]);
    expect(plain.content.layout.kind).toBe('full');
    expect(plain.content.schedule).toEqual([]);
  });
});
