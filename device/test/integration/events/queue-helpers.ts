import { readdir } from 'node:fs/promises';
import type { DeviceEvent } from '@gatecast/protocol';
import { encodePayload } from '@gatecast/protocol';
import { DurableEventQueue, type DurableEventQueueOptions } from '../../../src/events/durable-queue.js';
import type { Clock } from '../../../src/lib/clock.js';
import { testLogger } from '../helpers/fixtures.js';

export const clock: Clock = { now: () => new Date('2026-11-26T08:00:00.000Z') };

let counter = 0;

/** A proof-of-play event with a readable, unique id. */
export function playEvent(label = 'play'): DeviceEvent {
  counter += 1;
  return {
    id: `${label}-${String(counter).padStart(6, '0')}`,
    at: '2026-11-26T08:00:00.000Z',
    kind: 'proof-of-play',
    itemId: 'welcome-loop',
    zone: 'main',
    language: 'vi',
    startedAt: '2026-11-26T07:59:52.000Z',
    durationMs: 8000,
  };
}

export function queued(event: DeviceEvent): { id: string; payload: string } {
  return { id: event.id, payload: encodePayload('events', event) };
}

export function openQueue(dir: string, options: Partial<DurableEventQueueOptions> = {}): DurableEventQueue {
  return new DurableEventQueue({ dir, log: testLogger(), clock, ...options });
}

/** A publisher that records what it was given and acknowledges at once (or when told). */
export function recordingPublisher(): {
  sent: DeviceEvent[];
  publish(payload: string): Promise<void>;
} {
  const sent: DeviceEvent[] = [];
  return {
    sent,
    async publish(payload) {
      sent.push(JSON.parse(payload) as DeviceEvent);
    },
  };
}

export async function queueFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** Polls an async check until it passes. */
export async function settles(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
