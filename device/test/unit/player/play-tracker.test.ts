import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_ID } from '../../../src/player/page-plan.js';
import type { PageReport } from '../../../src/player/page-report.js';
import { PlayTracker } from '../../../src/player/play-tracker.js';

const at = '2026-11-26T03:00:00.000Z';
const start = (
  itemId: string,
  zone: 'main' | 'side' | 'ticker' = 'main',
  announcement = false,
): PageReport => ({
  type: 'start',
  zone,
  itemId,
  language: 'vi',
  startedAt: at,
  announcement,
});
const end = (itemId: string, announcement = false): PageReport => ({
  type: 'end',
  zone: 'main',
  itemId,
  language: 'vi',
  startedAt: at,
  durationMs: 8_000,
  announcement,
});

describe('PlayTracker', () => {
  it('is playing once main starts an item, and proves each item that ends', () => {
    const tracker = new PlayTracker();
    expect(tracker.state(null)).toEqual({
      playing: false,
      currentItemId: null,
      zones: {},
      cache: null,
      errors: [],
    });
    expect(tracker.onReport(start('welcome'))).toEqual({ proof: null, quiet: true, changed: true });
    expect(tracker.state(null)).toMatchObject({
      playing: true,
      currentItemId: 'welcome',
      zones: { main: { itemId: 'welcome' } },
    });
    expect(tracker.onReport(end('welcome')).proof).toEqual({
      kind: 'proof-of-play',
      itemId: 'welcome',
      zone: 'main',
      language: 'vi',
      startedAt: at,
      durationMs: 8_000,
    });
  });

  it('names the announcement while it covers the screen, and is never quiet under it', () => {
    const tracker = new PlayTracker();
    tracker.onReport(start('welcome'));
    tracker.onReport(start('gate-change', 'main', true));
    expect(tracker.onReport(start('map')).quiet).toBe(false);
    expect(tracker.state(null).currentItemId).toBe('gate-change');
    tracker.onReport(end('gate-change', true));
    expect(tracker.state(null).currentItemId).toBe('map');
  });

  it('does not count the ticker as playing or as a quiet moment', () => {
    const tracker = new PlayTracker();
    expect(tracker.onReport(start('news', 'ticker'))).toMatchObject({ quiet: false });
    expect(tracker.state(null).playing).toBe(false);
  });

  it('reports a failing item until it plays, and a Chromium that cannot start until one does', () => {
    const tracker = new PlayTracker();
    tracker.browserDown('launch-failed', 'no Chromium found');
    tracker.onReport({ type: 'error', zone: 'main', itemId: 'board', message: 'page did not load in time' });
    expect(tracker.state(null).errors.map((problem) => problem.code)).toEqual([
      'PLAYER_UNAVAILABLE',
      'ITEM_FAILED',
    ]);
    tracker.onReport(start('board'));
    expect(tracker.state(null).errors).toEqual([]);
  });

  it('adds media failures from the cache, and never proves the placeholder', () => {
    const tracker = new PlayTracker();
    const cache = {
      ready: false,
      missing: ['a'.repeat(64)],
      failed: [{ sha256: 'a'.repeat(64), code: 'MEDIA_UNREACHABLE' as const, message: 'connection refused' }],
      bytes: 0,
    };
    expect(tracker.state(cache).errors).toEqual([
      { code: 'MEDIA_UNREACHABLE', message: 'media aaaaaaaaaaaa: connection refused' },
    ]);
    expect(tracker.onReport(end(PLACEHOLDER_ID)).proof).toBeNull();
  });
});
