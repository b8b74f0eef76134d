import { afterEach, describe, expect, it } from 'vitest';
import {
  chromiumMissing,
  document,
  HEIGHT,
  mainItem,
  pageValue,
  startHarness,
  waitFor,
  WIDTH,
  type Harness,
} from './player-harness.js';

const missing = chromiumMissing();
const text = (id: string, en: string, durationSec = 120) =>
  ({ kind: 'text', id, body: { en }, durationSec }) as const;

describe.skipIf(missing !== null)('zones, layers and plan changes in the Chromium player', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('an announcement covers the whole screen above the ticker, which keeps running below', async () => {
    harness = await startHarness();
    await harness.screen.show(
      document({
        defaultItem: text('welcome', 'Welcome'),
        layout: { kind: 'main-ticker', orientation: 'landscape', transition: 'fade' },
        schedule: [
          {
            id: 'gate-change',
            layer: 'announcement',
            items: [text('gate-change', 'VN1234 now boards at gate 5')],
          },
          { id: 'news', layer: 'operational', zone: 'ticker', items: [text('news', 'Taxis wait at exit B')] },
        ],
      }),
    );
    const h = harness;
    await waitFor('the announcement', async () =>
      pageValue<boolean>(
        h,
        `!!document.querySelector('#announcement.active .item.current[data-item-id="gate-change"]')`,
      ),
    );
    await waitFor('the ticker below it', async () =>
      pageValue<boolean>(h, `!!document.querySelector('#zone-ticker .item.current[data-item-id="news"]')`),
    );
    // Whatever point of the screen, the announcement is what is on top.
    const covered = await pageValue<boolean[]>(
      h,
      `[[5, 5], [${WIDTH / 2}, ${HEIGHT / 2}], [${WIDTH - 5}, ${HEIGHT - 5}]].map(([x, y]) =>
        document.getElementById('announcement').contains(document.elementFromPoint(x, y)))`,
    );
    expect(covered).toEqual([true, true, true]);
    // The page reports an item once its transition has finished, a moment after it is in the DOM.
    await waitFor(
      'the announcement reported as current',
      async () => h.screen.state.currentItemId === 'gate-change',
    );
    expect(h.screen.state.currentItemId).toBe('gate-change');
  });

  it('lays out main, side and ticker in portrait, one above the other', async () => {
    harness = await startHarness();
    await harness.screen.show(
      document({
        defaultItem: text('welcome', 'Welcome'),
        layout: { kind: 'main-side-ticker', orientation: 'portrait', transition: 'slide' },
        schedule: [
          { id: 'side', layer: 'operational', zone: 'side', items: [text('weather', '28 °C')] },
          { id: 'news', layer: 'operational', zone: 'ticker', items: [text('news', 'Taxis wait at exit B')] },
        ],
      }),
    );
    const h = harness;
    await waitFor('all three zones', async () =>
      pageValue<boolean>(h, `document.querySelectorAll('#screen .item.current').length === 3`),
    );
    const boxes = await pageValue<Array<{ top: number; bottom: number; width: number }>>(
      h,
      `['main', 'side', 'ticker'].map((zone) => {
        const box = document.getElementById('zone-' + zone).getBoundingClientRect();
        return { top: box.top, bottom: box.bottom, width: box.width };
      })`,
    );
    const [main, side, ticker] = boxes!;
    expect(main!.bottom).toBeLessThanOrEqual(side!.top + 1);
    expect(side!.bottom).toBeLessThanOrEqual(ticker!.top + 1);
    expect(boxes!.every((box) => Math.round(box.width) === WIDTH)).toBe(true);
  });

  it('a new document with the same content leaves playback alone', async () => {
    harness = await startHarness();
    const first = document({ defaultItem: text('welcome', 'Welcome') }, 1);
    await harness.screen.show(first);
    const h = harness;
    await waitFor('the welcome item', async () => (await mainItem(h)) === 'welcome');
    await pageValue(h, `document.querySelector('#zone-main .item.current').dataset.mark = 'first'`);
    const planBefore = await pageValue<string>(h, 'window.gatecastPlayer.state().planId');
    await h.screen.show({ ...first, version: 2 });
    // The page took the new plan (its version differs)…
    await waitFor('the new plan on the page', async () =>
      pageValue<boolean>(h, `window.gatecastPlayer.state().planId !== ${JSON.stringify(planBefore)}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // …and the item on screen is still the very same element.
    expect(await pageValue(h, `document.querySelector('#zone-main .item.current').dataset.mark`)).toBe(
      'first',
    );
    // A real change does reach the screen.
    await h.screen.show(document({ defaultItem: text('notice', 'Customs hall closed') }, 3));
    await waitFor('the new item', async () => (await mainItem(h)) === 'notice');
  });

  it('identify shows the screen name and id over everything, then goes away', async () => {
    harness = await startHarness();
    await harness.screen.show(document({ defaultItem: text('welcome', 'Welcome') }));
    const h = harness;
    await waitFor('the welcome item', async () => (await mainItem(h)) === 'welcome');
    await h.screen.identify(2, new Date(Date.now() + 2_000));
    const shown = await pageValue<string>(h, `document.getElementById('identify').innerText`);
    expect(shown).toContain('Arrivals hall 1');
    expect(shown).toContain('cat-bi-arr-01');
    await waitFor('the identify box gone', async () =>
      pageValue<boolean>(h, `document.getElementById('identify').hidden`),
    );
  });
});
