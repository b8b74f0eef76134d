import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { chromiumMissing, document, startHarness, waitFor, type Harness } from '../player/player-harness.js';

const ENTRY = 'ann-a1b2c3d4e5f6';

/** A screen's document with a live announcement over its welcome text. */
function withAnnouncement(version: number) {
  return document(
    {
      defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Xin chào', en: 'Welcome' } },
      schedule: [
        {
          id: ENTRY,
          layer: 'announcement',
          zone: 'main',
          notBefore: '2026-01-01T00:00:00.000Z',
          notAfter: '2099-01-01T00:00:00.000Z',
          items: [
            {
              kind: 'text',
              id: ENTRY,
              title: { vi: 'Thông báo khẩn', en: 'Urgent notice' },
              body: { vi: 'Băng chuyền số 3 tạm ngừng.', en: 'Belt 3 is out of service.' },
              durationSec: 5,
            },
          ],
        },
      ],
    },
    version,
  );
}

// The render receipt with a real headless Chromium: the first showing of an announcement is
// confirmed once, with a screenshot hash, and a restarted player does not confirm it again.
describe.skipIf(chromiumMissing() !== null)('announcement render receipt in the player', () => {
  let harness: Harness | null = null;
  const dirs: Array<{ remove(): Promise<void> }> = [];

  afterEach(async () => {
    await harness?.close();
    harness = null;
    for (const dir of dirs.splice(0)) await dir.remove();
  });

  it('queues one announcement-shown event with a screenshot hash, and not again after a restart', async () => {
    const dir = await tempDir('receipt');
    dirs.push(dir);
    harness = await startHarness({ dataDir: dir.path, clockSynchronized: () => true });
    await harness.screen.show(withAnnouncement(1));
    const receipt = await waitFor(
      'the receipt',
      async () => harness?.events.find((event) => event.kind === 'announcement-shown'),
      20_000,
    );
    expect(receipt).toMatchObject({
      kind: 'announcement-shown',
      entryId: ENTRY,
      itemId: ENTRY,
      // The page rotates languages by the clock; whichever was on screen.
      language: expect.stringMatching(/^(vi|en)$/),
      screenshotSha256: expect.stringMatching(/^[a-f0-9]{64}$/),
    });
    const ledger = join(dir.path, 'announcements-shown.json');
    // Written just after the event is queued.
    await waitFor(
      'the ledger',
      async () =>
        existsSync(ledger) && (JSON.parse(readFileSync(ledger, 'utf8')) as string[]).includes(ENTRY),
    );

    // Same data dir, new player: the announcement shows again, but is not confirmed again.
    await harness.close();
    harness = await startHarness({ dataDir: dir.path, clockSynchronized: () => true });
    await harness.screen.show(withAnnouncement(2));
    await waitFor(
      'the announcement on screen again',
      async () => harness?.states.some((state) => state.currentItemId === ENTRY),
      20_000,
    );
    // A later item start (the item loops every 5 s) must not confirm either.
    await waitFor(
      'the announcement started twice',
      async () => {
        const starts =
          harness?.events.filter((event) => event.kind === 'proof-of-play' && event.itemId === ENTRY) ?? [];
        return starts.length >= 1;
      },
      20_000,
    );
    expect(harness.events.filter((event) => event.kind === 'announcement-shown')).toEqual([]);
  }, 60_000);
});
