import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LruIndex, planEviction, type LruEntry } from '../../../src/media/lru-index.js';

const at = new Date('2026-11-26T08:00:00Z');
const entry = (sha256: string, sizeBytes: number): LruEntry => ({
  sha256,
  sizeBytes,
  lastUsedAt: at.toISOString(),
});

describe('LRU index', () => {
  it('keeps least recently used first and moves a used file to the end', () => {
    const index = LruIndex.from([entry('a', 1), entry('b', 2), entry('c', 3)]);
    expect(index.touch('a', at)).toBe(true);
    expect(index.list().map((e) => e.sha256)).toEqual(['b', 'c', 'a']);
    expect(index.touch('zz', at)).toBe(false);
  });

  it('counts bytes through inserts, replacements and removals', () => {
    const index = new LruIndex();
    index.use('a', 10, at);
    index.use('b', 5, at);
    index.use('a', 12, at);
    expect(index.totalBytes()).toBe(17);
    expect(index.remove('b')).toBe(true);
    expect(index.remove('b')).toBe(false);
    expect(index.totalBytes()).toBe(12);
    expect(index.has('a')).toBe(true);
  });

  it('keeps the later position of a sha256 listed twice', () => {
    const index = LruIndex.from([entry('a', 1), entry('b', 1), entry('a', 1)]);
    expect(index.list().map((e) => e.sha256)).toEqual(['b', 'a']);
    expect(index.totalBytes()).toBe(2);
  });
});

describe('eviction plan', () => {
  const entries = [entry('old', 100), entry('pinned', 100), entry('mid', 100), entry('new', 100)];

  it('evicts least recently used first, skipping protected files', () => {
    expect(planEviction(entries, new Set(['pinned']), 150)).toEqual({
      evict: ['old', 'mid'],
      freed: 200,
      enough: true,
    });
  });

  it('evicts nothing when nothing needs freeing', () => {
    expect(planEviction(entries, new Set(), 0)).toEqual({ evict: [], freed: 0, enough: true });
  });

  it('evicts nothing when even every unprotected file would not be enough', () => {
    expect(planEviction(entries, new Set(['pinned', 'new']), 250)).toEqual({
      evict: [],
      freed: 0,
      enough: false,
    });
  });

  it('never evicts a protected file, and frees what was asked when it says enough', () => {
    const arbitraryEntries = fc.uniqueArray(
      fc.record({ sha256: fc.nat(50).map((n) => `f${n}`), sizeBytes: fc.nat(1000) }),
      { selector: (e) => e.sha256, maxLength: 20 },
    );
    fc.assert(
      fc.property(
        arbitraryEntries,
        fc.array(fc.nat(19)),
        fc.integer({ min: -10, max: 5000 }),
        (raw, picks, need) => {
          const list = raw.map((e) => entry(e.sha256, e.sizeBytes));
          const protectedShas = new Set(picks.flatMap((i) => (list[i] ? [list[i].sha256] : [])));
          const plan = planEviction(list, protectedShas, need);
          expect(plan.evict.some((sha256) => protectedShas.has(sha256))).toBe(false);
          if (plan.enough) expect(plan.freed).toBeGreaterThanOrEqual(need);
          if (!plan.enough) expect(plan.evict).toEqual([]);
          const order = plan.evict.map((sha256) => list.findIndex((e) => e.sha256 === sha256));
          expect(order).toEqual([...order].sort((a, b) => a - b));
        },
      ),
    );
  });
});
