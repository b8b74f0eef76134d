import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { chromiumMissing, startHarness, waitFor, type Harness } from '../player/player-harness.js';
import {
  kioskState,
  prop,
  screenDocument,
  startGateOrigin,
  texts,
  touch,
  touchPage,
} from './kiosk-harness.js';

const missing = chromiumMissing();

describe.skipIf(missing !== null)('the kiosk with the fleet gone', () => {
  let harness: Harness | null = null;
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await harness?.close();
    harness = null;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('caches the bundle and its pictures, then works fully from the cache after a restart', async () => {
    const dir = await tempDir('kiosk-offline');
    cleanups.push(() => dir.remove());
    const gate = await startGateOrigin();
    const desired = screenDocument('lookup', { infoTree: gate.tree });
    const tree = desired.content.infoTree!;
    harness = await startHarness({ dataDir: dir.path });
    const first = harness;
    await first.screen.show(desired);
    await waitFor(
      'bundle and map cached',
      async () =>
        [tree.sha256, ...tree.media.map((image) => image.sha256)].every(
          (sha) => first.media.pathOf(sha) !== null,
        ),
      20_000,
    );
    await waitFor('the cache reported ready', async () => first.screen.state.cache?.ready);

    // The fleet (and its media store) goes away, and the screen restarts from its data dir.
    await gate.close();
    await first.close();
    harness = await startHarness({ dataDir: dir.path });
    const h = harness;
    await h.screen.show(desired);
    await waitFor('the bundle from the cache', async () => (await kioskState(h))?.ready, 20_000);
    const page = await touchPage(h);
    await touch(page, '#zone-main');
    await touch(page, '.kiosk-tile[data-node-id="transport"]');
    await touch(page, '.kiosk-tile[data-node-id="airport-transport"]');
    await waitFor('the map from the cache', () =>
      prop<number>(page, '#kiosk .info-map img', 'naturalWidth').then((width) => (width ?? 0) > 0),
    );
    expect(await texts(page, '#kiosk .info-page h1')).toEqual(['Taxi và xe buýt từ sân bay']);
    await touch(page, '#kiosk-search');
    await page.keyboard.type('入境');
    await waitFor('a result', async () => (await texts(page, '.kiosk-results .kiosk-tile')).length > 0);
    // Pages before categories: the page, then its category "入境与签证".
    expect(await texts(page, '.kiosk-results .tile-title')).toEqual([
      'Thủ tục nhập cảnh',
      'Nhập cảnh và thị thực',
    ]);
    expect(existsSync(dir.path)).toBe(true);
  });
});
