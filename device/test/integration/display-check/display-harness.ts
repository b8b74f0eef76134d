import type { CDPSession, Page } from 'puppeteer-core';
import type { DeviceEvent } from '@gatecast/protocol';
import { DisplayCheck } from '../../../src/display-check/display-check.js';
import { watchPlayerDisplay } from '../../../src/display-check/player-display.js';
import { systemClock } from '../../../src/lib/clock.js';
import { makeEvent } from '../../../src/lib/device-event.js';
import { testLogger } from '../helpers/fixtures.js';
import type { Harness } from '../player/player-harness.js';

/** Captures this often in the tests (30 s in service). */
export const CHECK_EVERY_MS = 400;

/** As in the issue, made `!important` so it beats the player's own `visibility: visible` on staged items. */
const BLACK_CSS = 'html, body { background: #000 !important } * { visibility: hidden !important }';

/** A display check on the harness's screen; its events land in `events`. */
export function startDisplayCheck(harness: Harness, events: DeviceEvent[]): DisplayCheck {
  const check = watchPlayerDisplay(harness.screen, {
    clock: systemClock,
    log: testLogger(),
    intervalMs: CHECK_EVERY_MS,
    // Long enough for a reload or a relaunch on a busy test machine; 15 s in service.
    settleMs: 3_000,
    onEvent: (body) => events.push(makeEvent(systemClock, body)),
  });
  check.start();
  return check;
}

/**
 * Forces the page black through CDP with an inspector style sheet (the page's CSP does not apply to
 * it). With `everyLoad`, it is put back after every navigation, so a reload does not help.
 */
export async function forceBlack(page: Page, everyLoad: boolean): Promise<CDPSession> {
  const cdp = await page.createCDPSession();
  await cdp.send('Page.enable');
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const inject = async (): Promise<void> => {
    await cdp.send('DOM.getDocument');
    const { frameTree } = await cdp.send('Page.getFrameTree');
    const { styleSheetId } = await cdp.send('CSS.createStyleSheet', { frameId: frameTree.frame.id });
    await cdp.send('CSS.setStyleSheetText', { styleSheetId, text: BLACK_CSS });
  };
  await inject();
  if (everyLoad) cdp.on('Page.domContentEventFired', () => void inject().catch(() => undefined));
  return cdp;
}

/** The display events of one code, as `began`/`recovery`/`cleared` words in order. */
export function displayEvents(events: DeviceEvent[], code: 'DISPLAY_BLACK' | 'DISPLAY_FROZEN'): string[] {
  return events.flatMap((event) =>
    event.kind === 'error' && event.problem.code === code ? [event.problem.message] : [],
  );
}
