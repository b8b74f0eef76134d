import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClockOffsetProbe, offsetFromDateHeader } from '../../../src/health/clock-offset.js';

describe('offsetFromDateHeader', () => {
  const sentAt = new Date('2026-11-26T08:00:00.000Z');

  it('compares the middle of the fleet second with the middle of the round trip', () => {
    // The fleet said 08:00:00 (so 08:00:00.500 ± 0.5 s) while the device was at 08:00:00.100.
    expect(offsetFromDateHeader('Thu, 26 Nov 2026 08:00:00 GMT', sentAt, 200)).toBe(-400);
    // A device 90 s behind: negative.
    expect(offsetFromDateHeader('Thu, 26 Nov 2026 08:01:30 GMT', sentAt, 0)).toBe(-90_500);
  });

  it('is unknown without a date, with a bad one, or over a round trip too slow to tell', () => {
    expect(offsetFromDateHeader(null, sentAt, 10)).toBeNull();
    expect(offsetFromDateHeader('yesterday', sentAt, 10)).toBeNull();
    expect(offsetFromDateHeader('Thu, 26 Nov 2026 08:00:00 GMT', sentAt, 5_000)).toBeNull();
  });
});

describe('the clock offset probe against a real HTTP server', () => {
  let server: Server | null = null;
  const paths: string[] = [];
  afterEach(() => stop());

  async function stop(): Promise<void> {
    const running = server;
    server = null;
    if (!running) return;
    running.closeAllConnections();
    await new Promise((resolve) => running.close(resolve));
  }

  async function fleet(): Promise<string> {
    server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it('measures a device clock that runs a minute ahead, within the header resolution', async () => {
    const fleetUrl = await fleet();
    const ahead = { now: () => new Date(Date.now() + 60_000) };
    const offset = await createClockOffsetProbe({ fleetUrl, clock: ahead }).read();
    expect(offset).not.toBeNull();
    expect(Math.abs((offset ?? 0) - 60_000)).toBeLessThanOrEqual(1_000);
    expect(paths).toContain('/healthz');
  });

  it('is unknown without a fleet address or with the fleet unreachable', async () => {
    const clock = { now: () => new Date() };
    expect(await createClockOffsetProbe({ fleetUrl: undefined, clock }).read()).toBeNull();
    const fleetUrl = await fleet();
    await stop();
    expect(await createClockOffsetProbe({ fleetUrl, clock }).read()).toBeNull();
  });
});
