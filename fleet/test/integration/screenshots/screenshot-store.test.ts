import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PNG_SIGNATURE } from '../../../src/screenshots/png.js';
import { ScreenshotStore } from '../../../src/screenshots/screenshot-store.js';

const log = pino({ level: 'silent' });
const png = (marker: number) => Buffer.concat([PNG_SIGNATURE, Buffer.from([marker, 1, 2, 3])]);

describe('ScreenshotStore, on a real disk', () => {
  let dir: string;
  let clock: number;
  let store: ScreenshotStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecast-screenshots-'));
    clock = Date.parse('2026-11-26T08:00:00.000Z');
    store = new ScreenshotStore({ dir, log, keepPerDevice: 3, maxBytes: 64, now: () => new Date(clock++) });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps only the latest few per device and serves the newest', async () => {
    const ids: string[] = [];
    for (let marker = 1; marker <= 5; marker++)
      ids.push((await store.save('cat-bi-arr-01', png(marker))).screenshotId);
    await store.save('cat-bi-arr-02', png(9));
    const kept = (await readdir(join(dir, 'cat-bi-arr-01'))).sort();
    expect(kept).toEqual(ids.slice(2).map((id) => `${id}.png`));
    const latest = await store.latest('cat-bi-arr-01');
    expect(latest).toMatchObject({ screenshotId: ids[4], bytes: png(5).length });
    expect((await store.latest('cat-bi-arr-02'))?.screenshotId).not.toBe(ids[4]);
    expect(await store.latest('cat-bi-arr-03')).toBeNull();
  });

  it("forgets a removed device's pictures and no other device's", async () => {
    await store.save('cat-bi-belt-01', png(1));
    await store.save('port-customs-01', png(2));
    await store.forget('cat-bi-belt-01');
    expect(await store.latest('cat-bi-belt-01')).toBeNull();
    expect((await store.latest('port-customs-01'))?.bytes).toBe(png(2).length);
  });

  it('ignores stray files when looking for the latest', async () => {
    const saved = await store.save('cat-bi-arr-01', png(1));
    await writeFile(join(dir, 'cat-bi-arr-01', 'zzz-not-ours.png'), 'x');
    await writeFile(join(dir, 'cat-bi-arr-01', '.99999999T999999999Z-ffffffff.tmp'), 'x');
    expect((await store.latest('cat-bi-arr-01'))?.screenshotId).toBe(saved.screenshotId);
  });

  it('refuses what is not a PNG, what is over the cap, and ids that are not device ids', async () => {
    await expect(store.save('cat-bi-arr-01', Buffer.from('GIF89a....'))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(
      store.save('cat-bi-arr-01', Buffer.concat([png(1), Buffer.alloc(64)])),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(store.save('../etc', png(1))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(store.latest('../../x')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await readdir(dir)).toEqual([]);
  });
});
