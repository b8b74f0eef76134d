import { describe, expect, it } from 'vitest';
import type { Layout } from '@gatecast/protocol';
import { motionExpected } from '../../../src/display-check/motion-expected.js';
import type { PagePlan, PageZone } from '../../../src/player/page-plan.js';

const video = { id: 'welcome-film', kind: 'video' as const, durationMs: null };
const image = { id: 'map', kind: 'image' as const, durationMs: 10_000 };
const ticker = { id: 'news', kind: 'text' as const, durationMs: 15_000 };
const alert = { id: 'gate-change', kind: 'text' as const, durationMs: 30_000 };

function plan(kind: Layout['kind'], zones: PageZone[]): PagePlan {
  return {
    id: 'p',
    version: 1,
    layout: { kind, orientation: 'landscape', transition: 'cut' },
    languages: ['vi', 'en'],
    rotationSec: 8,
    zones,
  };
}

const zone = (
  name: PageZone['zone'],
  items: PageZone['items'],
  layer: PageZone['layer'] = null,
): PageZone => ({
  zone: name,
  layer,
  entryId: null,
  items,
});

describe('whether the picture should move', () => {
  it('does while main plays a video, and not while it shows an image', () => {
    const full = plan('full', [zone('main', [video, image])]);
    expect(
      motionExpected(full, { currentItemId: 'welcome-film', zones: { main: { itemId: 'welcome-film' } } }),
    ).toBe(true);
    expect(motionExpected(full, { currentItemId: 'map', zones: { main: { itemId: 'map' } } })).toBe(false);
  });

  it('does while a visible ticker scrolls, even over a still image', () => {
    const withTicker = plan('main-ticker', [zone('main', [image]), zone('ticker', [ticker])]);
    const screen = { currentItemId: 'map', zones: { main: { itemId: 'map' }, ticker: { itemId: 'news' } } };
    expect(motionExpected(withTicker, screen)).toBe(true);
    // The full layout hides the ticker zone.
    expect(motionExpected(plan('full', withTicker.zones), screen)).toBe(false);
  });

  it('does not under a still announcement, which covers the video and the ticker', () => {
    const announcing = plan('main-ticker', [zone('main', [alert], 'announcement'), zone('ticker', [ticker])]);
    const screen = {
      currentItemId: 'gate-change',
      zones: { main: { itemId: 'gate-change' }, ticker: { itemId: 'news' } },
    };
    expect(motionExpected(announcing, screen)).toBe(false);
  });

  it('does not without a plan or before the page reported any item', () => {
    expect(motionExpected(null, { currentItemId: null, zones: {} })).toBe(false);
    expect(motionExpected(plan('full', [zone('main', [video])]), { currentItemId: null, zones: {} })).toBe(
      false,
    );
  });
});
