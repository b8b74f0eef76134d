import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '@gatecast/protocol';
import type { DurableEventQueue } from '../../../src/events/durable-queue.js';
import { eventually, tempDir } from '../helpers/fixtures.js';
import { openQueue, playEvent, queueFiles, queued, recordingPublisher, settles } from './queue-helpers.js';

describe('DurableEventQueue on a real disk', () => {
  let root: Awaited<ReturnType<typeof tempDir>>;
  let dir: string;
  const open: DurableEventQueue[] = [];

  beforeEach(async () => {
    root = await tempDir('event-queue');
    dir = join(root.path, 'data', 'events');
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((queue) => queue.stop()));
    await root.remove();
  });

  async function start(options: Parameters<typeof openQueue>[1] = {}): Promise<DurableEventQueue> {
    const queue = openQueue(dir, options);
    open.push(queue);
    await queue.start();
    return queue;
  }

  async function restart(queue: DurableEventQueue, options: Parameters<typeof openQueue>[1] = {}) {
    await queue.stop();
    open.splice(open.indexOf(queue), 1);
    return start(options);
  }

  it('creates a missing directory and keeps appended events on disk across a restart', async () => {
    let queue = await start();
    const events = [playEvent(), playEvent(), playEvent()];
    expect(await Promise.all(events.map((event) => queue.append(queued(event))))).toEqual([true, true, true]);
    expect(await queueFiles(dir)).toEqual(['000000000001.events']);

    queue = await restart(queue);
    expect(queue.pending).toBe(3);
    const publisher = recordingPublisher();
    queue.resume(publisher.publish);
    await eventually(() => expect(queue.pending).toBe(0));
    expect(publisher.sent.map((event) => event.id)).toEqual(events.map((event) => event.id));
  });

  it('forgets an event only once it is acknowledged, and deletes finished segments', async () => {
    let queue = await start({ segmentEvents: 2 });
    const events = [playEvent(), playEvent(), playEvent()];
    for (const event of events) await queue.append(queued(event));
    const acked: string[] = [];
    // The first is acknowledged, the others never are.
    queue.resume(async (payload) => {
      const { id } = JSON.parse(payload) as DeviceEvent;
      if (id !== events[0]?.id) return new Promise(() => undefined);
      acked.push(id);
    });
    await eventually(() => expect(queue.pending).toBe(2));
    queue.pause();
    queue = await restart(queue, { segmentEvents: 2 });
    expect(queue.pending).toBe(2);
    const publisher = recordingPublisher();
    queue.resume(publisher.publish);
    await eventually(() => expect(queue.pending).toBe(0));
    expect(publisher.sent.map((event) => event.id)).toEqual([events[1]?.id, events[2]?.id]);
    // Both segments were closed by the restart and are finished: nothing is left.
    await settles(async () => expect(await queueFiles(dir)).toEqual([]));
  });

  it('skips a torn last line and an empty segment with a log line, and keeps the rest', async () => {
    await mkdir(dir, { recursive: true });
    const [first, second, third] = [playEvent(), playEvent(), playEvent()];
    const whole = `${queued(first).payload}\n${queued(second).payload}\n`;
    await writeFile(join(dir, '000000000001.events'), whole + queued(third).payload.slice(0, 30));
    await writeFile(join(dir, '000000000002.events'), '');
    const queue = await start();
    expect(queue.pending).toBe(2);
    // The empty segment is gone; new events go to a new segment, never after the torn line.
    await queue.append(queued(playEvent()));
    expect(await queueFiles(dir)).toEqual(['000000000001.events', '000000000003.events']);
    const publisher = recordingPublisher();
    queue.resume(publisher.publish);
    await eventually(() => expect(queue.pending).toBe(0));
    expect(publisher.sent.slice(0, 2).map((event) => event.id)).toEqual([first.id, second.id]);
  });

  it('sends at most `window` unacknowledged events at a time, oldest first', async () => {
    const queue = await start({ window: 3 });
    const events = Array.from({ length: 10 }, () => playEvent());
    for (const event of events) await queue.append(queued(event));
    const waiting: Array<{ id: string; ack(): void }> = [];
    queue.resume(
      (payload) =>
        new Promise<void>((resolve) =>
          waiting.push({ id: (JSON.parse(payload) as DeviceEvent).id, ack: resolve }),
        ),
    );
    await eventually(() => expect(waiting).toHaveLength(3));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(waiting).toHaveLength(3);
    waiting[0]?.ack();
    await eventually(() => expect(waiting).toHaveLength(4));
    for (let n = 1; n < 10; n += 1) {
      await eventually(() => expect(waiting.length).toBeGreaterThan(n));
      waiting[n]?.ack();
    }
    await eventually(() => expect(queue.pending).toBe(0));
    expect(waiting.map((entry) => entry.id)).toEqual(events.map((event) => event.id));
  });

  it('past its bound drops the oldest, and says how many in one error event once the link is back', async () => {
    let queue = await start({ maxEvents: 10, segmentEvents: 4 });
    const events = Array.from({ length: 25 }, () => playEvent('bound'));
    for (const event of events) await queue.append(queued(event));
    expect(queue.pending).toBe(10);
    // The count of dropped events survives a restart.
    queue = await restart(queue, { maxEvents: 10, segmentEvents: 4 });
    expect(JSON.parse(await readFile(join(dir, 'dropped.json'), 'utf8'))).toEqual({ count: 15 });

    const publisher = recordingPublisher();
    queue.resume(publisher.publish);
    await eventually(() => expect(publisher.sent).toHaveLength(11));
    const plays = publisher.sent.filter((event) => event.kind === 'proof-of-play').map((event) => event.id);
    expect(plays).toEqual(events.slice(15).map((event) => event.id));
    const errors = publisher.sent.filter((event) => event.kind === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      problem: { code: 'EVENTS_DROPPED', message: expect.stringContaining(' 15 ') },
    });
    await settles(async () =>
      expect(JSON.parse(await readFile(join(dir, 'dropped.json'), 'utf8'))).toEqual({ count: 0 }),
    );
    // A second reconnect reports nothing more.
    queue.pause();
    queue.resume(publisher.publish);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(publisher.sent.filter((event) => event.kind === 'error')).toHaveLength(1);
  });

  it('keeps its files within the byte bound by dropping whole old segments', async () => {
    const queue = await start({ maxBytes: 4_000, segmentEvents: 5 });
    for (let n = 0; n < 60; n += 1) await queue.append(queued(playEvent('bytes')));
    const { stat } = await import('node:fs/promises');
    const sizes = await Promise.all(
      (await queueFiles(dir)).map(async (name) => (await stat(join(dir, name))).size),
    );
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(4_000 + 200);
    expect(queue.pending).toBeGreaterThan(0);
    expect(queue.pending).toBeLessThan(60);
  });
});
