import { parseMessage } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import {
  eventsTopic,
  medianOf,
  parseThroughputOptions,
  payloadsOf,
  proofOfPlayPayload,
  ratioOf,
  receiverRate,
  summariseRuns,
} from '../../../bench-throughput-load.js';

const NOW = new Date('2026-11-26T08:00:00.000Z');

describe('B1 payloads', () => {
  it('are proof-of-play events of exactly the asked size that the fleet accepts', () => {
    for (const bytes of [180, 200, 300]) {
      const payload = proofOfPlayPayload('r1q0', 49_999, bytes, NOW);
      expect(payload.length).toBe(bytes);
      const parsed = parseMessage(eventsTopic('bench-s00001'), payload);
      expect(parsed).toMatchObject({ ok: true, kind: 'events', payload: { kind: 'proof-of-play' } });
    }
  });

  it('have ids unique within a run and across runs', () => {
    const ids = [...payloadsOf('r1q0', 500, 200, NOW), ...payloadsOf('r1q1', 500, 200, NOW)].map(
      (payload) => JSON.parse(payload.toString()).id,
    );
    expect(new Set(ids).size).toBe(1_000);
  });

  it('refuses a size no proof-of-play event can have', () => {
    expect(() => proofOfPlayPayload('r1', 1, 100, NOW)).toThrow(/cannot be 100 bytes/);
  });
});

describe('parseThroughputOptions', () => {
  it('defaults to 50k messages, 5 rounds, both QoS levels and all three subjects', () => {
    expect(parseThroughputOptions([])).toEqual({
      quick: false,
      messages: 50_000,
      rounds: 5,
      bytes: 200,
      qos: [0, 1],
      subjects: ['fm', 'aedes', 'mosquitto'],
      profile: null,
    });
  });

  it('shrinks for --quick and takes explicit values over it', () => {
    expect(parseThroughputOptions(['--quick'])).toMatchObject({ messages: 10_000, rounds: 3 });
    expect(
      parseThroughputOptions(['--quick', '--rounds', '7', '--qos', '1', '--subjects', 'fm,aedes']),
    ).toMatchObject({ rounds: 7, qos: [1], subjects: ['fm', 'aedes'] });
  });

  it('explains what is wrong', () => {
    expect(() => parseThroughputOptions(['--messages', '10'])).toThrow('--messages: a whole number');
    expect(() => parseThroughputOptions(['--qos', '2'])).toThrow('--qos: a comma-separated list');
    expect(() => parseThroughputOptions(['--subjects', 'nats'])).toThrow('--subjects');
    expect(() => parseThroughputOptions(['--rounds'])).toThrow('--rounds needs a value');
  });
});

describe('B1 arithmetic', () => {
  it('rates what arrived over the time from the first publish to the last arrival', () => {
    expect(receiverRate(50_000, 1_000, 3_500)).toBe(20_000);
    expect(receiverRate(0, 1_000, 0)).toBe(0);
  });

  it('summarises medians, spread and losses per subject and QoS', () => {
    const runs = [10, 30, 20].flatMap((rate, round) => [
      { subject: 'FM', qos: 1, rate, received: 100 - round, sent: 100 },
      { subject: 'bare Aedes', qos: 1, rate: rate * 2, received: 100, sent: 100 },
    ]);
    expect(summariseRuns(runs)).toEqual([
      { subject: 'FM', qos: 1, rounds: 3, median: 20, min: 10, max: 30, lost: 3 },
      { subject: 'bare Aedes', qos: 1, rounds: 3, median: 40, min: 20, max: 60, lost: 0 },
    ]);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(ratioOf(20, 40)).toBe(0.5);
    expect(ratioOf(20, undefined)).toBeNaN();
  });
});
