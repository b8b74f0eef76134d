import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { commandRequestSchema, deviceTopic, parseMessage, type CommandRequest } from '@gatecast/protocol';
import { createCommandHandlers } from '../../src/commands/command-handlers.js';
import { createCommandRouter } from '../../src/commands/command-router.js';
import { DeferredTasks } from '../../src/commands/deferred-tasks.js';
import type { Indicator } from '../../src/commands/indicator.js';
import { FakeDisplayPower, FakeRebooter } from '../../src/hardware/fake-hardware.js';

const log = pino({ level: 'silent' });
const now = new Date('2026-11-26T08:00:00.000Z');
const clock = { now: () => now };
const topic = deviceTopic('cat-bi-arr-01', 'cmd/req');

function handlersWith(indicator: Indicator) {
  return createCommandHandlers({
    agentVersion: '1.2.3',
    clock,
    indicator,
    appliedVersion: () => 7,
    uptimeSec: () => 42,
    player: null,
    uploader: null,
    rebooter: new FakeRebooter(),
    display: new FakeDisplayPower(),
    deferred: new DeferredTasks(() => {}),
  });
}

function setup() {
  const identified: Array<{ durationSec: number; until: string }> = [];
  const handlers = handlersWith({
    async identify(durationSec, until) {
      identified.push({ durationSec, until: until.toISOString() });
    },
  });
  return { identified, router: createCommandRouter({ handlers, clock, log, cacheSize: 3 }) };
}

function request(input: Record<string, unknown>): CommandRequest {
  return commandRequestSchema.parse({ issuedAt: now.toISOString(), ...input });
}

describe('command router', () => {
  it('answers ping with version, uptime and applied version, under the request id', async () => {
    const { router } = setup();
    const result = await router.handle(request({ id: 'ping-0001', name: 'ping' }));
    expect(result).toEqual({
      id: 'ping-0001',
      name: 'ping',
      at: now.toISOString(),
      ok: true,
      result: { agentVersion: '1.2.3', uptimeSec: 42, appliedVersion: 7 },
    });
  });

  it('runs identify through the indicator and answers until when', async () => {
    const { router, identified } = setup();
    const result = await router.handle(
      request({ id: 'ident-0001', name: 'identify', args: { durationSec: 20 } }),
    );
    expect(result).toMatchObject({
      id: 'ident-0001',
      ok: true,
      result: { until: '2026-11-26T08:00:20.000Z' },
    });
    expect(identified).toEqual([{ durationSec: 20, until: '2026-11-26T08:00:20.000Z' }]);
  });

  it('keeps results apart by correlation id', async () => {
    const { router } = setup();
    const [a, b] = await Promise.all([
      router.handle(request({ id: 'corr-aaaa', name: 'ping' })),
      router.handle(request({ id: 'corr-bbbb', name: 'identify' })),
    ]);
    expect([a.id, a.name, b.id, b.name]).toEqual(['corr-aaaa', 'ping', 'corr-bbbb', 'identify']);
  });

  it('does not run an expired request and answers COMMAND_EXPIRED', async () => {
    const { router, identified } = setup();
    const result = await router.handle(
      request({ id: 'late-0001', name: 'identify', expiresAt: '2026-11-26T07:59:59.000Z' }),
    );
    expect(result).toMatchObject({ id: 'late-0001', ok: false, problem: { code: 'COMMAND_EXPIRED' } });
    expect(identified).toEqual([]);
  });

  it('runs a request whose expiry is still ahead', async () => {
    const { router, identified } = setup();
    await router.handle(
      request({ id: 'soon-0001', name: 'identify', expiresAt: '2026-11-26T08:00:01.000Z' }),
    );
    expect(identified).toHaveLength(1);
  });

  it('runs a repeated correlation id once and resends the first result', async () => {
    const { router, identified } = setup();
    const first = await router.handle(request({ id: 'dup-00001', name: 'identify' }));
    const again = await router.handle(request({ id: 'dup-00001', name: 'identify' }));
    expect(identified).toHaveLength(1);
    expect(again).toEqual(first);
  });

  it('runs a repeat once even when it arrives while the first is still running', async () => {
    const { router, identified } = setup();
    const same = request({ id: 'dup-00002', name: 'identify' });
    const [a, b] = await Promise.all([router.handle(same), router.handle(same)]);
    expect(identified).toHaveLength(1);
    expect(b).toEqual(a);
  });

  it('forgets the oldest ids beyond its capacity', async () => {
    const { router, identified } = setup();
    for (const id of ['cap-00001', 'cap-00002', 'cap-00003', 'cap-00004']) {
      await router.handle(request({ id, name: 'identify' }));
    }
    await router.handle(request({ id: 'cap-00001', name: 'identify' }));
    await router.handle(request({ id: 'cap-00004', name: 'identify' }));
    expect(identified).toHaveLength(5);
  });

  it('answers COMMAND_FAILED when the handler throws', async () => {
    const handlers = handlersWith({
      identify: async () => {
        throw new Error('no display attached');
      },
    });
    const router = createCommandRouter({ handlers, clock, log });
    const result = await router.handle(request({ id: 'fail-0001', name: 'identify' }));
    expect(result).toMatchObject({
      ok: false,
      problem: { code: 'COMMAND_FAILED', message: 'no display attached' },
    });
  });

  describe('requests that fail the schema', () => {
    function answer(body: unknown) {
      const { router } = setup();
      const raw = JSON.stringify(body);
      const parsed = parseMessage(topic, raw);
      if (parsed.ok) throw new Error('expected a rejected message');
      return router.answerRejected(parsed, raw);
    }

    it('answers UNKNOWN_COMMAND for a name the device does not know', () => {
      const result = answer({ id: 'unk-00001', name: 'self-destruct', issuedAt: now.toISOString() });
      expect(result).toMatchObject({
        id: 'unk-00001',
        name: 'self-destruct',
        ok: false,
        problem: { code: 'UNKNOWN_COMMAND' },
      });
    });

    it('answers INVALID_PAYLOAD naming the field for a known command with bad arguments', () => {
      const result = answer({
        id: 'bad-00001',
        name: 'identify',
        issuedAt: now.toISOString(),
        args: { durationSec: 0 },
      });
      expect(result).toMatchObject({ id: 'bad-00001', ok: false, problem: { code: 'INVALID_PAYLOAD' } });
      expect(result?.ok === false && result.problem.message).toContain('args.durationSec');
    });

    it('drops a request without a usable correlation id', () => {
      expect(answer({ name: 'ping', issuedAt: now.toISOString() })).toBeNull();
      expect(answer({ id: 'short', name: 'ping', issuedAt: now.toISOString() })).toBeNull();
      expect(answer({ id: 'bad id with spaces', name: 'nope' })).toBeNull();
      expect(answer(['ping'])).toBeNull();
    });

    it('drops a payload that is not JSON', () => {
      const { router } = setup();
      const parsed = parseMessage(topic, '{"id":"json-00001",');
      if (parsed.ok) throw new Error('expected a rejected message');
      expect(router.answerRejected(parsed, '{"id":"json-00001",')).toBeNull();
    });
  });
});
