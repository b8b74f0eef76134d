import jsQRModule from 'jsqr';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePng } from '../player/png-pixels.js';
import { chromiumMissing, startHarness, waitFor, type Harness } from '../player/player-harness.js';
import {
  dataOf,
  kioskState,
  pageOf,
  prop,
  screenDocument,
  startGateOrigin,
  texts,
  touch,
  touchPage,
} from './kiosk-harness.js';

const missing = chromiumMissing();
const jsQR = ((jsQRModule as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;

// The lookup kiosk in a real headless Chromium, driven by touch events (CDP Input.dispatchTouchEvent).
describe.skipIf(missing !== null)('the lookup kiosk under a traveller’s fingers', () => {
  let harness: Harness | null = null;
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await harness?.close();
    harness = null;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function openKiosk(idleMs = 600_000) {
    const gate = await startGateOrigin();
    cleanups.push(gate.close);
    harness = await startHarness({ kiosk: { idleMs, usageFlushMs: 600_000 } });
    const h = harness;
    await h.screen.show(screenDocument('lookup', { infoTree: gate.tree }));
    await waitFor('the bundle in the page', async () => (await kioskState(h))?.ready, 20_000);
    await waitFor(
      'the attract loop',
      async () => (await texts(pageOf(h), '#zone-main .item.current p')).length,
    );
    return { h, page: await touchPage(h), gate };
  }

  it('picks Khmer, opens a page, finds a Lao word and "thu tuc" typed on the on-screen keyboard', async () => {
    const { h, page } = await openKiosk();
    expect(await prop(page, '#kiosk-hint', 'hidden')).toBe(false);
    await touch(page, '#zone-main');
    await waitFor('the app', async () => (await kioskState(h))?.open);
    // The opening touch presses nothing of the app it opens, even where a tile then lies under
    // the finger: close, and open again by touching the place of the first tile.
    const where = (await page.evaluate(
      "(() => { const r = document.querySelector('.kiosk-tile').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()",
    )) as [number, number];
    await page.evaluate('window.gatecastKiosk.reset()');
    expect((await kioskState(h))?.open).toBe(false);
    await page.touchscreen.tap(...where);
    await waitFor('the app again', async () => (await kioskState(h))?.open);
    expect(await kioskState(h)).toMatchObject({ view: 'home', history: 0 });

    // The picker names each language in its own script.
    expect(await texts(page, '.kiosk-language')).toEqual([
      'Tiếng Việt',
      'English',
      '中文',
      'ພາສາລາວ',
      'ភាសាខ្មែរ',
    ]);
    await touch(page, '.kiosk-language[data-language="km"]');
    expect((await kioskState(h))?.language).toBe('km');
    expect(await texts(page, '.kiosk-tile .tile-title')).toContain('ការធ្វើដំណើរ');

    await touch(page, '.kiosk-tile[data-node-id="transport"]');
    await touch(page, '.kiosk-tile[data-node-id="airport-transport"]');
    expect(await kioskState(h)).toMatchObject({ view: 'page', nodeId: 'airport-transport', history: 2 });
    expect(await texts(page, '#kiosk .info-page h1')).toEqual(['តាក់ស៊ី និងឡានក្រុងពីព្រលានយន្តហោះ']);
    // The map comes from the local cache and zooms inside the app.
    await waitFor('the map decoded', () =>
      prop<number>(page, '#kiosk .info-map img', 'naturalWidth').then((width) => (width ?? 0) > 0),
    );
    await touch(page, '#kiosk .map-controls [data-zoom="zoomIn"]');
    expect(await dataOf(page, '#kiosk .map-frame', 'scale').then(([scale]) => scale)).toBe('1.5');

    // A Lao word, typed on a hardware keyboard into the search field: found, shown in Khmer.
    await touch(page, '#kiosk-search');
    await page.keyboard.type('ລົດເມ');
    await waitFor('results', async () => (await texts(page, '.kiosk-results .kiosk-tile')).length > 0);
    expect(await dataOf(page, '.kiosk-results .kiosk-tile', 'node-id')).toEqual(['airport-transport']);
    expect(await texts(page, '.kiosk-results .tile-title')).toEqual(['តាក់ស៊ី និងឡានក្រុងពីព្រលានយន្តហោះ']);

    // "thu tuc" on the on-screen keyboard finds "Thủ tục nhập cảnh".
    await page.evaluate("document.querySelector('#kiosk-search').value = ''");
    await touch(page, '[data-action="home"]');
    await touch(page, '#kiosk-search');
    for (const key of ['t', 'h', 'u', ' ', 't', 'u', 'c']) await touch(page, `.key[data-key="${key}"]`);
    expect((await kioskState(h))?.search).toBe('thu tuc');
    const found = await dataOf(page, '.kiosk-results .kiosk-tile', 'node-id');
    expect(found[0]).toBe('entry-procedures');
    await touch(page, '.kiosk-language[data-language="vi"]');
    expect(await texts(page, '.kiosk-results .tile-title')).toContain('Thủ tục nhập cảnh');
    // The tone keys put the mark on the last vowel of the word: "tuc" + nặng is "tục".
    await touch(page, '.key[data-tone="dot"]');
    expect((await kioskState(h))?.search).toBe('thu tục');
  });

  it("draws a page's QR block as a code a phone decodes to the block's link", async () => {
    const { page } = await openKiosk();
    await touch(page, '#zone-main');
    await touch(page, '.kiosk-tile[data-node-id="emergency-numbers"]');
    await waitFor('the QR code drawn', () =>
      prop<number>(page, '#kiosk .info-qr-image', 'naturalWidth').then((width) => (width ?? 0) > 0),
    );
    const code = await page.$('#kiosk .info-qr-image');
    await code?.scrollIntoView();
    const { width, height, rgb } = decodePng(Buffer.from(await code!.screenshot({ type: 'png' })));
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let pixel = 0; pixel < width * height; pixel++) {
      rgba.set(rgb.subarray(pixel * 3, pixel * 3 + 3), pixel * 4);
      rgba[pixel * 4 + 3] = 255;
    }
    expect(jsQR(rgba, width, height)?.data).toBe('https://gate.example.vn/cat-bi-airport');
  });

  it('goes idle back to the attract loop with the session wiped, and counts use anonymously', async () => {
    const gate = await startGateOrigin();
    cleanups.push(gate.close);
    harness = await startHarness({ kiosk: { idleMs: 1_500, usageFlushMs: 400 } });
    const h = harness;
    await h.screen.show(screenDocument('lookup', { infoTree: gate.tree }));
    await waitFor('the bundle in the page', async () => (await kioskState(h))?.ready, 20_000);
    const page = await touchPage(h);
    await touch(page, '#zone-main');
    await touch(page, '.kiosk-language[data-language="lo"]');
    await touch(page, '[data-action="larger"]');
    await touch(page, '.kiosk-tile[data-node-id="emergency-numbers"]');
    await touch(page, '#kiosk-search');
    for (const key of ['x', 'y', 'z']) await touch(page, `.key[data-key="${key}"]`);
    await touch(page, '.key[data-key="enter"]');
    // Under the open app the schedule's zones stand still: nothing unseen is counted as played.
    await waitFor('the zones stopped', async () => (await texts(page, '#zone-main .item')).length === 0);
    expect(await kioskState(h)).toMatchObject({
      open: true,
      language: 'lo',
      history: 2,
      search: 'xyz',
      scale: 1.25,
    });

    // No touch for the idle time: the attract loop again, and nothing of the traveller left.
    await waitFor('the idle timeout', async () => (await kioskState(h))?.open === false);
    expect(await kioskState(h)).toMatchObject({
      open: false,
      language: 'vi',
      view: 'home',
      history: 0,
      search: '',
      scale: 1,
      scrollTop: 0,
    });
    expect(await page.evaluate("getComputedStyle(document.querySelector('#kiosk')).display")).toBe('none');
    expect(await prop(page, '#kiosk-search', 'value')).toBe('');
    expect(await prop(page, '#kiosk-hint', 'hidden')).toBe(false);
    expect(await texts(page, '#zone-main .item.current p')).not.toEqual([]);

    // The counts leave through the event queue (flushed on a short timer here, hourly in service):
    // a page view in Lao and the term that found nothing, with no session or person in them.
    const usage = () => h.events.flatMap((event) => (event.kind === 'kiosk-usage' ? [event] : []));
    await waitFor('the failed search counted', async () =>
      usage().some((event) => event.failedSearches.length > 0),
    );
    expect(usage().flatMap((event) => event.views)).toEqual([
      { nodeId: 'emergency-numbers', language: 'lo', count: 1 },
    ]);
    expect(usage().flatMap((event) => event.failedSearches)).toEqual([
      { term: 'xyz', language: 'lo', count: 1 },
    ]);
    for (const event of usage()) {
      expect(Object.keys(event).sort()).toEqual([
        'at',
        'failedSearches',
        'id',
        'kind',
        'periodEnd',
        'periodStart',
        'views',
      ]);
    }
  });

  it('cannot be left: window.open, a typed URL, a back-swipe, Alt+Left, history.back and the context menu', async () => {
    const { h, page, gate } = await openKiosk();
    await touch(page, '#zone-main');
    await touch(page, '.kiosk-tile[data-node-id="emergency-numbers"]');
    const url = page.url();
    const browser = page.browser();

    // window.open gives nothing, and no second page appears.
    expect(await page.evaluate(`window.open(${JSON.stringify(`${gate.url}/x`)}, '_blank') === null`)).toBe(
      true,
    );
    expect((await browser.pages()).length).toBe(1);

    // A URL typed into the search field is a search, not a navigation; Ctrl+L opens nothing.
    await touch(page, '#kiosk-search');
    await page.keyboard.type(`${gate.url}/phish`);
    await page.keyboard.press('Enter');
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyL');
    await page.keyboard.up('Control');
    // And a script setting the location is refused by the agent's navigation guard.
    await page.evaluate(`location.href = ${JSON.stringify(`${gate.url}/phish`)}`).catch(() => undefined);
    await touch(page, '[data-action="back"]');
    expect(await kioskState(h)).toMatchObject({ open: true, view: 'page', nodeId: 'emergency-numbers' });

    // A finger swiping in from the left edge (the back gesture), then Alt+Left and history.back().
    const cdp = await page.createCDPSession();
    const point = (x: number) => [{ x, y: 200, id: 1 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(2) });
    for (const x of [60, 160, 300, 460, 600]) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(x) });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await cdp.detach();
    await page.keyboard.down('Alt');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.up('Alt');
    await page.evaluate('history.back()');
    // The navigation history behind the player page is empty: there is nowhere to go back to.
    const history = await page.evaluate('history.length');
    expect(history).toBe(1);
    // Whatever the browser tried has had a round trip to settle: the same page, the same session.
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    expect(page.url()).toBe(url);
    expect(await kioskState(h)).toMatchObject({ open: true, view: 'page', nodeId: 'emergency-numbers' });
    const blocked = await page.evaluate(`(() => {
      const keys = [{ key: 'ArrowLeft', altKey: true }, { key: 'l', ctrlKey: true }, { key: 'F5' }, { key: 'BrowserBack' }];
      const prevented = keys.map((init) => !document.body.dispatchEvent(new KeyboardEvent('keydown', { ...init, bubbles: true, cancelable: true })));
      const menu = !document.body.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true }));
      return [...prevented, menu];
    })()`);
    expect(blocked).toEqual([true, true, true, true, true]);
    expect((await browser.pages()).length).toBe(1);
  });
});
