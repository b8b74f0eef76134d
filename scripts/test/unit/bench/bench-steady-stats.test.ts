import { describe, expect, it } from 'vitest';
import {
  cpuPercent,
  kbPerScreen,
  medianOfRounds,
  parseOptions,
  parseSizes,
  ratio,
  telemetryDelaysMs,
  timeToFraction,
} from '../../../bench-steady-stats.js';

describe('B2/B3 options', () => {
  it('reads numbers and lists with defaults', () => {
    const options = parseOptions(
      ['node', 'x', '--rounds', '4', '--subjects', 'fm,aedes'],
      { rounds: [3, 1, 10], screens: [10_000, 1, 10_000] },
      { subjects: ['fm,aedes,mosquitto', ['fm', 'aedes', 'mosquitto']] },
    );
    expect(options).toEqual({ quick: false, rounds: 4, screens: 10_000, subjects: ['fm', 'aedes'] });
  });

  it('refuses out-of-range numbers and unknown subjects with a clear message', () => {
    expect(() => parseOptions(['--rounds', '0'], { rounds: [3, 1, 10] })).toThrow(
      '--rounds must be a whole number from 1 to 10',
    );
    expect(() =>
      parseOptions(['--subjects', 'fm,nats'], {}, { subjects: ['fm', ['fm', 'aedes', 'mosquitto']] }),
    ).toThrow('--subjects: unknown nats');
  });

  it('takes rising screen counts up to 10k', () => {
    expect(parseSizes('1000,5000,10000')).toEqual([1_000, 5_000, 10_000]);
    expect(() => parseSizes('5000,1000')).toThrow('must rise');
    expect(() => parseSizes('20000')).toThrow('from 1 to 10000');
  });
});

describe('B2 figures', () => {
  it('memory per screen is the growth over idle divided by the screens', () => {
    expect(kbPerScreen(150_000, 50_000, 10_000)).toBe(10);
  });

  it('CPU % of one core from 100 Hz ticks', () => {
    expect(cpuPercent(300, 30)).toBe(10);
  });

  it('telemetry delay is stored time minus the sample time, skipping unreadable rows', () => {
    const rows = [
      { receivedAt: '2026-11-26T10:00:00.050Z', sentAt: '2026-11-26T10:00:00.000Z' },
      { receivedAt: '2026-11-26T10:00:01.000Z', sentAt: 'not a time' },
    ];
    expect(telemetryDelaysMs(rows)).toEqual([50]);
  });

  it('medians each field over rounds and leaves missing fields out', () => {
    expect(medianOfRounds([{ a: 1, b: 5 }, { a: 3 }, { a: 2, b: 7 }])).toEqual({ a: 2, b: 5 });
  });

  it('a ratio of a missing figure is NaN, not Infinity', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(NaN, 2)).toBeNaN();
  });
});

describe('B3 time to a fraction in sync', () => {
  it('is the time by which that many screens were back, from the stop', () => {
    const times = [1_500, 1_100, 1_200, 1_300];
    expect(timeToFraction(times, 1_000, 4, 0.5)).toBe(200);
    expect(timeToFraction(times, 1_000, 4, 1)).toBe(500);
  });

  it('is Infinity when fewer ever came back', () => {
    expect(timeToFraction([1_100], 1_000, 100, 0.99)).toBe(Infinity);
  });
});
