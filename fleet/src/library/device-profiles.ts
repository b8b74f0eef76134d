import type { MediaProbe } from './media-catalog.js';

/**
 * What each Raspberry Pi model the gates use plays smoothly in Chromium (hardware decoders and
 * what the CPU manages in software). Sources: the Raspberry Pi product briefs; measured limits
 * are in docs/guides/library.md. A video beyond one model's limits gets a warning naming the
 * model; a video beyond every model's limits is refused.
 */
export interface DeviceProfile {
  model: 'Pi 3' | 'Pi 4' | 'Pi 5';
  /** Codec name as ffprobe reports it → the largest frame (width × height) and frame rate played smoothly. */
  codecs: Readonly<Record<string, { maxPixels: number; maxFps: number }>>;
  /** Above this the SD card and decoder fall behind, whatever the codec. */
  maxBitRate: number;
}

const P1080 = 1920 * 1088;
const P2160 = 3840 * 2160;
const P720 = 1280 * 720;

export const DEVICE_PROFILES: readonly DeviceProfile[] = [
  {
    model: 'Pi 3',
    // H.264 in hardware up to 1080p30; no HEVC decoder; VP8/VP9/AV1 only in software (small).
    codecs: {
      h264: { maxPixels: P1080, maxFps: 30 },
      vp8: { maxPixels: P720, maxFps: 30 },
      vp9: { maxPixels: P720, maxFps: 30 },
      mpeg4: { maxPixels: P720, maxFps: 30 },
    },
    maxBitRate: 20_000_000,
  },
  {
    model: 'Pi 4',
    // HEVC in hardware up to 4Kp60; H.264 1080p60; VP9 in software up to 1080p30.
    codecs: {
      h264: { maxPixels: P1080, maxFps: 60 },
      hevc: { maxPixels: P2160, maxFps: 60 },
      vp8: { maxPixels: P1080, maxFps: 30 },
      vp9: { maxPixels: P1080, maxFps: 30 },
      av1: { maxPixels: P720, maxFps: 30 },
      mpeg4: { maxPixels: P1080, maxFps: 30 },
    },
    maxBitRate: 60_000_000,
  },
  {
    model: 'Pi 5',
    // HEVC in hardware up to 4Kp60; H.264, VP9 and AV1 in software on the faster CPU.
    codecs: {
      h264: { maxPixels: P1080, maxFps: 60 },
      hevc: { maxPixels: P2160, maxFps: 60 },
      vp8: { maxPixels: P1080, maxFps: 60 },
      vp9: { maxPixels: P2160, maxFps: 30 },
      av1: { maxPixels: P1080, maxFps: 60 },
      mpeg4: { maxPixels: P1080, maxFps: 60 },
    },
    maxBitRate: 100_000_000,
  },
];

export interface Playability {
  /** Set when no model plays it: the upload is refused with this reason. */
  refusal: string | null;
  warnings: string[];
}

function describe(probe: MediaProbe): string {
  const size = probe.width && probe.height ? `${probe.width}×${probe.height}` : 'unknown size';
  const fps = probe.frameRate ? ` at ${Math.round(probe.frameRate * 100) / 100} fps` : '';
  return `${(probe.codec ?? 'unknown codec').toUpperCase()} ${size}${fps}`;
}

/** Why one model would not play the video smoothly, or null when it would. */
function profileProblem(profile: DeviceProfile, probe: MediaProbe): string | null {
  const codec = probe.codec ?? '';
  const limits = profile.codecs[codec];
  if (!limits) return `${profile.model} cannot decode ${codec.toUpperCase() || 'this codec'}`;
  const pixels = (probe.width ?? 0) * (probe.height ?? 0);
  if (pixels > limits.maxPixels) return `too large a picture for a ${profile.model}`;
  if ((probe.frameRate ?? 0) > limits.maxFps + 0.5) return `too high a frame rate for a ${profile.model}`;
  if ((probe.bitRate ?? 0) > profile.maxBitRate) return `too high a bit rate for a ${profile.model}`;
  return null;
}

/** Warnings per model for a probed video; a refusal when no model plays it smoothly. */
export function playability(
  probe: MediaProbe,
  profiles: readonly DeviceProfile[] = DEVICE_PROFILES,
): Playability {
  const problems = profiles.map((profile) => ({ profile, problem: profileProblem(profile, probe) }));
  const failing = problems.filter((entry) => entry.problem !== null);
  if (failing.length === profiles.length) {
    return {
      refusal: `${describe(probe)} will not play on any screen model (${failing.map((entry) => entry.problem).join('; ')})`,
      warnings: [],
    };
  }
  return {
    refusal: null,
    warnings: failing.map(
      ({ profile, problem }) => `${describe(probe)} will not play smoothly on a ${profile.model}: ${problem}`,
    ),
  };
}
