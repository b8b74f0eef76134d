import { describe, expect, it } from 'vitest';
import {
  CLOSE_GOAL_MS,
  LastPackets,
  detectionLatencies,
  halfOpenGoalMs,
  summarise,
  transitionsOf,
} from '../../../bench-latency.js';

describe('LastPackets', () => {
  it('keeps the latest packet per screen whatever order the reports arrive in', () => {
    const packets = new LastPackets();
    packets.record('a', 1_000);
    packets.record('a', 3_000);
    packets.record('a', 2_000);
    packets.record('b', 500);
    expect(packets.snapshot()).toEqual(
      new Map([
        ['a', 3_000],
        ['b', 500],
      ]),
    );
  });

  it('leaves out a screen whose latest packet came after the cut', () => {
    const packets = new LastPackets();
    packets.record('frozen', 900);
    packets.record('resumed', 1_200);
    expect(packets.snapshot(1_000)).toEqual(new Map([['frozen', 900]]));
  });
});

describe('detectionLatencies', () => {
  it('subtracts each last packet from its detection and counts the undetected as missing', () => {
    const last = new Map([
      ['a', 1_000],
      ['b', 2_000],
      ['c', 3_000],
    ]);
    const detected = new Map([
      ['a', 16_000],
      ['b', 2_500],
    ]);
    expect(detectionLatencies(['a', 'b', 'c', 'd'], last, detected)).toEqual({
      values: [15_000, 500],
      missing: 2,
    });
  });
});

describe('summarise', () => {
  it('gives nearest-rank percentiles and the maximum', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(summarise(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('says NaN, not zero, when nothing was detected', () => {
    const summary = summarise([]);
    expect(summary.count).toBe(0);
    expect(summary.p99).toBeNaN();
    expect(summary.max).toBeNaN();
  });
});

describe('goals', () => {
  it('allows 5 % over one and a half keepalives for half-open links, a second for closes', () => {
    expect(halfOpenGoalMs(10)).toBeCloseTo(15_750);
    expect(halfOpenGoalMs(30)).toBeCloseTo(47_250);
    expect(CLOSE_GOAL_MS).toBe(1_000);
  });
});

describe('transitionsOf', () => {
  const transition = (deviceId: string, kind: string) => ({
    id: `t-${deviceId}-${kind}`,
    kind,
    rule: 'offline',
    at: '2026-11-26T12:00:00.250Z',
    device: { id: deviceId },
  });
  const parsed = (deviceId: string, kind: string) => ({
    deviceId,
    kind,
    rule: 'offline',
    id: `t-${deviceId}-${kind}`,
    recordedAt: Date.parse('2026-11-26T12:00:00.250Z'),
  });

  it('reads every alert of a batched webhook body, in order, with the time each was recorded', () => {
    const body = {
      version: 1,
      test: false,
      deliveries: [
        { deliveryId: 'd1', transition: transition('bench-s00001', 'firing'), text: 'offline' },
        { deliveryId: 'd2', transition: transition('bench-s00002', 'resolved'), text: 'back' },
      ],
    };
    expect(transitionsOf(body)).toEqual([
      parsed('bench-s00001', 'firing'),
      parsed('bench-s00002', 'resolved'),
    ]);
  });

  it('reads a single transition sent bare or wrapped', () => {
    expect(transitionsOf(transition('bench-s00001', 'firing'))).toEqual([parsed('bench-s00001', 'firing')]);
    expect(transitionsOf({ transition: transition('bench-s00001', 'firing') })).toEqual([
      parsed('bench-s00001', 'firing'),
    ]);
  });

  it('finds nothing in bodies that hold no transition', () => {
    expect(transitionsOf({ text: 'test message' })).toEqual([]);
    expect(transitionsOf(null)).toEqual([]);
    expect(transitionsOf({ deliveries: [{ transition: { kind: 'firing', device: {} } }] })).toEqual([]);
  });
});
