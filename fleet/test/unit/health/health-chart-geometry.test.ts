import { describe, expect, it } from 'vitest';
import { linePaths, valueRange } from '../../../web/src/pages/health-chart-geometry.js';

const frame = { fromMs: 0, toMs: 1000, width: 100, height: 50, yMin: 0, yMax: 100, gapMs: 300 };

describe('linePaths', () => {
  it('places points by time and value, the top of the chart being the highest value', () => {
    const values = [
      { atMs: 0, value: 0 },
      { atMs: 500, value: 50 },
      { atMs: 1000, value: 100 },
    ];
    expect(linePaths(values, { ...frame, gapMs: 500 })).toEqual(['M0,50 L50,25 L100,0']);
  });

  it('breaks the line at a missing value and at a silence longer than the gap', () => {
    const values = [
      { atMs: 0, value: 10 },
      { atMs: 100, value: 10 },
      { atMs: 200, value: null },
      { atMs: 300, value: 20 },
      { atMs: 400, value: 20 },
      { atMs: 900, value: 30 },
    ];
    expect(linePaths(values, frame)).toEqual(['M0,45 L10,45', 'M30,40 L40,40', 'M90,35 h0.01']);
  });

  it('draws nothing without values', () => {
    expect(linePaths([{ atMs: 0, value: null }], frame)).toEqual([]);
  });
});

describe('valueRange', () => {
  it('keeps a fixed range for percentages and pads the data range otherwise', () => {
    expect(valueRange([12, 40], { min: 0, max: 100 })).toEqual({ min: 0, max: 100 });
    expect(valueRange([50, 60, null])).toEqual({ min: 49, max: 61 });
    expect(valueRange([null, null])).toBeNull();
  });
});
