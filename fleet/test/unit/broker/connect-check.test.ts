import { describe, expect, it } from 'vitest';
import { deviceTopic } from '@gatecast/protocol';
import { checkConnect, describeIdentity, type ConnectRequest } from '../../../src/broker/connect-check.js';
import { DEFAULT_LIMITS, resolveLimits } from '../../../src/broker/limits.js';

const ID = 'gate-a-screen-01';
const OTHER = 'gate-b-screen-02';
const secret = Buffer.from('s3cret');
const offline = JSON.stringify({ state: 'offline' });

function request(overrides: Partial<ConnectRequest> = {}): ConnectRequest {
  return { clientId: ID, username: ID, password: secret, will: null, ...overrides };
}

describe('checkConnect', () => {
  it('accepts username = client id = device id with a password and a proper will', () => {
    const will = { topic: deviceTopic(ID, 'status'), payload: offline, qos: 1, retain: true };
    expect(checkConnect(request({ will }), 8)).toEqual({ ok: true, deviceId: ID });
    expect(checkConnect(request(), 8)).toEqual({ ok: true, deviceId: ID });
  });

  it.each([
    ['no username', { username: undefined }, 4],
    ['no password', { password: undefined }, 4],
    ['empty password', { password: Buffer.alloc(0) }, 4],
    ['username not a device id', { username: 'Admin', clientId: 'Admin' }, 4],
    ['client id differs from username', { clientId: OTHER }, 5],
  ] as const)('refuses %s with code %i', (_name, overrides, returnCode) => {
    expect(checkConnect(request(overrides), 8)).toMatchObject({ ok: false, returnCode });
  });

  it.each([
    ['another device status', { topic: deviceTopic(OTHER, 'status'), payload: offline }],
    ['own telemetry', { topic: deviceTopic(ID, 'telemetry'), payload: offline }],
    ['own desired', { topic: deviceTopic(ID, 'desired'), payload: offline }],
    ['$SYS', { topic: '$SYS/x', payload: offline }],
    ['invalid status payload', { topic: deviceTopic(ID, 'status'), payload: '{"state":"gone"}' }],
    ['not JSON', { topic: deviceTopic(ID, 'status'), payload: 'offline' }],
    ['QoS 2', { topic: deviceTopic(ID, 'status'), payload: offline, qos: 2 }],
  ])('refuses a will on %s as not authorized', (_name, will) => {
    const result = checkConnect(request({ will }), 8);
    expect(result).toMatchObject({ ok: false, returnCode: 5 });
    expect(result.ok || result.reason.startsWith('will refused: ')).toBe(true);
  });
});

describe('describeIdentity', () => {
  it('quotes and shortens untrusted names for logs', () => {
    expect(describeIdentity(undefined)).toBe('(none)');
    expect(describeIdentity('a"b')).toBe('"a\\"b"');
    expect(describeIdentity('x'.repeat(500)).length).toBeLessThan(90);
  });
});

describe('resolveLimits', () => {
  it('fills defaults and keeps overrides', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ connectTimeoutMs: 200 }).connectTimeoutMs).toBe(200);
  });

  it('rejects unsafe limits', () => {
    expect(() => resolveLimits({ maxPacketBytes: 0 })).toThrow(/positive integer/);
    expect(() => resolveLimits({ maxTopicLevels: 101 })).toThrow(/at most 100/);
    expect(() => resolveLimits({ maxConnectBytes: 10_000, maxPacketBytes: 5_000 })).toThrow(/maxPacketBytes/);
  });
});
