import { desiredSchema, type DesiredDocument } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../../../src/devices/devices-repo.js';
import { composeDesired, WELCOME_ITEM_ID } from '../../../src/desired/compose-desired.js';
import { sameContent } from '../../../src/desired/same-content.js';
import { WELCOME_TO_HAI_PHONG, welcomeText } from '../../../src/desired/welcome-text.js';
import { DEFAULT_LANGUAGES, type Gate } from '../../../src/gates/gates-repo.js';

const issuedAt = '2026-11-26T08:00:00.000Z';

const airport: Gate = {
  id: 'cat-bi-airport',
  name: 'Cat Bi International Airport',
  timeZone: 'Asia/Ho_Chi_Minh',
  languages: [...DEFAULT_LANGUAGES],
  createdAt: issuedAt,
  zones: [{ id: 'arrivals-hall', gateId: 'cat-bi-airport', name: 'Arrivals hall', createdAt: issuedAt }],
};

const screen: DeviceRecord = {
  id: 'cat-bi-arr-01',
  name: 'Arrivals wall',
  gateId: 'cat-bi-airport',
  zoneId: 'arrivals-hall',
  tags: ['wall', 'immigration'],
  createdAt: issuedAt,
  presence: { state: 'online', since: issuedAt, lastSeenAt: issuedAt },
  agentVersion: '0.1.0',
  reported: null,
  reportedAt: null,
  lastTelemetry: null,
  lastTelemetryAt: null,
};

describe('composeDesired', () => {
  it('produces a document the protocol accepts unchanged', () => {
    const document = composeDesired({ device: screen, gate: airport, version: 7, issuedAt });
    const parsed = desiredSchema.safeParse(document);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(document);
  });

  it('carries the device identity and placement', () => {
    const document = composeDesired({ device: screen, gate: airport, version: 7, issuedAt });
    expect(document).toMatchObject({
      version: 7,
      deviceId: 'cat-bi-arr-01',
      issuedAt,
      device: {
        name: 'Arrivals wall',
        gateId: 'cat-bi-airport',
        zoneId: 'arrivals-hall',
        tags: ['wall', 'immigration'],
      },
    });
  });

  it('takes time zone and languages from the gate, the first language as the locale', () => {
    const port: Gate = {
      ...airport,
      id: 'hai-phong-port',
      timeZone: 'Asia/Bangkok',
      languages: ['en', 'vi', 'zh-Hans'],
    };
    const document = composeDesired({ device: screen, gate: port, version: 1, issuedAt });
    expect(document.display).toEqual({
      timeZone: 'Asia/Bangkok',
      locale: 'en',
      languages: ['en', 'vi', 'zh-Hans'],
      languageRotationSec: 8,
    });
  });

  it('welcomes in exactly the gate languages, titled with the gate name', () => {
    const document = composeDesired({ device: screen, gate: airport, version: 1, issuedAt });
    const item = document.content.defaultItem;
    expect(item.kind).toBe('text');
    if (item.kind !== 'text') return;
    expect(item.id).toBe(WELCOME_ITEM_ID);
    expect(Object.keys(item.body)).toEqual(DEFAULT_LANGUAGES);
    expect(item.body).toMatchObject({
      vi: 'Chào mừng đến với Hải Phòng',
      en: 'Welcome to Hai Phong',
      ja: 'ハイフォンへようこそ',
    });
    expect(Object.values(item.title ?? {})).toEqual(
      DEFAULT_LANGUAGES.map(() => 'Cat Bi International Airport'),
    );

    const small = composeDesired({
      device: screen,
      gate: { ...airport, languages: ['vi', 'ko'] },
      version: 1,
      issuedAt,
    });
    expect(small.content.defaultItem.kind === 'text' && small.content.defaultItem.body).toEqual({
      vi: WELCOME_TO_HAI_PHONG.vi,
      ko: WELCOME_TO_HAI_PHONG.ko,
    });
  });

  it('does not share arrays with its input', () => {
    const document = composeDesired({ device: screen, gate: airport, version: 1, issuedAt });
    document.device.tags.push('changed');
    document.display.languages.pop();
    expect(screen.tags).toEqual(['wall', 'immigration']);
    expect(airport.languages).toHaveLength(8);
  });
});

describe('welcomeText', () => {
  it('has a non-empty, distinct translation for each default language', () => {
    const texts = DEFAULT_LANGUAGES.map((language) => WELCOME_TO_HAI_PHONG[language]);
    expect(texts.every((text) => typeof text === 'string' && text.length > 0)).toBe(true);
    expect(new Set(texts).size).toBe(DEFAULT_LANGUAGES.length);
  });

  it('falls back to English when no gate language has a translation', () => {
    expect(welcomeText(['fr', 'de'])).toEqual({ en: 'Welcome to Hai Phong' });
    expect(welcomeText(['fr', 'km'])).toEqual({ km: WELCOME_TO_HAI_PHONG.km });
  });
});

describe('sameContent', () => {
  const base = composeDesired({ device: screen, gate: airport, version: 3, issuedAt });

  it('ignores version, issuedAt and key order', () => {
    const later = composeDesired({
      device: screen,
      gate: airport,
      version: 4,
      issuedAt: '2026-12-01T00:00:00.000Z',
    });
    expect(sameContent(base, later)).toBe(true);
    const { content, display, ...front } = base;
    const { languages, ...displayRest } = display;
    const reordered: DesiredDocument = { content, display: { languages, ...displayRest }, ...front };
    expect(Object.keys(reordered)).not.toEqual(Object.keys(base));
    expect(Object.keys(reordered.display)).not.toEqual(Object.keys(base.display));
    expect(sameContent(base, reordered)).toBe(true);
  });

  it('sees any change in the device, display or content', () => {
    const renamed = composeDesired({
      device: { ...screen, name: 'Arrivals wall 2' },
      gate: airport,
      version: 3,
      issuedAt,
    });
    const retagged = composeDesired({
      device: { ...screen, tags: ['immigration', 'wall'] },
      gate: airport,
      version: 3,
      issuedAt,
    });
    const moved = composeDesired({
      device: screen,
      gate: { ...airport, timeZone: 'Asia/Bangkok' },
      version: 3,
      issuedAt,
    });
    const retitled = composeDesired({
      device: screen,
      gate: { ...airport, name: 'Cat Bi' },
      version: 3,
      issuedAt,
    });
    for (const other of [renamed, retagged, moved, retitled]) expect(sameContent(base, other)).toBe(false);
  });
});
