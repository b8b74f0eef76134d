import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { TOPIC_KINDS, deviceTopic } from '@gatecast/protocol';
import {
  DEVICES,
  desiredDocument,
  eventPayload,
  grantedQos,
  inbox,
  settle,
  startHarness,
  statusPayload,
  telemetryPayload,
  waitFor,
  type Harness,
} from './helpers.js';

const [A, B] = DEVICES;

function closedPromise(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

describe('broker ACL with real clients', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it.each(TOPIC_KINDS)(
    'device A publishing on B %s is disconnected; B and the fleet get nothing (S3)',
    async (kind) => {
      const canary = await h.device(B);
      const received = inbox(canary);
      await canary.subscribeAsync([deviceTopic(B, 'desired'), deviceTopic(B, 'cmd/req')], { qos: 1 });
      const attacker = await h.device(A);
      const gone = closedPromise(attacker);
      attacker.publish(deviceTopic(B, kind), statusPayload('offline'), { qos: 1 });
      await gone;
      await waitFor(() => expect(h.disconnected).toContainEqual({ deviceId: A, cause: 'error' }));
      await settle();
      expect(received).toEqual([]);
      expect(h.messages).toEqual([]);
      expect(h.broker.stats().rejectedPublishes).toBe(1);
      expect(h.lines.find((line) => line.msg === 'publish refused')).toMatchObject({
        deviceId: A,
        topic: deviceTopic(B, kind),
        reason: 'topic of another device',
      });
      expect(h.broker.isConnected(B)).toBe(true);
    },
  );

  it('refuses a $SYS publish by disconnecting the device', async () => {
    const client = await h.device(A);
    const gone = closedPromise(client);
    client.publish('$SYS/fake/heartbeat', 'x', { qos: 0 });
    await gone;
    expect(h.broker.stats().rejectedPublishes).toBe(1);
    expect(
      h.lines.some((line) => line.msg === 'publish refused' && line.topic === '$SYS/fake/heartbeat'),
    ).toBe(true);
  });

  it('refuses a retained telemetry publish', async () => {
    const client = await h.device(A);
    const gone = closedPromise(client);
    client.publish(deviceTopic(A, 'telemetry'), telemetryPayload(), { qos: 0, retain: true });
    await gone;
    expect(h.messages).toEqual([]);
  });

  it('grants failure (0x80) to subscriptions on other devices and wildcards, and delivers no retained message (S4)', async () => {
    await h.broker.publishToDevice(B, 'desired', desiredDocument(B));
    const attacker = await h.device(A);
    const received = inbox(attacker);
    for (const filter of [deviceTopic(B, 'desired'), '#', '+/#', '$SYS/#', 'gatecast/v1/devices/+/desired']) {
      expect(await grantedQos(attacker, filter), filter).toBe(128);
    }
    await h.broker.publishToDevice(B, 'desired', desiredDocument(B, 2));
    await settle();
    expect(received).toEqual([]);
    expect(attacker.connected).toBe(true);
    expect(h.broker.isConnected(A)).toBe(true);
  });

  it('lets a device subscribe to its own desired and cmd/req, and refuses its own status', async () => {
    const client = await h.device(A);
    const granted = await client.subscribeAsync([deviceTopic(A, 'desired'), deviceTopic(A, 'cmd/req')], {
      qos: 1,
    });
    expect(granted.map((grant) => grant.qos)).toEqual([1, 1]);
    expect(await grantedQos(client, deviceTopic(A, 'status'))).toBe(128);
  });

  it('accepts a device publishing on its own device→fleet topics', async () => {
    const client = await h.device(A);
    await client.publishAsync(deviceTopic(A, 'status'), statusPayload('online'), { qos: 1, retain: true });
    await client.publishAsync(deviceTopic(A, 'events'), eventPayload(), { qos: 1 });
    await client.publishAsync(deviceTopic(A, 'telemetry'), telemetryPayload(), { qos: 0 });
    await waitFor(() => expect(h.messages.map((m) => m.kind)).toEqual(['status', 'events', 'telemetry']));
    expect(h.messages.every((message) => message.deviceId === A)).toBe(true);
  });
});
