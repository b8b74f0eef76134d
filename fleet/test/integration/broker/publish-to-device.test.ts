import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import mqtt, { type IConnackPacket } from 'mqtt';
import { GatecastError, deviceTopic, parseMessage } from '@gatecast/protocol';
import {
  DEVICES,
  desiredDocument,
  inbox,
  now,
  settle,
  startHarness,
  waitFor,
  type Harness,
} from './helpers.js';

const [A, B] = DEVICES;

describe('broker fleet→device publishing', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it('retains desired and delivers it to a device that subscribes later', async () => {
    await h.broker.publishToDevice(A, 'desired', desiredDocument(A, 3));
    const client = await h.device(A);
    const received = inbox(client);
    await client.subscribeAsync(deviceTopic(A, 'desired'), { qos: 1 });
    await waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]?.retain).toBe(true);
    const parsed = parseMessage(deviceTopic(A, 'desired'), received[0]?.payload ?? '');
    expect(parsed).toMatchObject({ ok: true, kind: 'desired', payload: { version: 3, deviceId: A } });
  });

  it('keeps only the latest desired document', async () => {
    await h.broker.publishToDevice(A, 'desired', desiredDocument(A, 1));
    await h.broker.publishToDevice(A, 'desired', desiredDocument(A, 2));
    const client = await h.device(A);
    const received = inbox(client);
    await client.subscribeAsync(deviceTopic(A, 'desired'), { qos: 1 });
    await waitFor(() => expect(received).toHaveLength(1));
    await settle(200);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]?.payload ?? '{}')).toMatchObject({ version: 2 });
  });

  it('delivers cmd/req to a subscribed device without retaining it', async () => {
    const client = await h.device(A);
    const received = inbox(client);
    await client.subscribeAsync(deviceTopic(A, 'cmd/req'), { qos: 1 });
    await h.broker.publishToDevice(A, 'cmd/req', { id: 'cmd-00000001', issuedAt: now(), name: 'ping' });
    await waitFor(() => expect(received).toHaveLength(1));
    expect(JSON.parse(received[0]?.payload ?? '{}')).toMatchObject({
      id: 'cmd-00000001',
      name: 'ping',
      args: {},
    });

    const late = await h.device(B);
    const lateInbox = inbox(late);
    await h.broker.publishToDevice(B, 'cmd/req', { id: 'cmd-00000002', issuedAt: now(), name: 'ping' });
    await late.subscribeAsync(deviceTopic(B, 'cmd/req'), { qos: 1 });
    await settle();
    expect(lateInbox).toEqual([]);
  });

  it('clearRetained removes the retained desired document', async () => {
    await h.broker.publishToDevice(A, 'desired', desiredDocument(A));
    await h.broker.clearRetained(A);
    const client = await h.device(A);
    const received = inbox(client);
    await client.subscribeAsync(deviceTopic(A, 'desired'), { qos: 1 });
    await settle();
    expect(received).toEqual([]);
  });

  it('refuses invalid payloads, mismatched device ids and bad device ids', async () => {
    const bad = { ...desiredDocument(A), version: -1 };
    await expect(h.broker.publishToDevice(A, 'desired', bad)).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
    });
    await expect(h.broker.publishToDevice(A, 'desired', desiredDocument(B))).rejects.toMatchObject({
      code: 'DEVICE_MISMATCH',
    });
    await expect(h.broker.publishToDevice('NOT VALID', 'desired', desiredDocument(A))).rejects.toThrow(
      /invalid device id/,
    );
    const client = await h.device(A);
    const received = inbox(client);
    await client.subscribeAsync(deviceTopic(A, 'desired'), { qos: 1 });
    await settle();
    expect(received).toEqual([]);
  });

  it('gives every device a clean session: nothing is queued while it is offline', async () => {
    const first = await h.device(A, { clean: false });
    await first.subscribeAsync(deviceTopic(A, 'cmd/req'), { qos: 1 });
    await first.endAsync();
    await waitFor(() => expect(h.broker.isConnected(A)).toBe(false));
    await h.broker.publishToDevice(A, 'cmd/req', { id: 'cmd-00000003', issuedAt: now(), name: 'ping' });
    const again = mqtt.connect(`mqtt://127.0.0.1:${h.port}`, {
      clientId: A,
      username: A,
      password: `secret-of-${A}`,
      clean: false,
      reconnectPeriod: 0,
    });
    h.clients.push(again);
    const received = inbox(again);
    const connack = await new Promise<IConnackPacket>((resolve) => again.once('connect', resolve));
    expect(connack.sessionPresent).toBe(false);
    await settle();
    expect(received).toEqual([]);
  });

  it('refuses to publish once stopped', async () => {
    await h.broker.stop();
    const error = await h.broker.publishToDevice(A, 'desired', desiredDocument(A)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatecastError);
    expect((error as GatecastError).code).toBe('UNAVAILABLE');
  });
});
