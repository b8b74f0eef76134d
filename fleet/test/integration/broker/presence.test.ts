import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { deviceTopic } from '@gatecast/protocol';
import {
  DEVICES,
  closed,
  connectPacket,
  eventPayload,
  settle,
  startHarness,
  statusPayload,
  waitFor,
  type Harness,
} from './helpers.js';

const [A, B] = DEVICES;
const KEEPALIVE_S = 1;
// Aedes closes after 1.5 × keepalive; generous margin for a shared 2-core machine.
const KEEPALIVE_DEADLINE_MS = 1.5 * KEEPALIVE_S * 1000 + 3_000;

function willOf(deviceId: string): { topic: string; payload: Buffer; qos: 1; retain: true } {
  return {
    topic: deviceTopic(deviceId, 'status'),
    payload: Buffer.from(statusPayload('offline')),
    qos: 1,
    retain: true,
  };
}

function offlineStatuses(h: Harness, deviceId: string): number {
  return h.messages.filter(
    (m) => m.deviceId === deviceId && m.kind === 'status' && m.payload.state === 'offline',
  ).length;
}

describe('broker presence signals', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it('reports a clean DISCONNECT as "clean" and does not publish the will', async () => {
    const client = await h.device(A, { will: willOf(A) });
    await client.endAsync();
    await waitFor(() => expect(h.disconnected).toEqual([{ deviceId: A, cause: 'clean' }]));
    await settle();
    expect(offlineStatuses(h, A)).toBe(0);
    expect(h.broker.isConnected(A)).toBe(false);
  });

  it('reports a dropped connection (no DISCONNECT) as "error" and publishes the will', async () => {
    const client = await h.device(A, { will: willOf(A), keepalive: KEEPALIVE_S });
    client.stream.destroy();
    await waitFor(
      () => expect(h.disconnected).toEqual([{ deviceId: A, cause: 'error' }]),
      KEEPALIVE_DEADLINE_MS,
    );
    await waitFor(() => expect(offlineStatuses(h, A)).toBe(1));
  });

  it('reports a silent device as "keepalive" within 1.5 × keepalive and publishes the will', async () => {
    // A raw client: it connects with keepalive 1 s, then never sends PINGREQ but keeps the socket open.
    const socket: Socket = await h.rawSocket();
    socket.resume();
    socket.write(connectPacket(A, { keepalive: KEEPALIVE_S, will: willOf(A) }));
    await waitFor(() => h.broker.isConnected(A));
    const silentSince = Date.now();
    await waitFor(
      () => expect(h.disconnected).toEqual([{ deviceId: A, cause: 'keepalive' }]),
      KEEPALIVE_DEADLINE_MS,
    );
    expect(Date.now() - silentSince).toBeLessThan(KEEPALIVE_DEADLINE_MS);
    expect(offlineStatuses(h, A)).toBe(1);
    await closed(socket);
  });

  it('kick() closes the session at once as "kicked"; a revoked device cannot get back in (S7)', async () => {
    const client = await h.device(A, { will: willOf(A) });
    const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
    h.auth.secrets.set(A, 'rotated-secret');
    expect(h.broker.kick(A)).toBe(true);
    await gone;
    await waitFor(() => expect(h.disconnected).toEqual([{ deviceId: A, cause: 'kicked' }]));
    expect(h.broker.isConnected(A)).toBe(false);
    expect(await h.tryConnect({ clientId: A, username: A, password: `secret-of-${A}` })).toBe(4);
    expect(h.broker.kick(A)).toBe(false);
    expect(h.broker.kick(B)).toBe(false);
  });

  it('accepts nothing from a device after kick() returns, while it keeps publishing', async () => {
    const client = await h.device(A);
    let sent = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 5; i += 1) {
        sent += 1;
        client.publish(deviceTopic(A, 'events'), eventPayload(`evt-race-${1000 + sent}`), { qos: 0 });
      }
    }, 2);
    try {
      await waitFor(() => h.messages.length >= 20);
      expect(h.broker.kick(A)).toBe(true);
      const countAtKick = h.messages.length;
      await settle();
      expect(h.messages.length).toBe(countAtKick);
      expect(sent).toBeGreaterThan(countAtKick);
    } finally {
      clearInterval(timer);
    }
  });

  it('a reconnect that takes over the old session does not mark the device offline', async () => {
    const first = await h.device(A, { will: willOf(A) });
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    await h.device(A, { will: willOf(A) });
    await firstClosed;
    await settle();
    expect(h.disconnected).toEqual([]);
    expect(h.connected).toEqual([A, A]);
    expect(offlineStatuses(h, A)).toBe(0);
    expect(h.broker.isConnected(A)).toBe(true);
    expect(h.lines.some((line) => line.msg === 'session replaced by a newer connection')).toBe(true);
  });

  it('stop() ends every session as "shutdown"', async () => {
    await h.device(A);
    await h.device(B);
    await h.broker.stop();
    expect(h.disconnected.map((d) => d.cause)).toEqual(['shutdown', 'shutdown']);
    expect(h.disconnected.map((d) => d.deviceId).sort()).toEqual([A, B]);
    expect(h.broker.connectedDeviceIds()).toEqual([]);
  });
});
