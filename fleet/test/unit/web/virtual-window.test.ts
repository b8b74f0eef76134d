import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowAt, rowOffsets, visibleRange } from '../../../web/src/model/virtual-window.js';

describe('the virtual list window', () => {
  it('computes where rows start', () => {
    expect(rowOffsets([60, 48, 68, 68])).toEqual([0, 60, 108, 176, 244]);
    expect(rowOffsets([])).toEqual([0]);
  });

  it('finds the row under a point', () => {
    const offsets = rowOffsets([60, 48, 68]);
    expect([0, 59, 60, 107, 108, 175, 500].map((y) => rowAt(offsets, y))).toEqual([0, 0, 1, 1, 2, 2, 2]);
  });

  it('renders a handful of rows out of ten thousand', () => {
    const offsets = rowOffsets(Array.from({ length: 10_000 }, () => 68));
    const { start, end } = visibleRange(offsets, 68 * 5_000, 800, 400);
    expect(end - start).toBeLessThan(30);
    expect(start).toBeLessThanOrEqual(5_000);
    expect(end).toBeGreaterThan(5_000 + 800 / 68);
  });

  it('always covers the whole viewport, whatever the heights and the scroll position', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 300 }),
        fc.nat({ max: 60_000 }),
        fc.integer({ min: 1, max: 2_000 }),
        (heights, scroll, viewport) => {
          const offsets = rowOffsets(heights);
          const total = offsets[offsets.length - 1]!;
          const top = Math.min(scroll, total);
          const { start, end } = visibleRange(offsets, top, viewport, 0);
          expect(start).toBeGreaterThanOrEqual(0);
          expect(end).toBeLessThanOrEqual(heights.length);
          expect(offsets[start]!).toBeLessThanOrEqual(top);
          expect(offsets[end]!).toBeGreaterThanOrEqual(Math.min(total, top + viewport));
        },
      ),
    );
  });
});
