import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaCache, type MediaCache, type MediaRef } from '../../../device/src/media/media-cache.js';
import { PlayerServer } from '../../../device/src/player/player-server.js';
import { MediaServer } from '../../../device/test/integration/media/helpers/media-server.js';
import { fuzzSeed, recordFigure, seededRandom, sized } from '../../support/figures.js';

const FILES = sized(100, 1_000);
const FILE_BYTES = sized(32 * 1024, 256 * 1024);
/** 5 % of the cache is damaged behind the agent's back while it runs, 5 % more while it is off. */
const DAMAGED_SHARE = 0.05;

interface Item {
  ref: MediaRef;
  path: string;
  data: Buffer;
}

type Damage = 'flip' | 'truncate';

/** Bit rot (1–3 bytes flipped in place, size unchanged) or a short file, as a failing card leaves. */
async function damage(file: string, kind: Damage, random: () => number): Promise<void> {
  if (kind === 'truncate') return truncate(file, Math.floor(random() * FILE_BYTES));
  const handle = await open(file, 'r+');
  try {
    for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) {
      const offset = Math.floor(random() * FILE_BYTES);
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, offset);
      byte[0] = byte[0]! ^ (1 << Math.floor(random() * 8));
      await handle.write(byte, 0, 1, offset);
    }
  } finally {
    await handle.close();
  }
}

/** Seeded choice of `count` distinct items not in `taken`. */
function pick(items: readonly Item[], count: number, random: () => number, taken: Set<Item>): Item[] {
  const chosen: Item[] = [];
  while (chosen.length < count) {
    const item = items[Math.floor(random() * items.length)]!;
    if (taken.has(item)) continue;
    taken.add(item);
    chosen.push(item);
  }
  return chosen;
}

// Damaged media on the card: each damaged file must be a cache miss (the player serves nothing for
// it, so the screen shows no broken item) and the next sync must fetch it again. The player server
// is the real one, fed by the cache's `pathOf`, as on a screen.
describe('P5: bit flips and truncation in cached media', () => {
  let dir: string;
  let origin: MediaServer;
  let cache: MediaCache;
  let player: PlayerServer;
  const log = pino({ level: 'silent' });
  const newCache = () =>
    createMediaCache({ dir: join(dir, 'media'), quotaBytes: 2 * FILES * FILE_BYTES, log, retryMinMs: 100 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecast-p5-'));
    origin = new MediaServer();
    await origin.start();
    cache = newCache();
    await cache.start();
    player = new PlayerServer({
      port: 0,
      webOrigins: () => [],
      mediaPath: (sha256) => cache.pathOf(sha256),
      packageDir: () => null,
      log,
    });
    await player.start();
  });

  afterAll(async () => {
    await player?.stop();
    await cache?.stop();
    await origin?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** What the player serves for each item: `ok`, `missing` (404) or `broken` (200 with wrong bytes). */
  async function shown(items: readonly Item[]): Promise<Map<Item, 'ok' | 'missing' | 'broken'>> {
    const result = new Map<Item, 'ok' | 'missing' | 'broken'>();
    for (const item of items) {
      const response = await fetch(`${player.origin}/media/${item.ref.sha256}`);
      const body = Buffer.from(await response.arrayBuffer());
      const hash = createHash('sha256').update(body).digest('hex');
      if (response.status === 404) result.set(item, 'missing');
      else result.set(item, response.status === 200 && hash === item.ref.sha256 ? 'ok' : 'broken');
    }
    return result;
  }

  it(`detects and refetches damaged files among ${FILES}`, async () => {
    const seed = fuzzSeed('P5');
    const random = seededRandom(seed);
    const items: Item[] = Array.from({ length: FILES }, (_, i) => {
      const data = randomBytes(FILE_BYTES);
      const sha256 = createHash('sha256').update(data).digest('hex');
      const path = `/item-${i}.bin`;
      return { data, path, ref: { sha256, url: origin.serve(path, data), sizeBytes: FILE_BYTES } };
    });
    const refs = items.map((item) => item.ref);
    expect((await cache.sync(refs)).ready).toBe(true);

    const perPhase = Math.max(1, Math.round(FILES * DAMAGED_SHARE));
    const taken = new Set<Item>();
    const kinds = new Map<Item, Damage>();
    const damageSome = async (): Promise<Item[]> => {
      const chosen = pick(items, perPhase, random, taken);
      for (const item of chosen) {
        const kind: Damage = random() < 0.5 ? 'flip' : 'truncate';
        kinds.set(item, kind);
        await damage(cache.pathOf(item.ref.sha256)!, kind, random);
      }
      return chosen;
    };
    const requests = () => items.map((item) => origin.requestsFor(item.path).length);
    let brokenShown = 0;
    let detected = 0;
    const before = requests();

    // While the agent runs.
    const running = await damageSome();
    const whileRunning = await shown(items);
    // After a power cut: the files change while the agent is off, and it starts again.
    await cache.stop();
    const offline = pick(items, perPhase, random, taken);
    for (const item of offline) {
      const kind: Damage = random() < 0.5 ? 'flip' : 'truncate';
      kinds.set(item, kind);
      await damage(join(dir, 'media', 'objects', item.ref.sha256), kind, random);
    }
    cache = newCache();
    await cache.start();
    const afterStart = await shown(items);
    for (const view of [whileRunning, afterStart])
      brokenShown += [...view.values()].filter((state) => state === 'broken').length;
    detected += running.filter((item) => whileRunning.get(item) === 'missing').length;

    const status = await cache.sync(refs);
    const afterSync = await shown(items);
    brokenShown += [...afterSync.values()].filter((state) => state === 'broken').length;
    const damaged = [...running, ...offline];
    const fetched = requests().map((count, i) => count - before[i]!);
    const refetched = damaged.filter(
      (item) => fetched[items.indexOf(item)] === 1 && afterSync.get(item) === 'ok',
    );
    // Offline damage is detected by the start-up hash: the file was fetched again.
    detected += offline.filter((item) => refetched.includes(item)).length;
    const needless = fetched.filter((count, i) => count > 0 && !taken.has(items[i]!)).length;
    const flips = damaged.filter((item) => kinds.get(item) === 'flip').length;
    const okAfter = [...afterSync.values()].filter((state) => state === 'ok').length;

    const total = damaged.length;
    const passed = detected === total && refetched.length === total && brokenShown === 0;
    recordFigure({
      id: 'P5',
      figure:
        `damaged ${total} of ${FILES} (${running.length} while running, ${offline.length} while off; ` +
        `${flips} bit flips, ${total - flips} truncations): detected ${detected}/${total}, ` +
        `refetched ${refetched.length}/${total}; broken items served by the player ${brokenShown}; ` +
        `intact after sync ${okAfter}/${FILES}; intact files fetched needlessly ${needless}; ready ${status.ready}`,
      pass: '100 % detected and refetched; 0 broken items shown',
      passed,
      size: `${FILES} files × ${FILE_BYTES / 1024} KiB`,
      seed,
    });
    expect({ detected, refetched: refetched.length, brokenShown }).toEqual({
      detected: total,
      refetched: total,
      brokenShown: 0,
    });
  });
});
