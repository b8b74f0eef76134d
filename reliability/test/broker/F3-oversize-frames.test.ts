import type net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordFigure } from '../../support/figures.js';
import { connectPacket } from '../../../fleet/test/integration/broker/helpers.js';
import {
  MB,
  deviceIds,
  fixedHeader,
  mb,
  rawSocket,
  startBrokerProcess,
  startCanary,
  type BrokerProcess,
  type Canary,
} from '../../support/broker-robustness.js';
import { DEFAULT_LIMITS } from '../../../fleet/src/broker/limits.js';

// F3: frames that claim far more than the frame guard's limits, with their bodies streamed after
// the header as fast as the socket takes them. The broker process counts what each connection
// passed on to Aedes' parser; its RSS is sampled every 10 ms through the attack.

const PRE_AUTH = 50;
const POST_AUTH = 10;
const CLAIM_PRE = 250 * MB;
const CLAIM_POST = 50 * MB;
const RSS_LIMIT = 30 * MB;
/** A sender stops after this even if the socket stayed open (it would then fail the row). */
const SEND_LIMIT_MS = 10_000;
const CANARY = 'gate-f3-canary';
const PUBLISHERS = deviceIds('gate-f3-publisher', POST_AUTH);
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

let broker: BrokerProcess;
let canary: Canary;

beforeAll(async () => {
  broker = await startBrokerProcess({ devices: [CANARY, ...PUBLISHERS] });
  canary = await startCanary(broker, CANARY);
});

afterAll(async () => {
  await canary?.close();
  await broker?.close();
});

/** Writes `header` then body chunks until the broker closes the socket; the bytes it took. */
async function floodUntilClosed(socket: net.Socket, header: Buffer, claimed: number): Promise<number> {
  let open = true;
  let drained: (() => void) | null = null;
  socket.on('error', () => undefined);
  socket.once('close', () => {
    open = false;
    drained?.();
  });
  socket.on('drain', () => drained?.());
  socket.resume();
  const deadline = Date.now() + SEND_LIMIT_MS;
  let sent = 0;
  socket.write(header);
  while (open && sent < claimed && Date.now() < deadline) {
    sent += CHUNK.length;
    if (!socket.write(CHUNK)) await new Promise<void>((resolve) => (drained = resolve));
  }
  const taken = socket.bytesWritten;
  socket.destroy();
  return open ? Number.POSITIVE_INFINITY : taken;
}

/** A raw connection that has authenticated (its CONNACK read) as `deviceId`. */
async function authenticated(deviceId: string): Promise<net.Socket> {
  const socket = await rawSocket(broker.port);
  // The CONNACK may arrive in pieces: read its four bytes.
  const connack = new Promise<Buffer>((resolve) => {
    let bytes = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      bytes = Buffer.concat([bytes, chunk]);
      if (bytes.length < 4) return;
      socket.off('data', onData);
      resolve(bytes);
    };
    socket.on('data', onData);
  });
  socket.write(connectPacket(deviceId));
  const reply = await connack;
  if (reply[0] !== 0x20 || reply[3] !== 0)
    throw new Error(`${deviceId} was refused: ${reply.toString('hex')}`);
  return socket;
}

it('F3: oversize frames are closed at their header, and the broker buffers nothing of them', async () => {
  const baseline = await broker.memory();
  await broker.call('rssWatchStart');
  await broker.call('resetGuardBytes');
  const preTaken = await Promise.all(
    Array.from({ length: PRE_AUTH }, async () =>
      floodUntilClosed(await rawSocket(broker.port), fixedHeader(0x10, CLAIM_PRE), CLAIM_PRE),
    ),
  );
  const pre = (await broker.report()).guardBytes;
  await broker.call('resetGuardBytes');
  const postSockets = await Promise.all(PUBLISHERS.map(authenticated));
  const postTaken = await Promise.all(
    postSockets.map((socket) => floodUntilClosed(socket, fixedHeader(0x30, CLAIM_POST), CLAIM_POST)),
  );
  const { peak } = await broker.call<{ peak: number }>('rssWatchStop');
  const report = await broker.report();
  const post = report.guardBytes;
  const guardClosures = Object.entries(report.logCounts)
    .filter(([key]) => key.startsWith('guard: frame declares'))
    .reduce((sum, [, count]) => sum + count, 0);
  const alive = broker.exit === null && (await canary.roundTrip());
  const delta = peak - baseline.rss;
  const stillOpen = [...preTaken, ...postTaken].filter((taken) => !Number.isFinite(taken)).length;
  const sentMax = Math.max(...preTaken, ...postTaken);
  const preLimit = DEFAULT_LIMITS.maxConnectBytes;
  const postLimit = DEFAULT_LIMITS.maxPacketBytes;
  const passed =
    stillOpen === 0 &&
    pre.passedMax <= preLimit &&
    post.passedMax <= postLimit &&
    delta <= RSS_LIMIT &&
    alive;
  recordFigure({
    id: 'F3',
    figure:
      `bytes passed to the MQTT parser before close: most ${pre.passedMax} per pre-auth connection ` +
      `(limit ${preLimit}), most ${post.passedMax} per authenticated one (limit ${postLimit}, its CONNECT included); ` +
      `closed at the header ${guardClosures}/${PRE_AUTH + POST_AUTH}, left open ${stillOpen}; ` +
      `broker RSS delta ${mb(delta)} (peak ${mb(peak)} over ${mb(baseline.rss)}); ` +
      `most bytes a sender got out ${sentMax}, read by the broker ${Math.max(pre.readMax, post.readMax)}; ` +
      `broker alive ${alive ? 'yes' : 'no'}`,
    pass: '≤ the limit; ≤ 30 MB',
    passed,
    size: `${PRE_AUTH} × ${CLAIM_PRE / MB} MB pre-auth, ${POST_AUTH} × ${CLAIM_POST / MB} MB authenticated`,
  });
  expect(stillOpen).toBe(0);
  expect(pre.passedMax).toBeLessThanOrEqual(preLimit);
  expect(post.passedMax).toBeLessThanOrEqual(postLimit);
  expect(delta).toBeLessThanOrEqual(RSS_LIMIT);
  expect(alive).toBe(true);
});
