import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Debian's Chromium; GATECAST_CHROMIUM points elsewhere. */
export const CHROMIUM_PATH = process.env.GATECAST_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run. In CI a missing Chromium is a failure (it must be installed
 * there); on a developer's machine the tests are skipped with the reason printed.
 */
export function chromiumOrSkip(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    const reason = `Chromium not found at ${CHROMIUM_PATH} (install Debian's "chromium" or set GATECAST_CHROMIUM)`;
    if (process.env.CI) throw new Error(`the browser tests need Chromium: ${reason}`);
    console.error(`skipping the browser tests (dashboard and player pages): ${reason}`);
    return false;
  }
}

export interface RunningBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Headless Chromium over a pipe (no debugging port), in its own throwaway profile. */
export async function launchChromium(): Promise<RunningBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'gatecast-chromium-'));
  const args = [
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-dev-shm-usage',
    '--lang=en-GB',
  ];
  // The sandbox cannot start as root (containers, CI); anywhere else it stays on.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    pipe: true,
    headless: true,
    userDataDir: profile,
    args,
    defaultViewport: { width: 1280, height: 800 },
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did that a test must see: dialogs (alert() from injected markup), errors, CSP reports. */
export interface PageWatch {
  dialogs: string[];
  errors: string[];
  cspViolations: string[];
}

export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { dialogs: [], errors: [], cspViolations: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (error) => watch.errors.push(String(error)));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content.Security.Policy/i.test(text)) watch.cspViolations.push(text);
    else if (message.type() === 'error' && !/status of 40[134]/.test(text)) watch.errors.push(text);
  });
  return watch;
}

/** The trimmed text of the first element matching the selector, or null when there is none. */
export async function textOf(page: Page, selector: string): Promise<string | null> {
  return page.$eval(selector, (element) => element.textContent?.trim() ?? '').catch(() => null);
}

/** Clears a field and types into it like a person. */
export async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForSelector(selector, { visible: true });
  await page.click(selector, { count: 3 });
  await page.keyboard.press('Backspace');
  if (text !== '') await page.type(selector, text);
}
