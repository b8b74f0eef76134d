import { describe, expect, it } from 'vitest';
import { TOPIC_KINDS, allDevicesFilter, deviceTopic, isDeviceId, parseTopic } from '@gatecast/protocol';

describe('device ids', () => {
  it.each(['cat-bi-arr-01', 'abc', 'a'.repeat(64), '0pi'])('accepts %s', (id) => {
    expect(isDeviceId(id)).toBe(true);
  });
  it.each(['ab', '-abc', 'Abc', 'a'.repeat(65), 'a/b', 'a+b', 'a#b', 'ab c', '', 'đèn'])(
    'rejects %s',
    (id) => {
      expect(isDeviceId(id)).toBe(false);
    },
  );
});

describe('topics', () => {
  it('builds and parses every kind for a device', () => {
    for (const kind of TOPIC_KINDS) {
      const topic = deviceTopic('gate-screen-1', kind);
      expect(topic).toBe(`gatecast/v1/devices/gate-screen-1/${kind}`);
      expect(parseTopic(topic)).toEqual({ deviceId: 'gate-screen-1', kind });
    }
  });

  it('refuses to build a topic for an invalid device id', () => {
    expect(() => deviceTopic('+', 'status')).toThrow(/invalid device id/);
    expect(() => deviceTopic('a/b/c', 'status')).toThrow(/invalid device id/);
  });

  it.each([
    'gatecast/v1/devices/gate-screen-1',
    'gatecast/v1/devices/gate-screen-1/',
    'gatecast/v1/devices/gate-screen-1/unknown',
    'gatecast/v1/devices/gate-screen-1/cmd',
    'gatecast/v1/devices/gate-screen-1/cmd/req/extra',
    'gatecast/v1/devices/+/status',
    'gatecast/v1/devices/#',
    'gatecast/v2/devices/gate-screen-1/status',
    '$SYS/broker/uptime',
    'GATECAST/v1/devices/gate-screen-1/status',
    '',
  ])('rejects %j', (topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it('builds the fleet-wide subscription filter', () => {
    expect(allDevicesFilter('telemetry')).toBe('gatecast/v1/devices/+/telemetry');
  });
});
