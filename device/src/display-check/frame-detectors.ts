import type { Frame } from './frame.js';

export interface BlackPolicy {
  /** A pixel darker than this (Rec. 601 luma, 0-255) counts as black; video black is 16. */
  pixelLuma: number;
  /** The share of pixels that must be black; a dark film with a caption stays content. */
  share: number;
}

/** The zone background (#0b1f33) has luma 27, safely above the pixel threshold. */
export const DEFAULT_BLACK_POLICY: BlackPolicy = { pixelLuma: 18, share: 0.97 };

/**
 * Mean absolute difference (0-255 per channel) up to which two captures show the same picture.
 * Zero: a stuck renderer gives identical pixels, while a slow ticker may change only a few.
 */
export const DEFAULT_STILL_TOLERANCE = 0;

export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** Pure: whether almost every pixel of the frame is black. */
export function isBlack(frame: Frame, policy: BlackPolicy = DEFAULT_BLACK_POLICY): boolean {
  const count = frame.width * frame.height;
  if (count === 0) return false;
  let dark = 0;
  for (let i = 0; i + 2 < frame.rgb.length; i += 3) {
    if (luma(frame.rgb[i] ?? 0, frame.rgb[i + 1] ?? 0, frame.rgb[i + 2] ?? 0) < policy.pixelLuma) dark++;
  }
  return dark / count >= policy.share;
}

/** Pure: mean absolute difference per channel; frames of different sizes are entirely different. */
export function frameDifference(a: Frame, b: Frame): number {
  if (a.width !== b.width || a.height !== b.height || a.rgb.length !== b.rgb.length) return 255;
  if (a.rgb.length === 0) return 0;
  let total = 0;
  for (let i = 0; i < a.rgb.length; i++) total += Math.abs((a.rgb[i] ?? 0) - (b.rgb[i] ?? 0));
  return total / a.rgb.length;
}

/** Pure: the picture did not change between two captures. */
export function isStill(previous: Frame, current: Frame, tolerance = DEFAULT_STILL_TOLERANCE): boolean {
  return frameDifference(previous, current) <= tolerance;
}
