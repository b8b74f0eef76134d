import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  desiredSchema,
  type DesiredDocument,
  type DesiredDocumentInput,
  type InfoBundle,
} from '@gatecast/protocol';
import type { Page } from 'puppeteer-core';
import { pageValue, startMediaOrigin, type Harness } from '../player/player-harness.js';
import { gateBundle } from './gate-bundle.js';

const STILL = readFileSync(fileURLToPath(new URL('../../fixtures/still.png', import.meta.url)));

export const sha256 = (body: Buffer): string => createHash('sha256').update(body).digest('hex');

/** The fleet's side for a kiosk: the bundle and its map, served by sha256 like the media store. */
export async function startGateOrigin(): Promise<{
  url: string;
  bundle: InfoBundle;
  tree: NonNullable<DesiredDocumentInput['content']['infoTree']>;
  close(): Promise<void>;
}> {
  const mapSha = sha256(STILL);
  const files: Record<string, Buffer> = { [mapSha]: STILL };
  const origin = await startMediaOrigin(files);
  const map = { url: `${origin.url}/${mapSha}`, sha256: mapSha, sizeBytes: STILL.length };
  const bundle = gateBundle(map);
  const body = Buffer.from(JSON.stringify(bundle));
  const bundleSha = sha256(body);
  files[bundleSha] = body;
  return {
    url: origin.url,
    bundle,
    tree: {
      url: `${origin.url}/${bundleSha}`,
      sha256: bundleSha,
      sizeBytes: body.length,
      version: bundle.version,
      media: [map],
    },
    close: origin.close,
  };
}

/** A lookup or counter screen of Cat Bi airport, its attract loop a welcome text. */
export function screenDocument(
  profile: 'lookup' | 'counter' | 'signage',
  content: Partial<DesiredDocumentInput['content']>,
  version = 1,
  display: Partial<DesiredDocumentInput['display']> = {},
): DesiredDocument {
  return desiredSchema.parse({
    version,
    deviceId: 'cat-bi-kiosk-01',
    issuedAt: '2026-11-26T08:00:00.000Z',
    device: { name: 'Arrivals kiosk 1', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall', profile },
    display: {
      timeZone: 'Asia/Ho_Chi_Minh',
      locale: 'vi',
      languages: ['vi', 'en', 'zh-Hans', 'lo', 'km'],
      languageRotationSec: 60,
      ...display,
    },
    content: {
      defaultItem: {
        kind: 'text',
        id: 'welcome',
        body: { vi: 'Chào mừng đến Hải Phòng', en: 'Welcome to Hai Phong' },
      },
      ...content,
    },
  } satisfies DesiredDocumentInput);
}

export interface KioskState {
  profile: string | null;
  ready: boolean;
  open: boolean;
  language: string;
  view: string;
  nodeId: string | null;
  history: number;
  search: string;
  scale: number;
  scrollTop: number;
  counterPage: { nodeId: string; language: string } | null;
}

export function kioskState(harness: Harness): Promise<KioskState | null> {
  return pageValue<KioskState>(harness, 'window.gatecastKiosk ? window.gatecastKiosk.state() : null');
}

export function pageOf(harness: Harness): Page {
  const page = harness.screen.session?.page;
  if (!page) throw new Error('no player page');
  return page;
}

/**
 * The page as a touch screen sees it: touch events, and taps that become clicks by the browser's
 * gesture recognition, aimed anew at what is under the finger then (as on a kiosk's panel).
 */
export async function enableTouch(page: Page): Promise<void> {
  const cdp = await page.createCDPSession();
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  await cdp.detach();
}

/** The player page, set up as a touch screen. */
export async function touchPage(harness: Harness): Promise<Page> {
  const page = pageOf(harness);
  await enableTouch(page);
  return page;
}

/** A finger on the element's centre: touchstart/touchend through CDP, as a touch screen sends them. */
export async function touch(page: Page, selector: string): Promise<void> {
  const element = await page.waitForSelector(selector, { visible: true, timeout: 5_000 });
  if (!element) throw new Error(`nothing at ${selector}`);
  await element.tap();
}

/** The visible texts of a selector, for assertions. */
export function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (elements) => elements.map((element) => element.textContent ?? ''));
}

/** A DOM property of the first match, or undefined (a string expression: tests compile without DOM types). */
export function prop<T>(page: Page, selector: string, name: string): Promise<T | undefined> {
  return page.evaluate(
    `(() => { const el = document.querySelector(${JSON.stringify(selector)}); return el ? el[${JSON.stringify(name)}] : undefined; })()`,
  ) as Promise<T | undefined>;
}

/** The data-* attribute `name` of every match. */
export function dataOf(page: Page, selector: string, name: string): Promise<Array<string | null>> {
  return page.$$eval(
    selector,
    (elements, attribute) => elements.map((el) => el.getAttribute(attribute)),
    `data-${name}`,
  );
}
