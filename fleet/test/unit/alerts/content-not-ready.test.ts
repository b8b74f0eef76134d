import type { DesiredDocument } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { NOW, check, input } from './rule-fixtures.js';

describe('content-not-ready', () => {
  const item = { id: 'welcome', kind: 'text', text: { vi: 'Xin chào', en: 'Welcome' }, durationSec: 10 };
  function desired(entry: Record<string, unknown>): DesiredDocument {
    return {
      version: 7,
      deviceId: 'cat-bi-arrivals-01',
      issuedAt: NOW.toISOString(),
      device: {
        name: 'Arrivals 01',
        gateId: 'cat-bi-airport',
        zoneId: 'arrivals-hall',
        tags: [],
        profile: 'signage',
      },
      display: {
        timeZone: 'Asia/Ho_Chi_Minh',
        locale: 'vi',
        languages: ['vi', 'en'],
        languageRotationSec: 8,
      },
      content: {
        defaultItem: item,
        defaultLoop: [],
        layout: { kind: 'full', orientation: 'landscape', transition: 'fade' },
        schedule: [{ id: 'entry-1', layer: 'official', zone: 'main', items: [item], ...entry }],
      },
    } as unknown as DesiredDocument;
  }
  const notReady = {
    at: NOW.toISOString(),
    agentVersion: '1.0.0',
    appliedVersion: 7,
    desiredSource: 'fleet' as const,
    phase: 'applied' as const,
    currentItemId: null,
    errors: [],
    cache: { version: 7, ready: false, missing: 2, bytes: 0 },
  };

  it('fires when an entry goes live within the lead time and the cache is not ready', () => {
    // 15:00 local now; the entry starts at 15:20, inside the 30 minute lead.
    const soon = check(
      'content-not-ready',
      input({ desired: desired({ timeFrom: '15:20', timeTo: '16:00' }), reported: notReady }),
    );
    expect(soon).toMatchObject({ active: true, facts: { entryId: 'entry-1', missingFiles: 2 } });
    const later = check(
      'content-not-ready',
      input({ desired: desired({ timeFrom: '17:00', timeTo: '18:00' }), reported: notReady }),
    );
    expect(later.active).toBe(false);
  });

  it('also counts an announcement, and a cache of an older version', () => {
    const announcement = desired({
      layer: 'announcement',
      notBefore: new Date(NOW.getTime() + 5 * 60_000).toISOString(),
      notAfter: new Date(NOW.getTime() + 35 * 60_000).toISOString(),
    });
    const behind = { ...notReady, cache: { version: 6, ready: true, missing: 0, bytes: 10 } };
    expect(check('content-not-ready', input({ desired: announcement, reported: behind }))).toMatchObject({
      active: true,
      facts: { layer: 'announcement', cacheVersion: 6, desiredVersion: 7 },
    });
    const ready = { ...notReady, cache: { version: 7, ready: true, missing: 0, bytes: 10 } };
    expect(check('content-not-ready', input({ desired: announcement, reported: ready })).active).toBe(false);
  });
});
