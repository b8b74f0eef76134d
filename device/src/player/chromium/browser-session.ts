import type { Logger } from 'pino';
import type { Browser, CDPSession, Page } from 'puppeteer-core';
import { withTimeout } from '../../lib/with-timeout.js';
import { navigationVerdict } from './navigation-policy.js';

/** Why a browser is gone or being replaced; reported as the last restart cause. */
export type LossCause = 'exited' | 'disconnected' | 'page-crash' | 'heartbeat' | 'memory' | 'reload';

export interface SessionOptions {
  executablePath: string;
  flags: string[];
  headless: boolean;
  viewport?: { width: number; height: number };
  /** The player page; its origin is the only one the top frame may show. */
  pageUrl: string;
  /** Origins web items may show in frames. */
  webOrigins: () => readonly string[];
  /** Name of the function the page calls to report item starts and ends. */
  bindingName: string;
  onReport(report: unknown): void;
  onLost(cause: LossCause, detail: string): void;
  log: Logger;
}

const CLOSE_TIMEOUT_MS = 2_000;

/** One running Chromium with the player page; everything it holds is released by `close()`. */
export interface BrowserSession {
  readonly page: Page;
  readonly pid: number | null;
  /** True when the page's main thread answers within `timeoutMs`. */
  heartbeat(timeoutMs: number): Promise<boolean>;
  /** JS heap in use by the page, or null when it cannot be read. */
  heapBytes(): Promise<number | null>;
  close(): Promise<void>;
}

/** Starts loading the browser driver now, so the first launch does not wait for it; idempotent. */
export function preloadBrowserDriver(): void {
  void import('puppeteer-core').catch(() => undefined);
}

/** Launches Chromium over a pipe (no debugging port to attack) and opens the player page. */
export async function openSession(options: SessionOptions): Promise<BrowserSession> {
  // Loaded on first launch only: about 30 MB and 0.3 s that an agent without a screen never needs.
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    executablePath: options.executablePath,
    pipe: true,
    headless: options.headless,
    // A kiosk fills its window; headless has none, so it gets the configured size.
    defaultViewport: options.headless && options.viewport ? options.viewport : null,
    args: options.flags,
    // The automation infobar would sit on top of the content.
    ignoreDefaultArgs: ['--enable-automation'],
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  try {
    return await preparePage(browser, options);
  } catch (error) {
    await closeBrowser(browser);
    throw error;
  }
}

async function preparePage(browser: Browser, options: SessionOptions): Promise<BrowserSession> {
  let lost = false;
  const lose = (cause: LossCause, detail: string): void => {
    if (lost) return;
    lost = true;
    options.onLost(cause, detail);
  };
  browser.process()?.once('exit', (code, signal) => lose('exited', `code ${code}, signal ${signal}`));
  browser.once('disconnected', () => lose('disconnected', 'the browser connection closed'));
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  page.on('error', (error) => lose('page-crash', error.message));
  let cdp: CDPSession | null = null;
  // Nothing but the player page may hold the screen: popups are closed at once.
  browser.on('targetcreated', (target) => {
    if (target.type() !== 'page') return;
    void target.page().then((other) => (other && other !== page ? other.close() : undefined));
  });
  try {
    await page.exposeFunction(options.bindingName, (report: unknown) => options.onReport(report));
    returnToPlayer(page, options);
    cdp = await page.createCDPSession();
    await guardNavigation(cdp, options);
    await page.goto(options.pageUrl, { waitUntil: 'domcontentloaded', timeout: 15_000 });
    // No entry behind the player: back (a key, a swipe, history.back()) has nowhere to go.
    await cdp.send('Page.resetNavigationHistory');
  } catch (error) {
    // A launch that fails is the launcher's to retry; its dying browser must not also count as lost.
    lost = true;
    throw error;
  }
  return sessionOf(browser, page, async () => {
    lost = true;
    await cdp?.detach().catch(() => undefined);
  });
}

function sessionOf(browser: Browser, page: Page, beforeClose: () => Promise<void>): BrowserSession {
  return {
    page,
    pid: browser.process()?.pid ?? null,
    heartbeat: async (timeoutMs) =>
      (await withTimeout(
        page.evaluate('1').then(
          () => true,
          () => false,
        ),
        timeoutMs,
        false,
      )) === true,
    heapBytes: async () => {
      const metrics = await withTimeout(page.metrics(), 3_000, null).catch(() => null);
      return metrics?.JSHeapTotalSize ?? null;
    },
    close: async () => {
      await beforeClose();
      await closeBrowser(browser);
    },
  };
}

/** Should anything still take the top frame elsewhere (an error page), go back to the player. */
function returnToPlayer(page: Page, options: SessionOptions): void {
  const playerOrigin = new URL(options.pageUrl).origin;
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame() || frame.url().startsWith(`${playerOrigin}/`)) return;
    options.log.warn({ url: frame.url() }, 'the player page was replaced; going back');
    void page
      .goto(options.pageUrl, { waitUntil: 'domcontentloaded' })
      .then(() => page.createCDPSession())
      .then(async (session) => {
        await session.send('Page.resetNavigationHistory');
        await session.detach();
      })
      .catch(() => undefined);
  });
}

/** Document requests pause in the browser until we say yes; anything off the allow-list fails. */
async function guardNavigation(cdp: CDPSession, options: SessionOptions): Promise<void> {
  const tree = await cdp.send('Page.getFrameTree');
  const mainFrameId = tree.frameTree.frame.id;
  const playerOrigin = new URL(options.pageUrl).origin;
  cdp.on('Fetch.requestPaused', (event) => {
    const verdict = navigationVerdict({
      url: event.request.url,
      topFrame: event.frameId === mainFrameId,
      playerOrigin,
      webOrigins: options.webOrigins(),
    });
    if (verdict) {
      void cdp.send('Fetch.continueRequest', { requestId: event.requestId }).catch(() => undefined);
      return;
    }
    options.log.warn({ url: event.request.url }, 'navigation blocked: not on the allow-list');
    // Aborted, not BlockedByClient: an aborted navigation commits no error page, the player stays.
    void cdp
      .send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'Aborted' })
      .catch(() => undefined);
  });
  await cdp.send('Fetch.enable', { patterns: [{ resourceType: 'Document', requestStage: 'Request' }] });
}

/** A polite close first; a hung or half-dead browser is killed, so a restart never waits on it. */
async function closeBrowser(browser: Browser): Promise<void> {
  const child = browser.process();
  const exited =
    child && child.exitCode === null && child.signalCode === null
      ? new Promise<void>((resolve) => child.once('exit', () => resolve()))
      : Promise.resolve();
  const closed = await withTimeout(
    browser.close().then(
      () => true,
      () => false,
    ),
    CLOSE_TIMEOUT_MS,
    false,
  );
  if (!closed && child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await withTimeout(exited, CLOSE_TIMEOUT_MS, undefined);
}
