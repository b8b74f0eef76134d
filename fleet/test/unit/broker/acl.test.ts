import { describe, expect, it } from 'vitest';
import { TOPIC_KINDS, deviceTopic, type TopicKind } from '@gatecast/protocol';
import { authorizePublish, authorizeSubscribe } from '../../../src/broker/acl.js';

const SELF = 'gate-a-screen-01';
const OTHER = 'gate-b-screen-02';

// The specification, one row per kind: who may publish it, whether a device may subscribe to it,
// and whether it may be published retained.
const SPEC: Record<TopicKind, { devicePublishes: boolean; fleetPublishes: boolean; retained: boolean }> = {
  status: { devicePublishes: true, fleetPublishes: false, retained: true },
  reported: { devicePublishes: true, fleetPublishes: false, retained: true },
  telemetry: { devicePublishes: true, fleetPublishes: false, retained: false },
  events: { devicePublishes: true, fleetPublishes: false, retained: false },
  'cmd/res': { devicePublishes: true, fleetPublishes: false, retained: false },
  desired: { devicePublishes: false, fleetPublishes: true, retained: true },
  'cmd/req': { devicePublishes: false, fleetPublishes: true, retained: false },
};

const plain = { retain: false, qos: 1 };
const retained = { retain: true, qos: 1 };

describe('device publish', () => {
  describe.each(TOPIC_KINDS)('kind %s', (kind) => {
    const rule = SPEC[kind];

    it(`own topic, not retained: ${rule.devicePublishes ? 'allowed' : 'denied'}`, () => {
      expect(authorizePublish(SELF, deviceTopic(SELF, kind), plain).allowed).toBe(rule.devicePublishes);
    });

    it(`own topic, retained: ${rule.devicePublishes && rule.retained ? 'allowed' : 'denied'}`, () => {
      const decision = authorizePublish(SELF, deviceTopic(SELF, kind), retained);
      expect(decision.allowed).toBe(rule.devicePublishes && rule.retained);
    });

    it('another device topic: denied whatever the flags', () => {
      for (const flags of [plain, retained, { retain: false, qos: 0 }]) {
        const decision = authorizePublish(SELF, deviceTopic(OTHER, kind), flags);
        expect(decision).toEqual({ allowed: false, reason: 'topic of another device' });
      }
    });
  });

  it('a retained telemetry publish is refused with the reason', () => {
    expect(authorizePublish(SELF, deviceTopic(SELF, 'telemetry'), retained)).toEqual({
      allowed: false,
      reason: 'telemetry is not retained',
    });
  });

  it('QoS 0 and 1 are allowed, QoS 2 is not part of protocol v1', () => {
    const topic = deviceTopic(SELF, 'events');
    expect(authorizePublish(SELF, topic, { retain: false, qos: 0 }).allowed).toBe(true);
    expect(authorizePublish(SELF, topic, { retain: false, qos: 2 }).allowed).toBe(false);
  });

  it.each([
    ['$SYS', '$SYS/broker/heartbeat'],
    ['$-prefixed', '$gatecast/dropped'],
    ['empty', ''],
    ['+ wildcard', `gatecast/v1/devices/+/status`],
    ['# wildcard', `gatecast/v1/devices/${SELF}/#`],
    ['NUL character', `gatecast/v1/devices/${SELF}/status\u0000`],
    ['foreign root', `other/v1/devices/${SELF}/status`],
    ['unknown kind', `gatecast/v1/devices/${SELF}/desired2`],
    ['extra level', `gatecast/v1/devices/${SELF}/status/x`],
    ['invalid device id', 'gatecast/v1/devices/UPPER/status'],
    ['too deep', `gatecast/v1/devices/${SELF}/a/b/c/d/e`],
  ])('denies a %s topic', (_name, topic) => {
    expect(authorizePublish(SELF, topic, plain).allowed).toBe(false);
  });

  it('applies the topic depth limit it is given', () => {
    const topic = deviceTopic(SELF, 'status');
    expect(authorizePublish(SELF, topic, plain, 5).allowed).toBe(true);
    expect(authorizePublish(SELF, topic, plain, 4)).toEqual({
      allowed: false,
      reason: 'publish topic has 5 levels, limit 4',
    });
  });

  it('denies a publisher whose id is not a device id', () => {
    expect(authorizePublish('Not A Device', deviceTopic(SELF, 'status'), plain).allowed).toBe(false);
  });
});

describe('fleet publish (broker-internal)', () => {
  it.each(TOPIC_KINDS)('kind %s follows TOPIC_RULES', (kind) => {
    const rule = SPEC[kind];
    const decision = authorizePublish(null, deviceTopic(OTHER, kind), { retain: rule.retained, qos: 1 });
    expect(decision.allowed).toBe(rule.fleetPublishes);
  });

  it('cmd/req may not be retained; desired may', () => {
    expect(authorizePublish(null, deviceTopic(SELF, 'cmd/req'), retained).allowed).toBe(false);
    expect(authorizePublish(null, deviceTopic(SELF, 'desired'), retained).allowed).toBe(true);
  });

  it('denies topics outside the protocol', () => {
    expect(authorizePublish(null, '$SYS/x', plain).allowed).toBe(false);
    expect(authorizePublish(null, 'gatecast/v1/devices/BAD/desired', plain).allowed).toBe(false);
  });
});

describe('device subscribe', () => {
  describe.each(TOPIC_KINDS)('kind %s', (kind) => {
    const deliveredToDevices = SPEC[kind].fleetPublishes;

    it(`own topic: ${deliveredToDevices ? 'allowed' : 'denied'}`, () => {
      expect(authorizeSubscribe(SELF, deviceTopic(SELF, kind)).allowed).toBe(deliveredToDevices);
    });

    it('another device topic: denied', () => {
      expect(authorizeSubscribe(SELF, deviceTopic(OTHER, kind))).toEqual({
        allowed: false,
        reason: 'topic of another device',
      });
    });
  });

  it.each([
    '#',
    '+/#',
    '$SYS/#',
    '$SYS/+/heartbeat',
    'gatecast/#',
    'gatecast/v1/devices/+/desired',
    `gatecast/v1/devices/${SELF}/+`,
    `gatecast/v1/devices/${SELF}/#`,
    `gatecast/v1/devices/${SELF}/cmd/+`,
    '',
    `gatecast/v1/devices/${SELF}/desired/a/b/c`,
  ])('denies filter %j', (filter) => {
    expect(authorizeSubscribe(SELF, filter).allowed).toBe(false);
  });
});
