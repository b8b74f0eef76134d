import {
  GatecastError,
  commandRequestSchema,
  type CommandRequest,
  type CommandResult,
} from '@gatecast/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Broker } from '../../../src/broker/broker.js';
import { CommandClient } from '../../../src/commands/command-client.js';

type Sent = { deviceId: string; request: CommandRequest };

/** The two broker calls the client uses; publishes are recorded, validated like the real broker does. */
class FakeBroker implements Pick<Broker, 'publishToDevice' | 'isConnected'> {
  readonly connected = new Set<string>(['cat-bi-arr-01', 'cat-bi-arr-02']);
  readonly sent: Sent[] = [];
  failNext: Error | null = null;

  async publishToDevice(deviceId: string, kind: 'desired' | 'cmd/req', payload: unknown): Promise<void> {
    if (this.failNext) throw this.failNext;
    expect(kind).toBe('cmd/req');
    this.sent.push({ deviceId, request: commandRequestSchema.parse(payload) });
  }

  isConnected(deviceId: string): boolean {
    return this.connected.has(deviceId);
  }
}

const NOW = new Date('2026-11-26T08:00:00.000Z');

function answer(request: CommandRequest, ok = true): CommandResult {
  return ok
    ? { id: request.id, name: request.name, at: NOW.toISOString(), ok: true, result: { pong: true } }
    : {
        id: request.id,
        name: request.name,
        at: NOW.toISOString(),
        ok: false,
        problem: { code: 'COMMAND_FAILED', message: 'no screen' },
      };
}

async function rejection(promise: Promise<unknown>): Promise<GatecastError> {
  const error = await promise.then(
    () => new Error('resolved'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GatecastError);
  return error as GatecastError;
}

describe('CommandClient', () => {
  let broker: FakeBroker;
  let client: CommandClient;

  beforeEach(() => {
    vi.useFakeTimers();
    broker = new FakeBroker();
    client = new CommandClient({ broker, log: pino({ level: 'silent' }), now: () => NOW });
  });
  afterEach(() => {
    client.stop();
    vi.useRealTimers();
  });

  it('sends a valid cmd/req with a fresh correlation id and an expiry of now + timeout', async () => {
    // Left unanswered: afterEach's stop() rejects them.
    void client.send('cat-bi-arr-01', 'identify', { durationSec: 20 }, 5_000).catch(() => undefined);
    void client.send('cat-bi-arr-01', 'ping', {}, 5_000).catch(() => undefined);
    expect(broker.sent).toHaveLength(2);
    const [identify, ping] = broker.sent;
    expect(identify).toMatchObject({
      deviceId: 'cat-bi-arr-01',
      request: {
        name: 'identify',
        args: { durationSec: 20 },
        issuedAt: NOW.toISOString(),
        expiresAt: '2026-11-26T08:00:05.000Z',
      },
    });
    expect(identify?.request.id).not.toBe(ping?.request.id);
  });

  it('resolves with the result that carries its correlation id, ok or not', async () => {
    const first = client.send('cat-bi-arr-01', 'ping', {}, 5_000);
    const second = client.send('cat-bi-arr-01', 'ping', {}, 5_000);
    expect(broker.sent).toHaveLength(2);
    const [a, b] = broker.sent;
    client.handleResult('cat-bi-arr-01', answer(b!.request, false));
    client.handleResult('cat-bi-arr-01', answer(a!.request));
    await expect(first).resolves.toMatchObject({ id: a!.request.id, ok: true, result: { pong: true } });
    await expect(second).resolves.toMatchObject({
      id: b!.request.id,
      ok: false,
      problem: { code: 'COMMAND_FAILED' },
    });
    expect(client.pendingCount()).toBe(0);
  });

  it('rejects COMMAND_TIMEOUT when no answer comes, and ignores a late answer', async () => {
    const pending = client.send('cat-bi-arr-01', 'ping', {}, 5_000);
    const failed = rejection(pending);
    expect(broker.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(client.pendingCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await failed).code).toBe('COMMAND_TIMEOUT');
    expect(client.pendingCount()).toBe(0);
    expect(() => client.handleResult('cat-bi-arr-01', answer(broker.sent[0]!.request))).not.toThrow();
  });

  it('rejects DEVICE_OFFLINE at once for a device that is not connected, sending nothing', async () => {
    expect((await rejection(client.send('port-term-01', 'ping', {}, 5_000))).code).toBe('DEVICE_OFFLINE');
    expect(broker.sent).toEqual([]);
    expect(client.pendingCount()).toBe(0);
  });

  it('ignores an answer with the right id from another device, and answers to unknown ids', async () => {
    const pending = client.send('cat-bi-arr-01', 'ping', {}, 5_000);
    expect(broker.sent).toHaveLength(1);
    const request = broker.sent[0]!.request;
    client.handleResult('cat-bi-arr-02', answer(request));
    client.handleResult('cat-bi-arr-01', answer({ ...request, id: 'unknown-correlation-id' }));
    expect(client.pendingCount()).toBe(1);
    client.handleResult('cat-bi-arr-01', answer(request));
    await expect(pending).resolves.toMatchObject({ ok: true });
  });

  it('rejects BAD_REQUEST for arguments or timeouts the protocol does not allow', async () => {
    expect(
      (await rejection(client.send('cat-bi-arr-01', 'identify', { durationSec: 9_999 }, 5_000))).code,
    ).toBe('BAD_REQUEST');
    expect((await rejection(client.send('cat-bi-arr-01', 'ping', {}, 0))).code).toBe('BAD_REQUEST');
    expect((await rejection(client.send('cat-bi-arr-01', 'ping', {}, 1.5))).code).toBe('BAD_REQUEST');
    expect(broker.sent).toEqual([]);
  });

  it('rejects UNAVAILABLE and forgets the command when publishing fails', async () => {
    broker.failNext = new Error('broker not running');
    const error = await rejection(client.send('cat-bi-arr-01', 'ping', {}, 5_000));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toContain('broker not running');
    expect(client.pendingCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses new commands past maxPending with RATE_LIMITED', async () => {
    const small = new CommandClient({ broker, log: pino({ level: 'silent' }), maxPending: 1 });
    const first = small.send('cat-bi-arr-01', 'ping', {}, 5_000);
    expect((await rejection(small.send('cat-bi-arr-01', 'ping', {}, 5_000))).code).toBe('RATE_LIMITED');
    small.stop();
    expect((await rejection(first)).code).toBe('UNAVAILABLE');
  });

  it('stop rejects every pending command, clears its timers and refuses new ones', async () => {
    const a = rejection(client.send('cat-bi-arr-01', 'ping', {}, 5_000));
    const b = rejection(client.send('cat-bi-arr-02', 'ping', {}, 60_000));
    expect(broker.sent).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(2);
    client.stop();
    expect((await a).code).toBe('UNAVAILABLE');
    expect((await b).code).toBe('UNAVAILABLE');
    expect(vi.getTimerCount()).toBe(0);
    expect((await rejection(client.send('cat-bi-arr-01', 'ping', {}, 5_000))).code).toBe('UNAVAILABLE');
  });
});
