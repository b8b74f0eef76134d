import { afterEach, describe, expect, it } from 'vitest';
import { chromiumMissing, startHarness, waitFor, type Harness } from '../player/player-harness.js';
import {
  dataOf,
  kioskState,
  prop,
  screenDocument,
  startGateOrigin,
  texts,
  touch,
  touchPage,
} from './kiosk-harness.js';

const missing = chromiumMissing();

const announcementEntry = {
  id: 'ann-0123456789ab',
  layer: 'announcement' as const,
  zone: 'main' as const,
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2099-01-01T00:00:00.000Z',
  items: [
    {
      kind: 'text' as const,
      id: 'ann-0123456789ab',
      title: { vi: 'Thông báo khẩn', en: 'Urgent notice' },
      body: { vi: 'Cửa ra tàu số 3 đã đổi sang cửa số 5.', en: 'Gate 3 has moved to gate 5.' },
      durationSec: 30,
    },
  ],
};

/** Which overlay is on top in the middle of the screen. */
const topAtCentre = `(() => {
  const el = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
  return el ? (el.closest('#announcement, #kiosk, #counter-page, #screen') || {}).id ?? null : null;
})()`;

describe.skipIf(missing !== null)('counter screens and announcements over the kiosk layer', () => {
  let harness: Harness | null = null;
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await harness?.close();
    harness = null;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('shows a pushed page within 2 s, in its language, and takes it down at `until` by itself', async () => {
    const gate = await startGateOrigin();
    cleanups.push(gate.close);
    harness = await startHarness();
    const h = harness;
    const display = { pairingCode: '482913' };
    await h.screen.show(screenDocument('counter', { infoTree: gate.tree }, 1, display));
    await waitFor('the bundle in the page', async () => (await kioskState(h))?.ready, 20_000);
    const page = await touchPage(h);
    // The pairing code sits in a corner; the schedule plays.
    expect(await texts(page, '#pairing-code')).toEqual(['482913']);
    expect(await prop(page, '#pairing-code', 'hidden')).toBe(false);
    expect((await kioskState(h))?.counterPage).toBeNull();

    const now = Date.now();
    const counterPage = {
      nodeId: 'entry-procedures',
      language: 'km',
      shownSince: new Date(now - 1_000).toISOString(),
      until: new Date(now + 4_000).toISOString(),
    };
    const pushedAt = Date.now();
    await h.screen.show(screenDocument('counter', { infoTree: gate.tree, counterPage }, 2, display));
    await waitFor('the pushed page', async () => (await kioskState(h))?.counterPage, 5_000);
    expect(Date.now() - pushedAt).toBeLessThan(2_000);
    expect((await kioskState(h))?.counterPage).toEqual({ nodeId: 'entry-procedures', language: 'km' });
    expect(await texts(page, '#counter-page .info-page h1')).toEqual(['នីតិវិធីចូលប្រទេស']);
    expect(await page.evaluate(topAtCentre)).toBe('counter-page');

    // No new document: the page leaves at `until` on its own, and the schedule shows again.
    await waitFor('the page gone at until', async () => (await kioskState(h))?.counterPage === null, 10_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(counterPage.until));
    expect(await page.evaluate(topAtCentre)).toBe('screen');
  });

  it('falls back to English, marked, where a page has no Khmer, and an announcement covers it', async () => {
    const gate = await startGateOrigin();
    cleanups.push(gate.close);
    harness = await startHarness({ clockSynchronized: () => true });
    const h = harness;
    const counterPage = {
      nodeId: 'customs',
      language: 'km',
      shownSince: new Date(Date.now() - 1_000).toISOString(),
      until: null,
    };
    await h.screen.show(screenDocument('counter', { infoTree: gate.tree, counterPage }));
    await waitFor('the pushed page', async () => (await kioskState(h))?.counterPage, 20_000);
    const page = await touchPage(h);
    expect(await texts(page, '#counter-page .info-page h1')).toEqual(['Customs rules']);
    expect(await dataOf(page, '#counter-page .info-page h1', 'fallback')).toEqual(['en']);
    expect(await texts(page, '#counter-page .fallback-note')).toEqual(['មិនទាន់បានបកប្រែ · English']);

    await h.screen.show(
      screenDocument('counter', { infoTree: gate.tree, counterPage, schedule: [announcementEntry] }, 2),
    );
    await waitFor(
      'the announcement on top',
      async () => (await page.evaluate(topAtCentre)) === 'announcement',
    );
    expect((await kioskState(h))?.counterPage).toEqual({ nodeId: 'customs', language: 'km' });
  });

  it('an urgent announcement covers an open kiosk', async () => {
    const gate = await startGateOrigin();
    cleanups.push(gate.close);
    harness = await startHarness({ clockSynchronized: () => true, kiosk: { idleMs: 600_000 } });
    const h = harness;
    await h.screen.show(screenDocument('lookup', { infoTree: gate.tree }));
    await waitFor('the bundle in the page', async () => (await kioskState(h))?.ready, 20_000);
    const page = await touchPage(h);
    await touch(page, '#zone-main');
    await touch(page, '.kiosk-tile[data-node-id="entry"]');
    expect(await page.evaluate(topAtCentre)).toBe('kiosk');

    await h.screen.show(screenDocument('lookup', { infoTree: gate.tree, schedule: [announcementEntry] }, 2));
    await waitFor(
      'the announcement on top',
      async () => (await page.evaluate(topAtCentre)) === 'announcement',
    );
    expect(await texts(page, '#announcement .item.current h1')).not.toEqual([]);
    // Under it, the traveller's place is kept until the idle timeout.
    expect(await kioskState(h)).toMatchObject({ open: true, view: 'category', nodeId: 'entry' });
  });
});
