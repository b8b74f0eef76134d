import type { TelemetrySample } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { classifyScreen, darkReason, type ScreenHealthInput } from '../../../src/health/screen-health.js';

const NOW = new Date('2026-11-26T09:00:00.000Z');
const secondsAgo = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

function sample(display?: Partial<NonNullable<TelemetrySample['display']>>): TelemetrySample {
  return {
    at: secondsAgo(10),
    uptimeSec: 100,
    cpu: { loadPercent: 5, temperatureC: 50 },
    memory: { totalBytes: 4e9, usedBytes: 1e9 },
    disk: null,
    agent: { version: '0.1.0', rssBytes: 1e7, uptimeSec: 90 },
    ...(display
      ? { display: { black: false, frozen: false, checkedAt: null, cecPower: 'on', ...display } }
      : {}),
  };
}

function screen(
  state: ScreenHealthInput['presence']['state'],
  telemetry: { sample?: TelemetrySample; agoSec?: number } = {},
  lastSeenAgoSec: number | null = 5,
): ScreenHealthInput {
  return {
    presence: { state, lastSeenAt: lastSeenAgoSec === null ? null : secondsAgo(lastSeenAgoSec) },
    lastTelemetry: telemetry.sample ?? null,
    lastTelemetryAt: telemetry.agoSec === undefined ? null : secondsAgo(telemetry.agoSec),
  };
}

describe('classifyScreen', () => {
  const at = { now: NOW };

  it('takes offline and never-seen from presence, whatever the last sample said', () => {
    expect(classifyScreen(screen('offline', { sample: sample(), agoSec: 5 }), at)).toBe('offline');
    expect(classifyScreen(screen('never-seen', {}, null), at)).toBe('never-seen');
  });

  it('calls an online screen with a fresh, lit display up', () => {
    expect(classifyScreen(screen('online', { sample: sample({}), agoSec: 30 }), at)).toBe('up');
    // No display block (an agent without a player): nothing says it is dark.
    expect(classifyScreen(screen('online', { sample: sample(), agoSec: 30 }), at)).toBe('up');
  });

  it('calls it dark when the display is black, the TV in standby or HDMI unplugged', () => {
    for (const display of [
      { black: true },
      { cecPower: 'standby' as const },
      { hdmi: 'disconnected' as const },
    ]) {
      expect(classifyScreen(screen('online', { sample: sample(display), agoSec: 30 }), at)).toBe('dark');
    }
    // Frozen is not dark, and unknown is not evidence.
    expect(classifyScreen(screen('online', { sample: sample({ frozen: true }), agoSec: 30 }), at)).toBe('up');
    expect(classifyScreen(screen('online', { sample: sample({ black: null }), agoSec: 30 }), at)).toBe('up');
  });

  it('calls it stale past the threshold, before looking at a display it can no longer trust', () => {
    const quiet = screen('online', { sample: sample({ black: true }), agoSec: 181 });
    expect(classifyScreen(quiet, at)).toBe('stale');
    expect(classifyScreen(quiet, { now: NOW, staleAfterMs: 300_000 })).toBe('dark');
    expect(classifyScreen(screen('online', { sample: sample({}), agoSec: 180 }), at)).toBe('up');
  });

  it('judges a screen that never sent a sample by when it was last seen', () => {
    expect(classifyScreen(screen('online', {}, 20), at)).toBe('up');
    expect(classifyScreen(screen('online', {}, 600), at)).toBe('stale');
    expect(classifyScreen(screen('online', {}, null), at)).toBe('stale');
  });
});

describe('darkReason', () => {
  it('names the first cause found, unplugged before standby before black', () => {
    expect(darkReason(sample({ hdmi: 'disconnected', cecPower: 'standby', black: true }))).toBe(
      'hdmi-disconnected',
    );
    expect(darkReason(sample({ cecPower: 'standby', black: true }))).toBe('cec-standby');
    expect(darkReason(sample({ black: true }))).toBe('display-black');
    expect(darkReason(sample({ hdmi: 'unknown', cecPower: 'unknown' }))).toBeNull();
    expect(darkReason(null)).toBeNull();
  });
});
