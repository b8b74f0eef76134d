import { afterEach, describe, expect, it } from 'vitest';
import { chromiumMissing, document, startHarness, waitFor, type Harness } from './player-harness.js';
import { fontCoverage, missingGlyphs } from './font-coverage.js';

const missing = chromiumMissing();

/** The scripts travellers through Hai Phong read: Latin with Vietnamese marks, Han, Lao, Khmer, Hangul, Cyrillic. */
const WELCOME: Record<string, string> = {
  vi: 'Chào mừng quý khách đến Hải Phòng',
  'zh-Hans': '欢迎来到海防',
  lo: 'ຍິນດີຕ້ອນຮັບສູ່ໄຮຟອງ',
  km: 'សូមស្វាគមន៍មកកាន់ហៃផុង',
  ko: '하이퐁에 오신 것을 환영합니다',
  ru: 'Добро пожаловать в Хайфон',
};

interface PlatformFont {
  familyName: string;
  glyphCount: number;
}

describe.skipIf(missing !== null)('every script renders with real glyphs', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('the glyph check itself fails on a character no font has', () => {
    const coverage = fontCoverage();
    expect(missingGlyphs('Hải Phòng', ['Noto Sans'], coverage)).toEqual([]);
    // U+0378 is unassigned: no font can have it, so this is what a tofu looks like to the check.
    expect(missingGlyphs('a\u0378', ['Noto Sans'], coverage)).toEqual(['\u0378']);
    expect(missingGlyphs('ສູ່', ['Noto Sans'], coverage)).not.toEqual([]);
  });

  it('Vietnamese, Chinese, Lao, Khmer, Korean and Russian use Noto fonts that have every glyph', async () => {
    const coverage = fontCoverage();
    const languages = Object.keys(WELCOME);
    harness = await startHarness();
    const base = document({ defaultItem: { kind: 'text', id: 'welcome', body: WELCOME, durationSec: 120 } });
    await harness.screen.show({
      ...base,
      display: { ...base.display, languages, languageRotationSec: 2 },
    });
    const h = harness;
    const page = await waitFor('the page', async () => h.screen.session?.page);
    const cdp = await page.createCDPSession();
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    // Languages rotate every 2 s; each is checked when it comes round, in whatever order.
    const checked = new Set<string>();
    const deadline = Date.now() + 40_000;
    while (checked.size < languages.length && Date.now() < deadline) {
      const language = (await page.evaluate(
        `(document.querySelector('#zone-main .item.current p') || {}).lang || null`,
      )) as string | null;
      if (language === null || checked.has(language)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
      const { nodeId } = await cdp.send('DOM.querySelector', {
        nodeId: root.nodeId,
        selector: `#zone-main .item.current p[lang="${language}"]`,
      });
      if (nodeId === 0) continue; // the language changed between the two calls
      const { fonts } = (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })) as {
        fonts: PlatformFont[];
      };
      if (fonts.length === 0) {
        // Not laid out yet (the item just came in); a text no font can draw never gets past the deadline.
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      const text = WELCOME[language]!;
      const families = fonts.map((font) => font.familyName);
      for (const family of families) expect(family, `${language} uses ${family}`).toMatch(/^Noto /);
      expect(missingGlyphs(text, families, coverage), `${language}: characters without a glyph`).toEqual([]);
      const graphemes = [...new Intl.Segmenter(language, { granularity: 'grapheme' }).segment(text)];
      const glyphs = fonts.reduce((sum, font) => sum + font.glyphCount, 0);
      expect(glyphs, `${language}: glyphs drawn`).toBeGreaterThanOrEqual(graphemes.length);
      checked.add(language);
    }
    expect([...checked].sort()).toEqual([...languages].sort());
  });
});
