import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOPIC_RULES, deviceTopic } from '@gatecast/protocol';
import {
  DEVICES,
  eventPayload,
  settle,
  startHarness,
  statusPayload,
  waitFor,
  type Harness,
} from './helpers.js';

const [A, B] = DEVICES;

describe('broker payload validation', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it.each([
    ['malformed JSON', 'events', '{"id": ', 'INVALID_JSON'],
    ['a schema-invalid payload', 'events', JSON.stringify({ id: 'x', kind: 'nonsense' }), 'INVALID_PAYLOAD'],
    ['a status with an unknown state', 'status', JSON.stringify({ state: 'sleeping' }), 'INVALID_PAYLOAD'],
    [
      'a payload over the per-topic limit',
      'status',
      JSON.stringify({ state: 'online', pad: 'x'.repeat(TOPIC_RULES.status.maxPayloadBytes) }),
      'PAYLOAD_TOO_LARGE',
    ],
  ] as const)('drops %s, logs it, and keeps both devices served', async (_name, kind, payload, code) => {
    const sender = await h.device(A);
    const bystander = await h.device(B);
    // QoS 1: the drop is still acknowledged (PUBACK), so the device does not resend it forever.
    await sender.publishAsync(deviceTopic(A, kind), payload, { qos: 1, retain: kind === 'status' });
    expect(h.lines.find((line) => line.msg === 'message dropped')).toMatchObject({
      deviceId: A,
      topic: deviceTopic(A, kind),
      code,
    });
    expect(h.broker.stats().droppedMessages).toBe(1);

    await bystander.publishAsync(deviceTopic(B, 'events'), eventPayload('evt-bystander'), { qos: 1 });
    await sender.publishAsync(deviceTopic(A, 'events'), eventPayload('evt-sender-ok'), { qos: 1 });
    await waitFor(() => expect(h.messages).toHaveLength(2));
    expect(h.messages.map((m) => [m.deviceId, m.kind])).toEqual([
      [B, 'events'],
      [A, 'events'],
    ]);
    expect(sender.connected).toBe(true);
    expect(h.broker.isConnected(A)).toBe(true);
    expect(h.disconnected).toEqual([]);
  });

  it('delivers each accepted message to onDeviceMessage exactly once, parsed', async () => {
    const sender = await h.device(A);
    await sender.publishAsync(deviceTopic(A, 'status'), statusPayload('online'), { qos: 1, retain: true });
    await settle(200);
    expect(h.messages).toHaveLength(1);
    expect(h.messages[0]).toMatchObject({
      ok: true,
      deviceId: A,
      kind: 'status',
      payload: { state: 'online' },
    });
  });

  it('acknowledges a QoS 1 message only once the handlers say it is stored', async () => {
    await h.close();
    const holding: Array<() => void> = [];
    h = await startHarness({ whenStored: (done) => holding.push(done) });
    const sender = await h.device(A);
    let acknowledged = false;
    const published = sender
      .publishAsync(deviceTopic(A, 'events'), eventPayload('evt-held-back'), { qos: 1 })
      .then(() => (acknowledged = true));
    await waitFor(() => expect(holding).toHaveLength(1));
    await settle(200);
    expect(acknowledged).toBe(false);
    holding[0]?.();
    await published;
    expect(acknowledged).toBe(true);
    expect(h.messages).toHaveLength(1);
  });

  it('survives a handler that throws', async () => {
    await h.close();
    let calls = 0;
    h = await startHarness({
      onDeviceMessage: () => {
        calls += 1;
        throw new Error('handler bug');
      },
    });
    const sender = await h.device(A);
    await sender.publishAsync(deviceTopic(A, 'events'), eventPayload('evt-first-one'), { qos: 1 });
    await sender.publishAsync(deviceTopic(A, 'events'), eventPayload('evt-second-one'), { qos: 1 });
    await waitFor(() => expect(calls).toBe(2));
    expect(sender.connected).toBe(true);
    expect(h.lines.filter((line) => line.msg === 'onDeviceMessage threw')).toHaveLength(2);
  });
});
