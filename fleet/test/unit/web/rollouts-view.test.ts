import { describe, expect, it } from 'vitest';
import type { RolloutSummary } from '../../../web/src/api/rollouts-api.js';
import { parseRoute, routePath } from '../../../web/src/model/routes.js';
import {
  isLive,
  parseWaves,
  percentOf,
  sortRollouts,
  wavesText,
} from '../../../web/src/model/rollouts-view.js';

const summary = (id: string, state: RolloutSummary['state'], createdAt: string) =>
  ({ id, state, createdAt }) as RolloutSummary;

describe('rollout pages', () => {
  it('open at /rollouts and /rollouts/:id', () => {
    expect(parseRoute('/rollouts')).toEqual({ page: 'rollouts' });
    expect(parseRoute('/rollouts/ro-3f9a1c0b7e')).toEqual({ page: 'rollout', rolloutId: 'ro-3f9a1c0b7e' });
    expect(parseRoute('/rollouts/a/b')).toEqual({ page: 'not-found' });
    expect(routePath({ page: 'rollout', rolloutId: 'ro-1' })).toBe('/rollouts/ro-1');
  });

  it('read the waves field, refusing anything but canary and 1–100', () => {
    expect(parseWaves('canary, 10, 50 %, 100')).toEqual(['canary', 10, 50, 100]);
    expect(parseWaves('canary 100')).toEqual(['canary', 100]);
    expect(parseWaves('0, 100')).toBeNull();
    expect(parseWaves('half')).toBeNull();
    expect(parseWaves('  ')).toBeNull();
    expect(wavesText(['canary', 10, 100])).toBe('canary → 10 % → 100 %');
  });

  it('list running and paused rollouts first, newest first, and refresh only those', () => {
    const sorted = sortRollouts([
      summary('old-done', 'completed', '2026-11-20T00:00:00Z'),
      summary('new-done', 'aborted', '2026-11-26T00:00:00Z'),
      summary('paused', 'paused', '2026-11-21T00:00:00Z'),
      summary('running', 'running', '2026-11-22T00:00:00Z'),
    ]);
    expect(sorted.map((rollout) => rollout.id)).toEqual(['running', 'paused', 'new-done', 'old-done']);
    expect(['running', 'paused', 'completed', 'aborted'].map((state) => isLive(state as 'running'))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(0, 0)).toBe(100);
  });
});
