import { describe, expect, it } from 'vitest';
import { DownloadSlots } from '../../../src/media/download-slots.js';

describe('download slots', () => {
  it('grants at most max slots and serves waiters in order as slots are released', async () => {
    const slots = new DownloadSlots(2);
    const signal = new AbortController().signal;
    const first = await slots.acquire(signal);
    await slots.acquire(signal);
    const granted: number[] = [];
    const third = slots.acquire(signal).then((release) => (granted.push(3), release));
    const fourth = slots.acquire(signal).then((release) => (granted.push(4), release));
    await Promise.resolve();
    expect(slots.inUse).toBe(2);
    expect(granted).toEqual([]);

    first();
    first(); // releasing twice frees one slot only
    await third;
    expect(granted).toEqual([3]);
    expect(slots.inUse).toBe(2);
    (await third)();
    await fourth;
    expect(granted).toEqual([3, 4]);
  });

  it('rejects a waiter whose signal aborts, without taking a slot', async () => {
    const slots = new DownloadSlots(1);
    const release = await slots.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    release();
    expect(slots.inUse).toBe(0);
    await expect(slots.acquire(controller.signal)).rejects.toThrow('stopped');
  });
});
