import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CDPSession } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '@gatecast/protocol';
import type { DisplayCheck } from '../../../src/display-check/display-check.js';
import {
  chromiumMissing,
  document,
  mainItem,
  startHarness,
  startMediaOrigin,
  waitFor,
  type Harness,
} from '../player/player-harness.js';
import { displayEvents, forceBlack, startDisplayCheck } from './display-harness.js';

const missing = chromiumMissing();
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const WELCOME = document({
  defaultItem: {
    kind: 'text',
    id: 'welcome',
    body: { vi: 'Chào mừng đến Hải Phòng', en: 'Welcome to Hai Phong' },
  },
});

describe.skipIf(missing !== null)('display assurance in real headless Chromium', () => {
  let harness: Harness | null = null;
  let check: DisplayCheck | null = null;
  const cleanups: Array<() => Promise<unknown>> = [];
  const events: DeviceEvent[] = [];

  afterEach(async () => {
    await check?.stop();
    check = null;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    await harness?.close();
    harness = null;
    events.length = 0;
  });

  async function showing(desired = WELCOME, itemId = 'welcome'): Promise<Harness> {
    harness = await startHarness();
    const h = harness;
    await h.screen.show(desired);
    await waitFor(`${itemId} on screen`, async () => (await mainItem(h)) === itemId, 20_000);
    return h;
  }

  function detach(cdp: CDPSession): void {
    cleanups.push(() => cdp.detach());
  }

  it('a page forced black is reported, then reloaded, and the episode clears once content is back', async () => {
    const h = await showing();
    check = startDisplayCheck(h, events);
    await waitFor('a first verdict', async () => (await check!.telemetry()).checkedAt);
    expect(await check.telemetry()).toMatchObject({ black: false, frozen: false, cecPower: 'unknown' });

    detach(await forceBlack(h.screen.session!.page, false));
    await waitFor('the black episode', async () => displayEvents(events, 'DISPLAY_BLACK').length >= 2);
    const [began, recovery] = displayEvents(events, 'DISPLAY_BLACK');
    expect(began).toMatch(/black in 2 checks/);
    expect(recovery).toBe('recovery: reloading the player page');

    // The reload drops the injected style: the welcome item shows again and the episode ends.
    await waitFor('the episode cleared', async () =>
      displayEvents(events, 'DISPLAY_BLACK').includes('cleared: the screen shows content again'),
    );
    expect(check.problems).toEqual([]);
    expect((await check.telemetry()).black).toBe(false);
    expect(h.screen.chromium.restarts).toBe(0);
  });

  // Checks, a reload, more checks and a browser start: slow on a loaded machine, so wide bounds.
  it('a page that stays black after the reload gets a new browser, and is reported until then', async () => {
    const h = await showing();
    const firstPid = h.screen.chromium.pid;
    // Put back on every load: the reload cannot help, only a new browser (without this session) can.
    detach(await forceBlack(h.screen.session!.page, true));
    check = startDisplayCheck(h, events);
    await waitFor('the episode in the reported problems', async () =>
      check!.problems.some((problem) => problem.code === 'DISPLAY_BLACK'),
    );
    expect((await check.telemetry()).black).toBe(true);
    await waitFor(
      'the browser restarted',
      async () => displayEvents(events, 'DISPLAY_BLACK').includes('recovery: restarting the browser'),
      45_000,
    );
    await waitFor(
      'content on screen in a new browser',
      async () => h.screen.chromium.pid !== firstPid && (await mainItem(h)) === 'welcome',
      45_000,
    );
    await waitFor('the episode cleared', async () => check!.problems.length === 0, 45_000);
    expect(displayEvents(events, 'DISPLAY_BLACK')).toEqual([
      expect.stringMatching(/black in 2 checks/),
      'recovery: reloading the player page',
      'recovery: restarting the browser',
      'cleared: the screen shows content again',
    ]);
    expect(h.screen.chromium.lastCause).toBe('reload: the screen stayed black after a page reload');
  }, 150_000);

  it('a video paused while the plan says video is reported frozen, and clears when it plays again', async () => {
    const clip = fixture('clip.webm');
    const origin = await startMediaOrigin({ 'clip.webm': clip });
    cleanups.push(origin.close);
    const video = {
      kind: 'video' as const,
      id: 'clip',
      url: `${origin.url}/clip.webm`,
      sha256: sha256(clip),
      sizeBytes: clip.length,
    };
    const h = await showing(
      document({ defaultItem: video, layout: { kind: 'full', orientation: 'landscape', transition: 'cut' } }),
      'clip',
    );
    // The page reports the start once the first frame is painted, a moment after it is attached.
    await waitFor('the plan saying video', async () => h.screen.motionExpected());
    check = startDisplayCheck(h, events);
    // Normal playback first: a dozen captures of a playing video raise nothing.
    await waitFor('a first verdict', async () => (await check!.telemetry()).checkedAt);
    await pause(5_000);
    expect(events).toEqual([]);
    expect(await check.telemetry()).toMatchObject({ black: false, frozen: false });

    // Every video is held still, as a stuck decoder would.
    await h.screen.session!.page.evaluate(
      `window.__hold = setInterval(() => document.querySelectorAll('video').forEach((v) => v.pause()), 50)`,
    );
    await waitFor('the frozen episode', async () => displayEvents(events, 'DISPLAY_FROZEN').length > 0);
    expect(displayEvents(events, 'DISPLAY_FROZEN')[0]).toMatch(/stayed the same in 3 checks/);
    expect(check.problems.map((problem) => problem.code)).toEqual(['DISPLAY_FROZEN']);
    expect((await check.telemetry()).frozen).toBe(true);

    await h.screen.session!.page.evaluate(
      `clearInterval(window.__hold); document.querySelectorAll('video').forEach((v) => v.play())`,
    );
    await waitFor('the frozen episode cleared', async () =>
      displayEvents(events, 'DISPLAY_FROZEN').includes('cleared: the picture moves again'),
    );
    expect(displayEvents(events, 'DISPLAY_BLACK')).toEqual([]);
  });

  it('normal playback with a scrolling ticker raises nothing', async () => {
    const withTicker = document({
      defaultItem: WELCOME.content.defaultItem,
      layout: { kind: 'main-ticker', orientation: 'landscape', transition: 'cut' },
      schedule: [
        {
          id: 'news',
          layer: 'filler',
          zone: 'ticker',
          items: [
            {
              kind: 'text',
              id: 'news',
              body: { en: 'Flights to Ho Chi Minh City board at gate 3' },
              durationSec: 60,
            },
          ],
        },
      ],
    });
    const h = await showing(withTicker);
    await waitFor('the ticker on screen', async () => h.screen.state.zones.ticker?.itemId === 'news');
    await waitFor('the plan saying the ticker moves', async () => h.screen.motionExpected());
    check = startDisplayCheck(h, events);
    await waitFor('a first verdict', async () => (await check!.telemetry()).checkedAt);
    await pause(5_000);
    expect(events).toEqual([]);
    expect(check.problems).toEqual([]);
    expect(await check.telemetry()).toMatchObject({ black: false, frozen: false });
  });
});
