import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransitionKind } from '../../../src/alerts/alert-types.js';
import { manualClock, openOutboxStore, transition, type OutboxStore } from './outbox-harness.js';
import { jsonOf, startReceiver, type Receiver } from './receiver.js';

const MINUTE = 60_000;
const KINDS: TransitionKind[] = ['firing', 'escalated', 'resolved'];

describe('a webhook down for 10 minutes, then back', () => {
  let store: OutboxStore;
  let receiver: Receiver;

  beforeEach(async () => {
    store = openOutboxStore();
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await receiver.close();
    store.close();
  });

  it('delivers every alert, once and in order, while a healthy channel is not held up', async () => {
    const clock = manualClock();
    const start = clock.now().getTime();
    const outageEnds = start + 10 * MINUTE;
    // Sent by hand on a clock the test moves: ten simulated minutes, no real waiting.
    const outbox = store.outbox({ now: clock.now, autoRun: false });
    await store.addChannel(outbox, {
      kind: 'webhook',
      name: 'Ops',
      url: `${receiver.url}/hook`,
      secret: 'x'.repeat(24),
    });
    await store.addChannel(outbox, { kind: 'slack', name: 'Duty', url: `${receiver.url}/slack` });
    let hookCalls = 0;
    receiver.respond((request) => {
      if (request.path !== '/hook' || clock.now().getTime() >= outageEnds) return { status: 200 };
      hookCalls++;
      // Down: mostly 503, every third connection cut, now and then a 429 asking for 30 s.
      if (hookCalls % 3 === 0) return 'drop';
      if (hookCalls % 7 === 0) return { status: 429, headers: { 'retry-after': '30' } };
      return { status: 503 };
    });

    const enqueued: string[] = [];
    for (let step = 0; clock.now().getTime() < start + 12 * MINUTE; step++) {
      if (step % 4 === 0) {
        const n = enqueued.length;
        const next = transition(n, { kind: KINDS[n % 3], alertId: `al-${Math.floor(n / 3)}` });
        await store.enqueue(outbox, next);
        enqueued.push(next.id);
      }
      await outbox.runDue();
      clock.advance(15_000);
    }
    for (let rounds = 0; rounds < 100; rounds++) {
      const due = await outbox.nextDueAt();
      if (!due) break;
      if (due > clock.now()) clock.set(due);
      await outbox.runDue();
    }

    const okAt = (path: string) =>
      receiver.received.filter((request) => request.path === path && request.answer === 200).map(jsonOf);
    const hookDelivered = okAt('/hook').flatMap((body) =>
      body.deliveries.map((delivery: { transition: { id: string } }) => delivery.transition.id),
    );
    expect(enqueued.length).toBe(12);
    expect(hookDelivered).toEqual(enqueued);
    const slackDelivered = okAt('/slack').map((body) => body.attachments[0].fallback as string);
    expect(slackDelivered).toHaveLength(12);
    // The healthy channel had every alert on its first try, during the other's outage.
    expect(receiver.received.filter((request) => request.path === '/slack')).toHaveLength(12);

    const failures = receiver.received.filter(
      (request) => request.path === '/hook' && request.answer !== 200,
    );
    expect(failures.some((request) => request.answer === 'dropped')).toBe(true);
    expect(failures.some((request) => request.answer === 503)).toBe(true);
    expect(failures.some((request) => request.answer === 429)).toBe(true);
    // Every attempt of one row carried the same delivery id, so a receiver can tell a retry.
    const firstId = receiver.received.find((request) => request.path === '/hook')?.headers[
      'x-gatecast-delivery'
    ];
    const firstAttempts = receiver.received.filter(
      (request) => request.headers['x-gatecast-delivery'] === firstId,
    );
    expect(firstAttempts.length).toBeGreaterThan(3);
    expect(firstAttempts.at(-1)?.answer).toBe(200);
    expect((await outbox.outbox.queuedCounts()).size).toBe(0);
    const [first] = await outbox.outbox.deliveriesOf('al-0');
    expect(first).toMatchObject({ state: 'delivered', lastStatus: 200, lastError: null });
  });

  it('fails a row the channel keeps refusing (404), shows why, and moves on to the next', async () => {
    const clock = manualClock();
    const outbox = store.outbox({ now: clock.now, autoRun: false });
    await store.addChannel(outbox, { kind: 'slack', name: 'Gone', url: `${receiver.url}/removed-hook` });
    receiver.respond((_request, index) => (index < 3 ? { status: 404 } : { status: 200 }));
    await store.enqueue(outbox, transition(1));
    // Later than the gathering window: a message of its own, not in the refused one.
    clock.advance(5_000);
    await store.enqueue(outbox, transition(2));
    for (let rounds = 0; rounds < 10 && (await outbox.nextDueAt()); rounds++) {
      clock.set((await outbox.nextDueAt()) as Date);
      await outbox.runDue();
    }
    expect(await outbox.outbox.deliveriesOf('al-1')).toMatchObject([
      {
        state: 'failed',
        attempts: 3,
        lastStatus: 404,
        lastError: 'HTTP 404: {"ok":false,"description":"unavailable"}',
      },
    ]);
    expect(await outbox.outbox.deliveriesOf('al-2')).toMatchObject([{ state: 'delivered', attempts: 1 }]);
    expect((await outbox.channels.list())[0]?.lastAttempt).toMatchObject({ ok: true, status: 200 });
  });
});
