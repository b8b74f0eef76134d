import { describe, expect, it } from 'vitest';
import { decodePng } from '../../../src/display-check/frame.js';
import { encodePng, gradient, solid } from './synthetic-frames.js';

describe('decoding a capture', () => {
  it.each([
    ['RGB, no filter', { filters: [0] }],
    ['RGB, every filter in turn', { filters: [0, 1, 2, 3, 4] }],
    ['RGBA (alpha dropped), Paeth and Average', { alpha: true, filters: [4, 3] }],
  ])('gives back the pixels of %s', (_name, options) => {
    const frame = gradient(64, 36);
    const decoded = decodePng(encodePng(frame, options));
    expect(decoded.width).toBe(64);
    expect(decoded.height).toBe(36);
    expect(Buffer.from(decoded.rgb).equals(Buffer.from(frame.rgb))).toBe(true);
  });

  it('refuses what is not a PNG, or is cut short, with a reason', () => {
    expect(() => decodePng(Buffer.from('not an image at all'))).toThrow(/not a PNG/);
    const png = encodePng(solid(8, 8, [1, 2, 3]));
    expect(() => decodePng(png.subarray(0, 40))).toThrow();
  });
});
