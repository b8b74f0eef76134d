import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chromiumMissing,
  document,
  mainItem,
  playerConfig,
  startHarness,
  startMediaOrigin,
  waitFor,
  type Harness,
} from './player-harness.js';
import { makeZip } from './zip-writer.js';

const missing = chromiumMissing();

describe.skipIf(missing !== null)('web pages and html packages in the Chromium player', () => {
  let harness: Harness | null = null;
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await harness?.close();
    harness = null;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('shows an html package in a sandboxed frame with an opaque origin', async () => {
    const zip = makeZip({
      'index.html': '<!doctype html><link rel="stylesheet" href="style.css"><h1 id="t">Wayfinding</h1>',
      'style.css': 'h1 { color: rgb(0, 128, 0); }',
    });
    const origin = await startMediaOrigin({ 'way.zip': zip });
    cleanups.push(origin.close);
    harness = await startHarness();
    await harness.screen.show(
      document({
        defaultItem: {
          kind: 'html-package',
          id: 'wayfinding',
          url: `${origin.url}/way.zip`,
          sha256: createHash('sha256').update(zip).digest('hex'),
          sizeBytes: zip.length,
        },
      }),
    );
    const h = harness;
    await waitFor('the package on screen', async () => (await mainItem(h)) === 'wayfinding', 20_000);
    const page = h.screen.session!.page;
    const sandbox = await page.evaluate(
      `document.querySelector('#zone-main .item.current iframe').getAttribute('sandbox')`,
    );
    expect(sandbox).toBe('allow-scripts');
    const frame = page.frames().find((candidate) => candidate.url().includes('/packages/'));
    expect(frame).toBeDefined();
    // Its own stylesheet loaded, and it runs in an opaque origin: no access to the player.
    expect(await frame!.evaluate(`getComputedStyle(document.getElementById('t')).color`)).toBe(
      'rgb(0, 128, 0)',
    );
    expect(await frame!.evaluate('self.origin')).toBe('null');
    expect(
      await frame!.evaluate(
        `(() => { try { return parent.document.title; } catch { return 'blocked'; } })()`,
      ),
    ).toBe('blocked');
  });

  it('skips a web page that does not load in time and shows the next item', async () => {
    const sockets = new Set<import('node:net').Socket>();
    // Accepts connections and never answers: a flight board that hangs.
    const silent: Server = createServer(() => undefined);
    silent.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hangOrigin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    harness = await startHarness({ player: playerConfig({ webAllowList: [hangOrigin] }) });
    await harness.screen.show(
      document({
        defaultItem: { kind: 'web', id: 'board', url: `${hangOrigin}/board`, durationSec: 60 },
        defaultLoop: [
          { kind: 'text', id: 'fallback', body: { en: 'Flight information at the desk' }, durationSec: 60 },
        ],
      }),
    );
    const h = harness;
    await waitFor('the fallback item', async () => (await mainItem(h)) === 'fallback', 25_000);
    const failure = await waitFor('the web item reported as failed', async () =>
      h.states.find((state) => state.errors.some((problem) => problem.message.includes('board'))),
    );
    expect(failure.errors[0]?.code).toBe('ITEM_FAILED');
  });
});
