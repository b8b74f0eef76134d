import { describe, expect, it } from 'vitest';
import type { ReportedState } from '@gatecast/protocol';
import { parseRange } from '../../../src/player/http-range.js';
import { safeEntryPath } from '../../../src/player/package-paths.js';
import { parsePageReport } from '../../../src/player/page-report.js';
import { mergeScreenState, type ScreenState } from '../../../src/player/screen-state.js';

describe('parseRange', () => {
  it.each([
    [undefined, null],
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-200', { start: 800, end: 999 }],
    ['bytes=900-5000', { start: 900, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=5-2', 'unsatisfiable'],
    ['bytes=0-1,5-9', null],
    ['items=0-1', null],
  ] as const)('%s of 1000 bytes → %j', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});

describe('safeEntryPath', () => {
  it.each([
    ['index.html', 'index.html'],
    ['assets/app.js', 'assets/app.js'],
    ['a/./b.css', 'a/b.css'],
    ['../etc/passwd', null],
    ['assets/../../x', null],
    ['/etc/passwd', null],
    ['C:/Windows/x', null],
    ['a\\..\\b', null],
    ['', null],
    ['a\0b', null],
  ] as const)('%j → %j', (name, expected) => {
    expect(safeEntryPath(name)).toBe(expected);
  });
});

describe('parsePageReport', () => {
  it('accepts an item end and drops a language that is not a tag', () => {
    const parsed = parsePageReport({
      type: 'end',
      zone: 'main',
      itemId: 'welcome',
      language: '<script>',
      startedAt: '2026-11-26T03:00:00.000Z',
      durationMs: 15_000,
    });
    expect(parsed).toEqual({
      ok: true,
      report: {
        type: 'end',
        zone: 'main',
        itemId: 'welcome',
        language: null,
        startedAt: '2026-11-26T03:00:00.000Z',
        durationMs: 15_000,
        announcement: false,
      },
    });
  });

  it('refuses what the page must not say, with a reason', () => {
    expect(parsePageReport({ type: 'end', zone: 'roof', itemId: 'x' })).toMatchObject({ ok: false });
    expect(parsePageReport('hello')).toMatchObject({ ok: false, reason: expect.any(String) });
    expect(
      parsePageReport({ type: 'start', zone: 'main', itemId: 'x'.repeat(500), startedAt: 'now' }),
    ).toMatchObject({
      ok: false,
    });
  });
});

describe('mergeScreenState', () => {
  const reported: ReportedState = {
    at: '2026-11-26T03:00:00.000Z',
    agentVersion: '0.1.0',
    appliedVersion: 4,
    desiredSource: 'fleet',
    phase: 'applied',
    currentItemId: 'welcome',
    errors: [],
  };

  const screenState = (fields: Partial<ScreenState>): ScreenState => ({
    playing: false,
    currentItemId: null,
    zones: {},
    cache: null,
    errors: [],
    ...fields,
  });

  it('turns applied into playing once the page shows an item', () => {
    const merged = mergeScreenState(reported, screenState({ playing: true, currentItemId: 'map' }));
    expect(merged).toMatchObject({ phase: 'playing', currentItemId: 'map' });
  });

  it('carries what each zone shows and whether the applied version is fully cached', () => {
    const state = screenState({
      playing: true,
      zones: { main: { itemId: 'map' }, ticker: { itemId: 'news' } },
      cache: { ready: false, missing: 2, bytes: 1024 },
    });
    expect(mergeScreenState(reported, state)).toMatchObject({
      zones: { main: { itemId: 'map' }, ticker: { itemId: 'news' } },
      cache: { version: 4, ready: false, missing: 2, bytes: 1024 },
    });
  });

  it('stays applied until the page confirms', () => {
    expect(mergeScreenState(reported, screenState({}))).toEqual({ ...reported, zones: {} });
  });

  it('is degraded with the code when Chromium cannot start', () => {
    const problem = {
      code: 'PLAYER_UNAVAILABLE',
      message: 'Chromium cannot start: no Chromium found',
    } as const;
    const merged = mergeScreenState(reported, screenState({ errors: [problem] }));
    expect(merged).toMatchObject({ phase: 'degraded', errors: [problem] });
  });

  it('leaves a report that is still applying alone', () => {
    const applying = { ...reported, phase: 'applying' as const };
    expect(mergeScreenState(applying, screenState({ playing: true, currentItemId: 'x' }))).toEqual(applying);
  });
});
