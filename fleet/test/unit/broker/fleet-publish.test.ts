import { describe, expect, it } from 'vitest';
import { TOPIC_RULES, deviceTopic, type DesiredDocumentInput } from '@gatecast/protocol';
import { clearRetainedMessages, prepareFleetMessage } from '../../../src/broker/fleet-publish.js';

const ID = 'gate-a-screen-01';

function desired(deviceId: string, name = 'Arrivals 1'): DesiredDocumentInput {
  return {
    version: 4,
    deviceId,
    issuedAt: '2025-01-01T00:00:00Z',
    device: { name, gateId: 'cat-bi-gate-1', zoneId: 'arrivals' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'] },
    content: { defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Xin chào' } } },
  };
}

describe('prepareFleetMessage', () => {
  it('encodes desired as retained QoS 1 on the device desired topic, defaults filled', () => {
    const message = prepareFleetMessage(ID, 'desired', desired(ID), 8);
    expect(message).toMatchObject({ topic: deviceTopic(ID, 'desired'), qos: 1, retain: true });
    expect(JSON.parse(message.payload.toString())).toMatchObject({ device: { tags: [] } });
  });

  it('encodes cmd/req as not retained', () => {
    const message = prepareFleetMessage(
      ID,
      'cmd/req',
      { id: 'cmd-00000001', issuedAt: '2025-01-01T00:00:00Z', name: 'ping' },
      8,
    );
    expect(message).toMatchObject({ topic: deviceTopic(ID, 'cmd/req'), qos: 1, retain: false });
  });

  it('refuses what the device would refuse', () => {
    expect(() => prepareFleetMessage(ID, 'desired', { ...desired(ID), version: 0 }, 8)).toThrow(
      expect.objectContaining({ code: 'INVALID_PAYLOAD' }),
    );
    expect(() => prepareFleetMessage(ID, 'desired', desired('gate-b-screen-02'), 8)).toThrow(
      expect.objectContaining({ code: 'DEVICE_MISMATCH' }),
    );
    expect(() => prepareFleetMessage('BAD ID', 'desired', desired(ID), 8)).toThrow(/invalid device id/);
  });

  it('refuses a topic deeper than the broker allows', () => {
    expect(() =>
      prepareFleetMessage(
        ID,
        'cmd/req',
        { id: 'cmd-00000001', issuedAt: '2025-01-01T00:00:00Z', name: 'ping' },
        5,
      ),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});

describe('clearRetainedMessages', () => {
  it('empties exactly the retained kinds of one device', () => {
    const messages = clearRetainedMessages(ID);
    const retainedKinds = Object.entries(TOPIC_RULES)
      .filter(([, rule]) => rule.retained)
      .map(([kind]) => kind);
    expect(messages.map((m) => m.topic)).toEqual(
      retainedKinds.map((kind) => `gatecast/v1/devices/${ID}/${kind}`),
    );
    expect(messages.every((m) => m.retain && m.payload.length === 0)).toBe(true);
  });
});
