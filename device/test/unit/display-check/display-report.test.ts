import { describe, expect, it } from 'vitest';
import type { Problem, ReportedState, TelemetrySample } from '@gatecast/protocol';
import { withDisplayProblems } from '../../../src/display-check/player-display.js';
import { createHealthReporter } from '../../../src/health/health-reporter.js';
import { mergeScreenState, type ScreenState } from '../../../src/player/screen-state.js';
import { testLogger } from '../../integration/helpers/fixtures.js';

const reported: ReportedState = {
  at: '2026-11-26T08:00:00.000Z',
  agentVersion: '0.1.0',
  appliedVersion: 3,
  desiredSource: 'fleet',
  phase: 'applied',
  currentItemId: null,
  errors: [],
};
const playing: ScreenState = {
  playing: true,
  currentItemId: 'welcome',
  zones: { main: { itemId: 'welcome' } },
  cache: null,
  errors: [],
};
const black: Problem = {
  code: 'DISPLAY_BLACK',
  message: 'the screen shows black while content is scheduled',
};

describe('display problems in the reported state', () => {
  it('make a playing screen degraded, with the code in its errors', () => {
    const merged = mergeScreenState(reported, withDisplayProblems(playing, { problems: [black] }));
    expect(merged).toMatchObject({ phase: 'degraded', errors: [black], currentItemId: 'welcome' });
  });

  it('leave a screen without an episode playing', () => {
    expect(mergeScreenState(reported, withDisplayProblems(playing, { problems: [] })).phase).toBe('playing');
    expect(mergeScreenState(reported, withDisplayProblems(playing, null)).phase).toBe('playing');
  });
});

describe('the screen blocks in telemetry', () => {
  const readings = {
    uptimeSec: 100,
    cpuLoadPercent: 12,
    cpuTemperatureC: 51,
    memory: { totalBytes: 4e9, usedBytes: 1e9 },
    disk: null,
  };
  const blocks: Pick<TelemetrySample, 'display' | 'player'> = {
    display: { black: false, frozen: false, checkedAt: '2026-11-26T08:00:00.000Z', cecPower: 'on' },
    player: { up: true, restarts: 2, lastCause: 'heartbeat: the page did not answer', jsHeapBytes: 12e6 },
  };

  async function sampleWith(read: () => Promise<typeof blocks>): Promise<TelemetrySample[]> {
    const samples: TelemetrySample[] = [];
    const reporter = createHealthReporter({
      sampler: { read: async () => readings },
      intervalSec: 3600,
      agentVersion: '0.1.0',
      clock: { now: () => new Date('2026-11-26T08:00:30.000Z') },
      log: testLogger(),
      publish: (sample) => samples.push(sample),
      screen: { read },
    });
    await reporter.sampleNow();
    await reporter.stop();
    return samples;
  }

  it('are added to each sample', async () => {
    const [sample] = await sampleWith(async () => blocks);
    expect(sample).toMatchObject({ cpu: { loadPercent: 12 }, ...blocks });
  });

  it('are left out, not the sample, when the screen cannot say', async () => {
    const samples = await sampleWith(async () => {
      throw new Error('the browser is restarting');
    });
    expect(samples).toHaveLength(1);
    expect(samples[0]).not.toHaveProperty('display');
    expect(samples[0]).not.toHaveProperty('player');
  });
});
