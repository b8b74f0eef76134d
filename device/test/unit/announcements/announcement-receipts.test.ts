import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnnouncementReceipts } from '../../../src/announcements/announcement-receipts.js';
import { shownFromReport } from '../../../src/announcements/shown-from-report.js';
import type { EventBody } from '../../../src/lib/device-event.js';
import type { PagePlan } from '../../../src/player/page-plan.js';
import type { PageReport } from '../../../src/player/page-report.js';

const log = pino({ level: 'silent' });
const PNG = Buffer.from('not really a png, but bytes to hash');
const PNG_SHA = createHash('sha256').update(PNG).digest('hex');
const shown = (entryId: string) => ({
  entryId,
  itemId: entryId,
  language: 'vi',
  shownAt: '2026-11-26T02:00:01.000Z',
});

describe('announcement render receipts on the screen', () => {
  let dir: string;
  let file: string;
  let events: EventBody[];
  let captures: number;

  const receipts = (capture: () => Promise<Buffer | null> = async () => PNG) =>
    new AnnouncementReceipts({
      file,
      log,
      emit: (body) => events.push(body),
      capture: async () => {
        captures++;
        return capture();
      },
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatecast-receipts-'));
    file = join(dir, 'announcements-shown.json');
    events = [];
    captures = 0;
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues one announcement-shown event per entry, with the sha256 of the screenshot', async () => {
    const ledger = receipts();
    await Promise.all([ledger.shown(shown('ann-aaaaaaaaaaaa')), ledger.shown(shown('ann-aaaaaaaaaaaa'))]);
    await ledger.shown(shown('ann-aaaaaaaaaaaa'));
    expect(events).toEqual([
      {
        kind: 'announcement-shown',
        entryId: 'ann-aaaaaaaaaaaa',
        itemId: 'ann-aaaaaaaaaaaa',
        language: 'vi',
        shownAt: '2026-11-26T02:00:01.000Z',
        screenshotSha256: PNG_SHA,
      },
    ]);
    expect(captures).toBe(1);
    await ledger.shown(shown('ann-bbbbbbbbbbbb'));
    expect(events.map((event) => (event as { entryId: string }).entryId)).toEqual([
      'ann-aaaaaaaaaaaa',
      'ann-bbbbbbbbbbbb',
    ]);
  });

  it('remembers confirmed entries in the data dir: a restarted agent does not confirm them again', async () => {
    await receipts().shown(shown('ann-aaaaaaaaaaaa'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(['ann-aaaaaaaaaaaa']);
    const restarted = receipts();
    await restarted.shown(shown('ann-aaaaaaaaaaaa'));
    expect(events).toHaveLength(1);
    expect(await restarted.confirmed()).toEqual(['ann-aaaaaaaaaaaa']);
  });

  it('still confirms without a hash when the capture fails, and starts afresh from a corrupt ledger', async () => {
    writeFileSync(file, '{not json');
    await receipts(async () => {
      throw new Error('Target closed');
    }).shown(shown('ann-cccccccccccc'));
    expect(events).toEqual([
      expect.objectContaining({ entryId: 'ann-cccccccccccc', screenshotSha256: null }),
    ]);
    expect(captures).toBe(3);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(['ann-cccccccccccc']);
  });

  it('tries the capture again when a busy screen misses it, and hashes the one that worked', async () => {
    let misses = 2;
    await receipts(async () => {
      if (misses-- > 0) throw new Error('Page.captureScreenshot timed out');
      return PNG;
    }).shown(shown('ann-dddddddddddd'));
    expect(captures).toBe(3);
    expect(events).toEqual([
      expect.objectContaining({ entryId: 'ann-dddddddddddd', screenshotSha256: PNG_SHA }),
    ]);
  });
});

describe('a receipt that cannot be queued', () => {
  it('does not reject, and is tried again at the next showing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatecast-receipts-'));
    try {
      const queued: EventBody[] = [];
      let full = true;
      const ledger = new AnnouncementReceipts({
        file: join(dir, 'announcements-shown.json'),
        log,
        capture: async () => PNG,
        emit: (body) => {
          if (full) throw new Error('queue full');
          queued.push(body);
        },
      });
      await expect(ledger.shown(shown('ann-dddddddddddd'))).resolves.toBeUndefined();
      expect(await ledger.confirmed()).toEqual([]);
      full = false;
      await ledger.shown(shown('ann-dddddddddddd'));
      expect(queued).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shownFromReport', () => {
  const plan: PagePlan = {
    id: 'plan-1',
    version: 4,
    layout: { kind: 'full', orientation: 'landscape', transition: 'fade' },
    languages: ['vi', 'en'],
    rotationSec: 8,
    zones: [
      {
        zone: 'main',
        layer: 'announcement',
        entryId: 'ann-aaaaaaaaaaaa',
        items: [{ id: 'ann-aaaaaaaaaaaa', kind: 'text', durationMs: 60_000, body: { vi: 'Khẩn' } }],
      },
      {
        zone: 'ticker',
        layer: 'filler',
        entryId: 'ticker',
        items: [{ id: 'news', kind: 'text', durationMs: 10_000 }],
      },
    ],
  };
  const start = (itemId: string, announcement: boolean): PageReport => ({
    type: 'start',
    zone: 'main',
    itemId,
    language: 'en',
    startedAt: '2026-11-26T02:00:01.000Z',
    announcement,
  });

  it('names the entry of an announcement item that started', () => {
    expect(shownFromReport(start('ann-aaaaaaaaaaaa', true), plan)).toEqual({
      entryId: 'ann-aaaaaaaaaaaa',
      itemId: 'ann-aaaaaaaaaaaa',
      language: 'en',
      shownAt: '2026-11-26T02:00:01.000Z',
    });
  });

  it('ignores other items, other report types, and items the plan does not have in its announcement layer', () => {
    expect(shownFromReport(start('news', false), plan)).toBeNull();
    expect(shownFromReport(start('news', true), plan)).toBeNull();
    expect(shownFromReport(start('ann-aaaaaaaaaaaa', true), null)).toBeNull();
    expect(shownFromReport({ type: 'plan', planId: 'plan-1' }, plan)).toBeNull();
  });
});
