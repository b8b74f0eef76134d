import type net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordFigure, sized } from '../../support/figures.js';
import { rawSocket, startBrokerProcess, type BrokerProcess } from '../../support/broker-robustness.js';
import { DEFAULT_LIMITS } from '../../../fleet/src/broker/limits.js';

// F4: slowloris. Sockets that never complete a CONNECT: silent ones, ones that stop half-way
// through the fixed header, and ones that drip a CONNECT body a byte at a time. Each must be
// closed by the frame guard's connect timer, not earlier and not much later.

const SOCKETS = 1_000;
/** Short form: a 3 s connect timeout; full form: the fleet's default (10 s). */
const CONNECT_TIMEOUT_MS = sized(3_000, DEFAULT_LIMITS.connectTimeoutMs);
/** A timer on a loaded 2-core machine fires late; a close later than this is not the timer's. */
const LATE_MS = 2_000;
const DRIP_MS = 500;
const KINDS = ['silent', 'half a header', 'dripping a body'] as const;

let broker: BrokerProcess;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  broker = await startBrokerProcess({ devices: [], limits: { connectTimeoutMs: CONNECT_TIMEOUT_MS } });
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await broker?.close();
});

/** Opens one attacker socket; then resolves with how long after opening the broker closed it. */
async function attacker(kind: (typeof KINDS)[number]): Promise<{ closed: Promise<number> }> {
  const socket = await rawSocket(broker.port);
  sockets.push(socket);
  const opened = performance.now();
  socket.on('error', () => undefined);
  socket.resume();
  let drip: NodeJS.Timeout | undefined;
  if (kind === 'half a header') socket.write(Buffer.from([0x10]));
  if (kind === 'dripping a body') {
    // A CONNECT declaring 200 body bytes (well under the pre-auth limit), sent one byte at a time.
    socket.write(Buffer.from([0x10, 200]));
    drip = setInterval(() => socket.write(Buffer.from([0x00])), DRIP_MS);
  }
  const closed = new Promise<number>((resolve) => {
    const limit = setTimeout(() => resolve(Number.POSITIVE_INFINITY), CONNECT_TIMEOUT_MS + LATE_MS * 5);
    socket.once('close', () => {
      clearTimeout(limit);
      resolve(performance.now() - opened);
    });
  });
  return {
    closed: closed.then((ms) => {
      clearInterval(drip);
      socket.destroy();
      return ms;
    }),
  };
}

it('F4: sockets that never CONNECT are all closed by the connect timeout', async () => {
  const closings: Array<Promise<number>> = [];
  // Opened 50 at a time (the listen backlog is finite), each batch once the last is accepted.
  for (let index = 0; index < SOCKETS; index += 50) {
    const batch = Array.from({ length: Math.min(50, SOCKETS - index) }, (_, offset) =>
      attacker(KINDS[(index + offset) % KINDS.length] as (typeof KINDS)[number]),
    );
    for (const { closed } of await Promise.all(batch)) closings.push(closed);
  }
  const times = await Promise.all(closings);
  const report = await broker.report();
  const reason = `guard: no accepted CONNECT within ${CONNECT_TIMEOUT_MS} ms`;
  const byTimer = report.logCounts[reason] ?? 0;
  const inWindow = times.filter((ms) => ms >= CONNECT_TIMEOUT_MS - 50 && ms <= CONNECT_TIMEOUT_MS + LATE_MS);
  const early = times.filter((ms) => ms < CONNECT_TIMEOUT_MS - 50).length;
  const open = times.filter((ms) => !Number.isFinite(ms)).length;
  const finite = times.filter((ms) => Number.isFinite(ms));
  const closedByTimeout = Math.min(inWindow.length, byTimer);
  recordFigure({
    id: 'F4',
    figure:
      `closed by the connect timeout ${closedByTimeout}/${SOCKETS} ` +
      `(guard timer closures ${byTimer}; closed ${(Math.min(...finite) / 1000).toFixed(2)}–` +
      `${(Math.max(...finite) / 1000).toFixed(2)} s after opening, timeout ${CONNECT_TIMEOUT_MS / 1000} s; ` +
      `early ${early}, never closed ${open}; kinds: ${KINDS.join(', ')})`,
    pass: `${SOCKETS}/${SOCKETS}`,
    passed: closedByTimeout === SOCKETS,
    size: `${SOCKETS} sockets, ${CONNECT_TIMEOUT_MS / 1000} s connect timeout`,
  });
  expect(inWindow).toHaveLength(SOCKETS);
  expect(byTimer).toBe(SOCKETS);
});
