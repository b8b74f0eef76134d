import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotifyOutbox } from '../../../src/notify/notify-outbox.js';
import { openOutboxStore, transition, until, type OutboxStore } from './outbox-harness.js';
import { startReceiver, transitionsOf, type Receiver } from './receiver.js';

/** Retries in milliseconds, so a real-timer test of minutes of logic takes a moment. */
const FAST = { retry: { baseMs: 20, maxMs: 100 } };

describe('the outbox across restarts', () => {
  let store: OutboxStore;
  let receiver: Receiver;
  let outboxes: NotifyOutbox[];

  beforeEach(async () => {
    store = openOutboxStore();
    receiver = await startReceiver();
    outboxes = [];
  });

  afterEach(async () => {
    for (const outbox of outboxes) await outbox.stop();
    await receiver.close();
    store.close();
  });

  const started = (options = {}) => {
    const outbox = store.outbox({ ...FAST, ...options });
    outboxes.push(outbox);
    outbox.start();
    return outbox;
  };
  const delivered = () =>
    receiver.received
      .filter((request) => request.answer === 200)
      .flatMap((request) => transitionsOf(request).map((transition) => transition.id));

  it('delivers after a restart what was still queued when the fleet stopped (SQLite file reopened)', async () => {
    receiver.respond(() => ({ status: 503 }));
    const before = started();
    await store.addChannel(before, {
      kind: 'webhook',
      name: 'Ops',
      url: `${receiver.url}/hook`,
      secret: 'x'.repeat(20),
    });
    for (const n of [1, 2, 3]) await store.enqueue(before, transition(n));
    await until(() => receiver.received.length >= 2, 'a few failed attempts');
    await before.stop();
    expect((await before.outbox.queuedCounts()).values().next().value).toBe(3);

    store.reopen();
    receiver.respond(() => ({ status: 200 }));
    started();
    await until(() => delivered().length === 3, 'the queued alerts after the restart');
    expect(delivered()).toEqual(['tr-1', 'tr-2', 'tr-3']);
  });

  it('never queues one transition twice for a channel, before or after it was delivered', async () => {
    const outbox = started();
    await store.addChannel(outbox, {
      kind: 'webhook',
      name: 'Ops',
      url: `${receiver.url}/hook`,
      secret: 'x'.repeat(20),
    });
    await store.enqueue(outbox, transition(1));
    await store.enqueue(outbox, transition(1));
    expect(await outbox.outbox.deliveriesOf('al-1')).toHaveLength(1);
    await until(() => delivered().length === 1, 'the first delivery');
    await store.enqueue(outbox, transition(1));
    await store.enqueue(outbox, transition(2));
    await until(() => delivered().length === 2, 'the second transition');
    expect(delivered()).toEqual(['tr-1', 'tr-2']);
    expect(await outbox.outbox.deliveriesOf('al-1')).toMatchObject([
      { transitionId: 'tr-1', state: 'delivered' },
    ]);
  });

  it('re-sends a send cut short by a stop with the same delivery id, so the receiver can drop the repeat', async () => {
    // The receiver takes the request but the fleet stops before the answer: the row stays queued.
    receiver.respond((_request, index) => (index === 0 ? 'hold' : { status: 200 }));
    const cut = started();
    await store.addChannel(cut, {
      kind: 'webhook',
      name: 'Ops',
      url: `${receiver.url}/hook`,
      secret: 'x'.repeat(20),
    });
    await store.enqueue(cut, transition(1));
    await until(() => receiver.received.length === 1, 'the first send');
    await cut.stop();
    expect(await cut.outbox.deliveriesOf('al-1')).toMatchObject([
      { state: 'queued', lastError: 'cut short: the fleet manager stopped' },
    ]);

    store.reopen();
    started();
    await until(() => receiver.received.length === 2, 'the re-send');
    const [first, second] = receiver.received;
    expect(second?.headers['x-gatecast-delivery']).toBe(first?.headers['x-gatecast-delivery']);
    expect([first?.answer, second?.answer]).toEqual(['held', 200]);
  });
});
