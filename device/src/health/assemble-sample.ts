import type { TelemetrySample } from '@gatecast/protocol';
import type { HostBlocks } from './host-telemetry.js';

export type ScreenBlocks = Pick<TelemetrySample, 'display' | 'player'>;

/**
 * Pure: one sample from the basics, the screen's blocks and the host's. The display block's
 * resolution is the player's when it knows it, else the display's preferred mode from DRM. An
 * agent without a player sends a display block only when DRM knows whether a display is there.
 */
export function assembleSample(
  base: TelemetrySample,
  screen: ScreenBlocks,
  host: HostBlocks | null,
  loadAverage: readonly number[] | null,
): TelemetrySample {
  const cpu = isLoadAverage(loadAverage)
    ? { ...base.cpu, loadAverage: loadAverage.map(hundredths) as [number, number, number] }
    : base.cpu;
  const sample: TelemetrySample = { ...base, cpu, ...screen };
  if (!host) return sample;
  const { output, ...blocks } = host;
  const display = screen.display
    ? { ...screen.display, hdmi: output.hdmi, resolution: screen.display.resolution ?? output.preferredMode }
    : output.hdmi === 'unknown'
      ? undefined
      : {
          black: null,
          frozen: null,
          checkedAt: null,
          cecPower: 'unknown' as const,
          hdmi: output.hdmi,
          resolution: output.preferredMode,
        };
  return { ...sample, ...blocks, ...(display ? { display } : {}) };
}

function isLoadAverage(values: readonly number[] | null): values is [number, number, number] {
  return (
    values !== null && values.length === 3 && values.every((value) => Number.isFinite(value) && value >= 0)
  );
}

function hundredths(value: number): number {
  return Math.round(value * 100) / 100;
}
