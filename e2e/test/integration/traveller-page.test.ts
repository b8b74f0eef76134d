import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { CDPSession, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../../fleet/src/http/build-http-app.js';
import { missingGlyphs } from '../../../fleet/src/library/glyph-coverage.js';
import { fakeDeps, seedGate } from '../../../fleet/test/unit/http/fake-deps.js';
import {
  FIXTURE_IMAGE_SHA,
  FIXTURE_LANGUAGES,
  fixtureBundle,
} from '../../../fleet/test/unit/traveller/traveller-fixture.js';
import { chromiumOrSkip, launchChromium, type RunningBrowser } from '../support/browser.js';

/** A 1×1 PNG for the tree's picture. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001' +
    '0d0a2db40000000049454e44ae426082',
  'hex',
);

/** The font family Chromium must draw each script with: any other means a box or a wrong shape. */
const SCRIPT_FONTS: Array<{ script: RegExp; family: RegExp }> = [
  { script: /\p{Script=Khmer}/u, family: /Khmer/ },
  { script: /\p{Script=Lao}/u, family: /Lao/ },
  { script: /\p{Script=Thai}/u, family: /Thai/ },
  { script: /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u, family: /CJK/ },
];

const PAGES = ['', '/visa', '/emergency', '?q=thu%20tuc'];
const canRun = chromiumOrSkip();

interface UsedFonts {
  text: string;
  lang: string;
  fonts: Array<{ familyName: string; glyphCount: number }>;
}

/** Every element with text of its own, with the platform fonts Chromium drew that text in. */
async function usedFonts(page: Page, cdp: CDPSession): Promise<UsedFonts[]> {
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const found: UsedFonts[] = [];
  type DomNode = (typeof root & { children?: DomNode[] }) | typeof root;
  const walk = async (node: DomNode, lang: string): Promise<void> => {
    const attributes = node.attributes ?? [];
    const index = attributes.indexOf('lang');
    const here = index >= 0 && index % 2 === 0 ? (attributes[index + 1] ?? lang) : lang;
    const children = (node.children ?? []) as DomNode[];
    const text = children
      .filter((child) => child.nodeType === 3)
      .map((child) => child.nodeValue)
      .join('')
      .trim();
    if (text !== '' && !['STYLE', 'TITLE', 'SCRIPT'].includes(node.nodeName)) {
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId: node.nodeId });
      found.push({ text, lang: here, fonts });
    }
    for (const child of children) await walk(child, here);
  };
  await walk(root, '');
  void page;
  return found;
}

describe.skipIf(!canRun)('the traveller page on a 360 px phone, in every language', () => {
  let running: RunningBrowser;
  let app: FastifyInstance;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatecast-traveller-e2e-'));
    writeFileSync(join(dir, 'map.png'), PNG);
    const deps = fakeDeps();
    seedGate(deps);
    const picture = {
      sha256: FIXTURE_IMAGE_SHA,
      name: 'map.png',
      path: join(dir, 'map.png'),
      sizeBytes: PNG.length,
      contentType: 'image/png',
    };
    deps.media = { get: (sha256) => (sha256 === FIXTURE_IMAGE_SHA ? picture : undefined) };
    deps.traveller = { bundles: { bundle: async () => fixtureBundle() } };
    app = buildHttpApp(deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/t/cat-bi`;
    running = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders every page without horizontal scroll, every character in a font that has it', async () => {
    const page = await running.browser.newPage();
    await page.setViewport({ width: 360, height: 740, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const cdp = await page.createCDPSession();
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const offSite: string[] = [];
    const blocked: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(base.slice(0, base.indexOf('/t/')))) offSite.push(request.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    const seenScripts = new Set<string>();
    for (const language of FIXTURE_LANGUAGES) {
      for (const path of PAGES) {
        const url = `${base}${path}${path.includes('?') ? '&' : '?'}lang=${language}`;
        const response = await page.goto(url, { waitUntil: 'load' });
        expect({ url, status: response?.status() }).toEqual({ url, status: 200 });
        expect(await page.evaluate(`document.documentElement.lang`)).toBe(language);
        // No horizontal scroll at 360 px: the page is exactly as wide as the phone.
        const widths = await page.evaluate(
          `({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })`,
        );
        expect({ url, widths }).toEqual({ url, widths: { scroll: 360, client: 360 } });
        // Large text: the body copy is at least 20 CSS px.
        expect(
          await page.evaluate(`parseFloat(getComputedStyle(document.body).fontSize)`),
        ).toBeGreaterThanOrEqual(20);
        // The library's glyph check on what is really on screen.
        const text = (await page.evaluate(`document.body.innerText`)) as string;
        expect({ url, missing: missingGlyphs(text) }).toEqual({ url, missing: [] });
        // Chromium's own account of the fonts it drew with: each script in a font made for it.
        for (const entry of await usedFonts(page, cdp)) {
          expect({ url, text: entry.text, fonts: entry.fonts.length > 0 }).toEqual({
            url,
            text: entry.text,
            fonts: true,
          });
          for (const { script, family } of SCRIPT_FONTS) {
            if (!script.test(entry.text)) continue;
            seenScripts.add(String(family));
            const families = entry.fonts.map((font) => font.familyName);
            expect({ url, text: entry.text, families: families.some((name) => family.test(name)) }).toEqual({
              url,
              text: entry.text,
              families: true,
            });
          }
        }
      }
    }
    // Every non-Latin script of the fixture was checked at least once.
    expect([...seenScripts].sort()).toEqual(SCRIPT_FONTS.map(({ family }) => String(family)).sort());
    expect(offSite).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  }, 180_000);

  it('works without JavaScript: the search form finds "thủ tục" from "thu tuc"', async () => {
    const page = await running.browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setViewport({ width: 360, height: 740 });
    await page.goto(`${base}?lang=vi`, { waitUntil: 'load' });
    await page.type('input[name=q]', 'thu tuc');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type=submit]')]);
    expect(page.url()).toBe(`${base}?lang=vi&q=thu+tuc`);
    const titles = await page.$$eval('.list a', (links) =>
      links.map((link) => link.childNodes[0]?.textContent),
    );
    expect(titles).toEqual(['Thủ tục nhập cảnh']);
    const cookies = await page.cookies();
    expect(cookies).toEqual([]);
    await page.close();
  }, 60_000);
});
