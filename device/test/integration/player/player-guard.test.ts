import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chromiumMissing,
  document,
  mainItem,
  pageValue,
  playerConfig,
  startHarness,
  waitFor,
  type Harness,
} from './player-harness.js';

const missing = chromiumMissing();

/** A web server standing in for the airport's flight board, counting what reaches it. */
async function startSite(): Promise<{ origin: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Arrivals</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe.skipIf(missing !== null)('the player keeps to its allow-list and its memory', () => {
  let harness: Harness | null = null;
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await harness?.close();
    harness = null;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('blocks the top frame from leaving the player, and shows only allow-listed web pages', async () => {
    const board = await startSite();
    const stranger = await startSite();
    cleanups.push(board.close, stranger.close);
    harness = await startHarness({ player: playerConfig({ webAllowList: [board.origin] }) });
    await harness.screen.show(
      document({
        defaultItem: { kind: 'web', id: 'stranger', url: `${stranger.origin}/`, durationSec: 60 },
        defaultLoop: [{ kind: 'web', id: 'board', url: `${board.origin}/arrivals`, durationSec: 60 }],
      }),
    );
    const h = harness;
    await waitFor('the allow-listed board', async () => (await mainItem(h)) === 'board');
    expect(board.hits).toContain('/arrivals');

    const page = h.screen.session!.page;
    const playerUrl = page.url();
    await pageValue(h, `location.href = ${JSON.stringify(`${stranger.origin}/phish`)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(page.url()).toBe(playerUrl);
    expect(await mainItem(h)).toBe('board');
    expect(stranger.hits).toEqual([]);
  });

  it('W6: a browser whose memory keeps growing is recycled at an item boundary and plays again', async () => {
    harness = await startHarness({
      supervision: {
        heartbeatIntervalMs: 1_000,
        heartbeatTimeoutMs: 1_500,
        memorySampleMs: 200,
        // Any heap is "too much" here: the point is the recycle path, not the threshold.
        memoryPolicy: { limitBytes: 1, samples: 2 },
      },
    });
    await harness.screen.show(
      document({
        defaultItem: { kind: 'text', id: 'one', body: { en: 'One' }, durationSec: 1 },
        defaultLoop: [{ kind: 'text', id: 'two', body: { en: 'Two' }, durationSec: 1 }],
      }),
    );
    const h = harness;
    await waitFor('a memory recycle', async () => h.screen.chromium.lastCause?.startsWith('memory'), 20_000);
    await waitFor(
      'content again after the recycle',
      async () => h.screen.chromium.up && (await mainItem(h)) !== null,
    );
    expect(h.screen.chromium.restarts).toBeGreaterThanOrEqual(1);
  });
});
