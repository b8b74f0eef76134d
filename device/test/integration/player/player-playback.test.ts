import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chromiumMissing,
  document,
  mainItem,
  startHarness,
  startMediaOrigin,
  waitFor,
  type Harness,
} from './player-harness.js';
import { decodePng, differenceFrom, lumaSpread } from './png-pixels.js';

const missing = chromiumMissing();
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
const sha256 = (body: Buffer): string => createHash('sha256').update(body).digest('hex');

describe.skipIf(missing !== null)('playback in the Chromium player', () => {
  let harness: Harness | null = null;
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await harness?.close();
    harness = null;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('switches items when the schedule says, not before', async () => {
    harness = await startHarness();
    const switchAt = Date.now() + 4_000;
    const at = (ms: number): string => new Date(ms).toISOString();
    await harness.screen.show(
      document({
        defaultItem: { kind: 'text', id: 'welcome', body: { en: 'Welcome' } },
        schedule: [
          {
            id: 'morning',
            layer: 'operational',
            items: [{ kind: 'text', id: 'first', body: { en: 'Check-in 1-12' } }],
            notBefore: at(Date.now() - 3_600_000),
            notAfter: at(switchAt),
          },
          {
            id: 'noon',
            layer: 'operational',
            items: [{ kind: 'text', id: 'second', body: { en: 'Check-in 13-24' } }],
            notBefore: at(switchAt),
          },
        ],
      }),
    );
    const h = harness;
    await waitFor('the first entry', async () => (await mainItem(h)) === 'first');
    expect(Date.now()).toBeLessThan(switchAt);
    await waitFor('the second entry', async () => (await mainItem(h)) === 'second', 10_000);
    const shownAt = Date.now();
    expect(shownAt).toBeGreaterThanOrEqual(switchAt);
    // Protocol deadline with a generous margin for a shared machine.
    expect(shownAt - switchAt).toBeLessThan(3_000);
    // The first item's play is proven, with its zone and duration.
    const proof = await waitFor('proof of play of the first item', async () =>
      h.events.find((event) => event.kind === 'proof-of-play' && event.itemId === 'first'),
    );
    expect(proof).toMatchObject({ zone: 'main', language: 'en' });
  });

  it('goes from a video to an image with no blank frame in between', async () => {
    const clip = fixture('clip.webm');
    const still = fixture('still.png');
    const origin = await startMediaOrigin({ 'clip.webm': clip, 'still.png': still });
    cleanups.push(origin.close);
    harness = await startHarness();
    const h = harness;
    await h.screen.show(
      document({
        defaultItem: {
          kind: 'video',
          id: 'clip',
          url: `${origin.url}/clip.webm`,
          sha256: sha256(clip),
          sizeBytes: clip.length,
        },
        defaultLoop: [
          {
            kind: 'image',
            id: 'still',
            url: `${origin.url}/still.png`,
            sha256: sha256(still),
            sizeBytes: still.length,
            durationSec: 30,
          },
        ],
        layout: { kind: 'full', orientation: 'landscape', transition: 'cut' },
      }),
    );
    await waitFor('the video on screen', async () => (await mainItem(h)) === 'clip', 20_000);
    const cdp = await h.screen.session!.page.createCDPSession();
    const frames: Array<{ data: Buffer; at: number }> = [];
    cdp.on('Page.screencastFrame', (frame) => {
      frames.push({ data: Buffer.from(frame.data, 'base64'), at: Date.now() });
      void cdp.send('Page.screencastFrameAck', { sessionId: frame.sessionId }).catch(() => undefined);
    });
    await cdp.send('Page.startScreencast', {
      format: 'png',
      maxWidth: 320,
      maxHeight: 180,
      everyNthFrame: 1,
    });
    await waitFor('the image on screen', async () => (await mainItem(h)) === 'still', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await cdp.send('Page.stopScreencast');
    await cdp.detach();

    const pictures = frames.map((frame) => decodePng(frame.data));
    const stillPixels = decodePng(still);
    const isStill = pictures.map((picture) => differenceFrom(picture, stillPixels) < 25);
    // The capture spans the switch: video frames first, the image last.
    expect(isStill.filter((value) => !value).length).toBeGreaterThan(3);
    expect(isStill.at(-1)).toBe(true);
    expect(isStill.indexOf(true)).toBeGreaterThan(0);
    // Test pattern and fractal both spread far above 20; an empty zone or black is near 0.
    const spreads = pictures.map((picture) => lumaSpread(picture));
    expect(Math.min(...spreads)).toBeGreaterThan(20);
    const proof = await waitFor('proof of play of the video', async () =>
      h.events.find((event) => event.kind === 'proof-of-play' && event.itemId === 'clip'),
    );
    expect(proof).toMatchObject({ zone: 'main', language: null });
  });
});
