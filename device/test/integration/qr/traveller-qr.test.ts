import jsQRModule from 'jsqr';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePng } from '../player/png-pixels.js';
import {
  chromiumMissing,
  document,
  pageValue,
  playerConfig,
  startHarness,
  waitFor,
  type Harness,
} from '../player/player-harness.js';

// jsqr is CommonJS: its types name the function as `default` of the module object.
const jsQR = ((jsQRModule as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;
const missing = chromiumMissing();
const TRAVELLER_URL = 'http://fleet.cat-bi.example:8080/t/cat-bi-airport';

/** Decodes the first QR code in a screenshot of the player page, as a phone camera would. */
async function qrOnScreen(harness: Harness): Promise<string | null> {
  const page = harness.screen.session?.page;
  if (!page) return null;
  const { width, height, rgb } = decodePng(Buffer.from(await page.screenshot({ type: 'png' })));
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let pixel = 0; pixel < width * height; pixel++) {
    rgba.set(rgb.subarray(pixel * 3, pixel * 3 + 3), pixel * 4);
    rgba[pixel * 4 + 3] = 255;
  }
  return jsQR(rgba, width, height)?.data ?? null;
}

/** The language the code is drawn for, read before and after the screenshot so a switch in between is seen. */
async function steadyQr(harness: Harness): Promise<{ language: string; decoded: string } | null> {
  const language = () =>
    pageValue<string | null>(harness, `document.getElementById('traveller-qr')?.dataset.language ?? null`);
  const drawn = () =>
    pageValue<boolean>(
      harness,
      `(() => { const img = document.getElementById('traveller-qr'); return !!img && img.complete && img.naturalWidth > 0; })()`,
    );
  const before = await language();
  if (!before || !(await drawn())) return null;
  const decoded = await qrOnScreen(harness);
  const after = await language();
  return decoded !== null && before === after ? { language: before, decoded } : null;
}

describe.skipIf(missing !== null)('the traveller QR code on the player', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('links to the traveller page in the language shown, and follows the language rotation', async () => {
    harness = await startHarness({ player: playerConfig({ windowWidth: 1280, windowHeight: 720 }) });
    const desired = document({
      defaultItem: { kind: 'text', id: 'welcome', body: { km: 'សូមស្វាគមន៍', lo: 'ຍິນດີຕ້ອນຮັບ' }, durationSec: 60 },
      layout: { kind: 'main-ticker', orientation: 'landscape', transition: 'fade' },
    });
    desired.display = {
      ...desired.display,
      languages: ['km', 'lo'],
      languageRotationSec: 2,
      travellerUrl: TRAVELLER_URL,
    };
    await harness.screen.show(desired);
    const h = harness;
    const first = await waitFor('a readable QR code', () => steadyQr(h));
    expect(first.decoded).toBe(`${TRAVELLER_URL}?lang=${first.language}`);
    expect(['km', 'lo']).toContain(first.language);
    const second = await waitFor('the code of the next language', async () => {
      const now = await steadyQr(h);
      return now && now.language !== first.language ? now : null;
    });
    expect(second.decoded).toBe(`${TRAVELLER_URL}?lang=${second.language}`);
    // A corner above the ticker band, clear of it, and under an announcement's layer.
    const box = await pageValue<{ bottom: number; right: number; width: number; ticker: number }>(
      h,
      `(() => { const r = document.getElementById('traveller-qr').getBoundingClientRect();
        const t = document.getElementById('zone-ticker').getBoundingClientRect();
        return { bottom: r.bottom, right: r.right, width: r.width, ticker: t.top }; })()`,
    );
    expect(box!.bottom).toBeLessThanOrEqual(box!.ticker);
    expect(box!.right).toBeGreaterThan(1200);
    expect(box!.width).toBeGreaterThanOrEqual(160);
  });

  it('shows no code when the screen has no traveller page', async () => {
    harness = await startHarness({ player: playerConfig({ windowWidth: 1280, windowHeight: 720 }) });
    await harness.screen.show(
      document({ defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Xin chào' }, durationSec: 60 } }),
    );
    const h = harness;
    await waitFor('the welcome text', () =>
      pageValue<boolean>(h, `!!document.querySelector('#zone-main .item.current')`),
    );
    expect(
      await pageValue<boolean>(
        h,
        `(() => { const img = document.getElementById('traveller-qr'); return !img || img.hidden; })()`,
      ),
    ).toBe(true);
    expect(await qrOnScreen(h)).toBeNull();
  });
});
