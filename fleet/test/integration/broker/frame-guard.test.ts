import { afterEach, describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { deviceTopic } from '@gatecast/protocol';
import {
  DEVICES,
  closed,
  connectPacket,
  eventPayload,
  startHarness,
  waitFor,
  type Harness,
} from './helpers.js';

const [A, B] = DEVICES;
const CONNECT_TIMEOUT_MS = 400;

/** A fixed header claiming `length` body bytes, with nothing after it. */
function headerOnly(typeByte: number, length: number): Buffer {
  const bytes = [typeByte];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

describe('broker frame guard', () => {
  let h: Harness;

  afterEach(async () => {
    await h.close();
  });

  it('closes a socket whose CONNECT claims 250 MB at the header, without waiting for the body (F3)', async () => {
    h = await startHarness({ limits: { connectTimeoutMs: 30_000 } });
    const socket = await h.rawSocket();
    socket.write(headerOnly(0x10, 250 * 1024 * 1024));
    // No body was sent: if the broker were waiting to buffer it, the socket would stay open
    // until the 30 s connect timeout. It closes at once instead.
    await closed(socket);
    expect(h.broker.stats().guardClosures).toBe(1);
    const line = h.lines.find((l) => l.msg === 'connection closed by frame guard');
    expect(line?.reason).toBe(`frame declares ${250 * 1024 * 1024 + 5} bytes, limit 4096`);
    expect(String(line?.remote)).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('closes a CONNECT just over the pre-authentication limit', async () => {
    h = await startHarness({ limits: { maxConnectBytes: 1024, connectTimeoutMs: 30_000 } });
    const socket = await h.rawSocket();
    socket.write(connectPacket(A, { password: Buffer.alloc(1100, 0x61) }));
    await closed(socket);
    expect(h.connected).toEqual([]);
    expect(h.broker.stats().guardClosures).toBe(1);
  });

  it('after authentication, closes a PUBLISH over maxPacketBytes but not one under it', async () => {
    h = await startHarness({ limits: { maxPacketBytes: 64 * 1024 } });
    const client = await h.device(A);
    await client.publishAsync(deviceTopic(A, 'events'), eventPayload(), { qos: 1 });
    const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(deviceTopic(A, 'events'), Buffer.alloc(70 * 1024, 0x20), { qos: 0 });
    await gone;
    await waitFor(() => expect(h.disconnected).toEqual([{ deviceId: A, cause: 'error' }]));
    expect(h.messages.map((m) => m.kind)).toEqual(['events']);
    expect(h.lines.find((l) => l.msg === 'connection closed by frame guard')?.reason).toMatch(/limit 65536$/);
  });

  it('closes a socket that never sends CONNECT after connectTimeoutMs (F4, small)', async () => {
    h = await startHarness({ limits: { connectTimeoutMs: CONNECT_TIMEOUT_MS } });
    const sockets = await Promise.all([h.rawSocket(), h.rawSocket(), h.rawSocket()]);
    // One sends half a CONNECT header and stalls: a slowloris is not a CONNECT either.
    sockets[0]?.write(Buffer.from([0x10]));
    await Promise.all(sockets.map((socket) => closed(socket)));
    expect(h.broker.stats().guardClosures).toBe(3);
    const reasons = h.lines.filter((l) => l.msg === 'connection closed by frame guard').map((l) => l.reason);
    expect(reasons).toEqual(Array(3).fill(`no accepted CONNECT within ${CONNECT_TIMEOUT_MS} ms`));
  });

  it('does not close an authenticated device when the connect timeout passes', async () => {
    h = await startHarness({ limits: { connectTimeoutMs: CONNECT_TIMEOUT_MS } });
    const client = await h.device(A);
    await new Promise((resolve) => setTimeout(resolve, CONNECT_TIMEOUT_MS * 2));
    expect(client.connected).toBe(true);
    expect(h.broker.isConnected(A)).toBe(true);
  });

  it.each([
    ['HTTP text', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    [
      'a PUBLISH before CONNECT',
      mqttPacket.generate({ cmd: 'publish', topic: 'a', payload: 'b', qos: 0, dup: false, retain: false }),
    ],
    ['a malformed remaining length', Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f])],
    ['a CONNECT with a garbage body', Buffer.concat([Buffer.from([0x10, 20]), Buffer.alloc(20, 0xee)])],
  ])('closes only the socket that sends %s', async (_name, bytes) => {
    h = await startHarness();
    const healthy = await h.device(B);
    const socket = await h.rawSocket();
    socket.write(bytes);
    await closed(socket);
    await healthy.publishAsync(deviceTopic(B, 'events'), eventPayload(), { qos: 1 });
    await waitFor(() => expect(h.messages).toHaveLength(1));
    expect(h.messages[0]?.deviceId).toBe(B);
    expect(h.broker.isConnected(B)).toBe(true);
  });

  it('closes a second CONNECT on an authenticated connection', async () => {
    h = await startHarness();
    const socket = await h.rawSocket();
    socket.write(connectPacket(A));
    await waitFor(() => h.broker.isConnected(A));
    socket.write(connectPacket(A));
    await closed(socket);
    expect(h.lines.find((l) => l.msg === 'connection closed by frame guard')?.reason).toBe(
      'second CONNECT on one connection',
    );
  });
});
