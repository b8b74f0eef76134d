import { describe, expect, it } from 'vitest';
import { desiredSchema, type DesiredDocument, type DesiredDocumentInput } from '@gatecast/protocol';
import {
  DEFAULT_IDLE_MS,
  activeCounterPage,
  buildKioskPlan,
  earliest,
  nextCounterChange,
} from '../../../src/kiosk/kiosk-plan.js';
import { mediaNeeded } from '../../../src/player/media-needs.js';
import { buildPagePlan } from '../../../src/player/page-plan.js';
import { parsePageReport, type PageReport } from '../../../src/player/page-report.js';
import { PlayTracker } from '../../../src/player/play-tracker.js';
import { evaluateSchedule } from '@gatecast/protocol/schedule';

const BUNDLE = 'c'.repeat(64);
const MAP = 'd'.repeat(64);
const NOW = new Date('2026-11-26T09:00:00.000Z');

function doc(
  profile: 'signage' | 'lookup' | 'counter',
  content: Partial<DesiredDocumentInput['content']> = {},
  display: Partial<DesiredDocumentInput['display']> = {},
): DesiredDocument {
  return desiredSchema.parse({
    version: 3,
    deviceId: 'cat-bi-counter-01',
    issuedAt: NOW.toISOString(),
    device: { name: 'Information counter', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall', profile },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['km', 'vi', 'en'], ...display },
    content: {
      defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Xin chào' } },
      infoTree: {
        url: `https://fleet.example/api/v1/device/media/${BUNDLE}`,
        sha256: BUNDLE,
        sizeBytes: 4_000,
        version: 7,
        media: [{ url: `https://fleet.example/api/v1/device/media/${MAP}`, sha256: MAP, sizeBytes: 90_000 }],
      },
      ...content,
    },
  } satisfies DesiredDocumentInput);
}

const page = (since: string, until: string | null) => ({
  nodeId: 'customs',
  language: 'km',
  shownSince: since,
  until,
});
const all = () => true;

describe('the kiosk part of the page plan', () => {
  it('points at the cached bundle and starts in the screen’s first language', () => {
    expect(buildKioskPlan(doc('lookup'), { now: NOW, cached: all })).toEqual({
      profile: 'lookup',
      info: { src: `/media/${BUNDLE}`, version: 7 },
      firstLanguage: 'km',
      idleMs: DEFAULT_IDLE_MS,
      counterPage: null,
      pairingCode: null,
    });
    // Not downloaded yet: no bundle, so no app and no counter page, only the schedule.
    const uncached = buildKioskPlan(doc('counter', { counterPage: page('2026-11-26T08:00:00Z', null) }), {
      now: NOW,
      cached: () => false,
    });
    expect(uncached.info).toBeNull();
    expect(uncached.counterPage).toBeNull();
  });

  it('shows a counter page from shownSince until `until`, on counter screens only, with the pairing code', () => {
    const pushed = doc(
      'counter',
      { counterPage: page('2026-11-26T08:59:00Z', '2026-11-26T09:05:00Z') },
      { pairingCode: '482913' },
    );
    expect(buildKioskPlan(pushed, { now: NOW, cached: all, idleMs: 5_000 })).toMatchObject({
      counterPage: { nodeId: 'customs', language: 'km', until: '2026-11-26T09:05:00Z' },
      pairingCode: '482913',
      idleMs: 5_000,
    });
    const later = new Date('2026-11-26T09:05:00.000Z');
    expect(buildKioskPlan(pushed, { now: later, cached: all }).counterPage).toBeNull();
    expect(activeCounterPage(page('2026-11-26T09:01:00Z', null), NOW)).toBeNull();
    expect(activeCounterPage(page('2026-11-26T08:00:00Z', null), NOW)).not.toBeNull();
    expect(activeCounterPage(undefined, NOW)).toBeNull();
    const lookup = doc(
      'lookup',
      { counterPage: page('2026-11-26T08:59:00Z', null) },
      { pairingCode: '482913' },
    );
    expect(buildKioskPlan(lookup, { now: NOW, cached: all })).toMatchObject({
      counterPage: null,
      pairingCode: null,
    });
  });

  it('wakes the agent when the counter page appears or leaves', () => {
    const pushed = doc('counter', { counterPage: page('2026-11-26T09:01:00Z', '2026-11-26T09:05:00Z') });
    expect(nextCounterChange(pushed, NOW)).toEqual(new Date('2026-11-26T09:01:00Z'));
    expect(nextCounterChange(pushed, new Date('2026-11-26T09:02:00Z'))).toEqual(
      new Date('2026-11-26T09:05:00Z'),
    );
    expect(nextCounterChange(pushed, new Date('2026-11-26T09:06:00Z'))).toBeNull();
    expect(nextCounterChange(doc('counter'), NOW)).toBeNull();
    expect(earliest(null, NOW)).toBe(NOW);
    expect(earliest(new Date(0), NOW)).toEqual(new Date(0));
    expect(earliest(null, null)).toBeNull();
  });

  it('changes the page plan id when only the kiosk part changes', () => {
    const desired = doc('counter');
    const schedule = evaluateSchedule(desired, { now: NOW, trusted: true });
    const available = { media: all, htmlPackage: all, web: all };
    const without = buildPagePlan(
      desired,
      schedule,
      available,
      buildKioskPlan(desired, { now: NOW, cached: all }),
    );
    const pushed = doc('counter', { counterPage: page('2026-11-26T08:00:00Z', null) });
    const withPage = buildPagePlan(
      pushed,
      schedule,
      available,
      buildKioskPlan(pushed, { now: NOW, cached: all }),
    );
    expect(withPage.id).not.toBe(without.id);
    expect(withPage.kiosk?.counterPage?.nodeId).toBe('customs');
    expect(buildPagePlan(desired, schedule, available).kiosk).toBeUndefined();
  });
});

describe('the info tree in the media the screen needs', () => {
  it('needs the bundle and every picture it names, whatever the schedule', () => {
    const needed = mediaNeeded(doc('lookup'), { now: NOW, trusted: true }).map((ref) => ref.sha256);
    expect(needed).toEqual([BUNDLE, MAP]);
    const signage = doc('signage', { infoTree: undefined });
    expect(mediaNeeded(signage, { now: NOW, trusted: true })).toEqual([]);
  });
});

describe('kiosk reports from the page', () => {
  it('accepts page views and failed searches, and refuses anything else', () => {
    expect(parsePageReport({ type: 'kiosk-view', nodeId: 'customs', language: 'km' })).toMatchObject({
      ok: true,
    });
    expect(parsePageReport({ type: 'kiosk-search-miss', term: 'xyz', language: 'lo' })).toMatchObject({
      ok: true,
    });
    expect(parsePageReport({ type: 'kiosk-view', nodeId: '', language: 'km' }).ok).toBe(false);
    expect(parsePageReport({ type: 'kiosk-search-miss', term: 'x'.repeat(401), language: 'lo' }).ok).toBe(
      false,
    );
    expect(parsePageReport({ type: 'kiosk-cover', covered: true })).toMatchObject({ ok: true });
  });

  it('are never taken for plays', () => {
    const tracker = new PlayTracker();
    const reports: PageReport[] = [
      { type: 'kiosk-view', nodeId: 'customs', language: 'km' },
      { type: 'kiosk-search-miss', term: 'xyz', language: 'lo' },
      { type: 'kiosk-cover', covered: true },
    ];
    for (const report of reports) {
      expect(tracker.onReport(report)).toEqual({ proof: null, quiet: false, changed: false });
    }
  });
});
