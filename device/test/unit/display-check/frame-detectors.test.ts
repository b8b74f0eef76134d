import { describe, expect, it } from 'vitest';
import { frameDifference, isBlack, isStill } from '../../../src/display-check/frame-detectors.js';
import { solid, withBox } from './synthetic-frames.js';

const BLACK: [number, number, number] = [0, 0, 0];
const ZONE_BACKGROUND: [number, number, number] = [0x0b, 0x1f, 0x33];
const WHITE: [number, number, number] = [255, 255, 255];

describe('the black detector', () => {
  it('calls a black frame black, and so a frame of near-black video noise', () => {
    expect(isBlack(solid(64, 36, BLACK))).toBe(true);
    expect(isBlack(solid(64, 36, [10, 12, 9]))).toBe(true);
  });

  it("does not call the player's dark blue background black", () => {
    expect(isBlack(solid(64, 36, ZONE_BACKGROUND))).toBe(false);
  });

  it('calls a dark film with a caption content, not black', () => {
    const caption = withBox(solid(64, 36, BLACK), { x: 8, y: 28, width: 48, height: 4 }, WHITE);
    expect(isBlack(caption)).toBe(false);
  });

  it('ignores a few stray bright pixels (a cursor, a status dot)', () => {
    const dot = withBox(solid(64, 36, BLACK), { x: 60, y: 1, width: 2, height: 2 }, WHITE);
    expect(isBlack(dot)).toBe(true);
  });
});

describe('the still detector', () => {
  const base = withBox(solid(64, 36, ZONE_BACKGROUND), { x: 0, y: 0, width: 10, height: 10 }, WHITE);

  it('sees two identical captures as still', () => {
    expect(frameDifference(base, { ...base, rgb: base.rgb.slice() })).toBe(0);
    expect(isStill(base, { ...base, rgb: base.rgb.slice() })).toBe(true);
  });

  it('sees a ticker moving by a few pixels as motion', () => {
    const moved = withBox(solid(64, 36, ZONE_BACKGROUND), { x: 3, y: 0, width: 10, height: 10 }, WHITE);
    expect(isStill(base, moved)).toBe(false);
  });

  it('treats captures of different sizes (the screen was resized) as different', () => {
    expect(isStill(base, solid(32, 18, ZONE_BACKGROUND))).toBe(false);
  });
});
