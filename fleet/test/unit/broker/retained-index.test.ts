import { Aedes } from 'aedes';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { indexRetainedMessages, type RetainedPersistence } from '../../../src/broker/retained-index.js';

let aedes: Aedes | undefined;

/** Aedes' own in-memory persistence, as the fleet's broker gets it from listen(). */
async function persistence(): Promise<RetainedPersistence> {
  aedes = new Aedes();
  await aedes.listen();
  return (aedes as unknown as { persistence: RetainedPersistence }).persistence;
}

async function topics(stream: Readable): Promise<string[]> {
  const found: string[] = [];
  for await (const packet of stream) found.push((packet as { topic: string }).topic);
  return found;
}

function retained(topic: string, payload: string) {
  return { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true };
}

afterEach(async () => {
  await new Promise<void>((resolveClose) => aedes?.close(() => resolveClose()));
});

describe('indexRetainedMessages', () => {
  it('answers exact topics from the index, without scanning every retained message', async () => {
    const store = await persistence();
    const scan = vi.spyOn(store, 'createRetainedStreamCombi');
    indexRetainedMessages(store);
    for (const id of ['s1', 's2', 's3']) {
      await store.storeRetained(retained(`gatecast/v1/devices/${id}/desired`, `{"v":"${id}"}`));
      await store.storeRetained(retained(`gatecast/v1/devices/${id}/status`, '{}'));
    }
    const stream = store.createRetainedStreamCombi([
      'gatecast/v1/devices/s2/desired',
      'gatecast/v1/devices/s2/cmd/req',
    ]);
    expect(await topics(stream)).toEqual(['gatecast/v1/devices/s2/desired']);
    expect(scan).not.toHaveBeenCalled();
  });

  it('forgets a topic whose retained message is cleared with an empty payload', async () => {
    const store = await persistence();
    indexRetainedMessages(store);
    await store.storeRetained(retained('gatecast/v1/devices/s1/desired', '{"v":1}'));
    await store.storeRetained(retained('gatecast/v1/devices/s1/desired', ''));
    expect(await topics(store.createRetainedStreamCombi(['gatecast/v1/devices/s1/desired']))).toEqual([]);
  });

  it('keeps the newest message of a topic', async () => {
    const store = await persistence();
    indexRetainedMessages(store);
    await store.storeRetained(retained('gatecast/v1/devices/s1/desired', '{"v":1}'));
    await store.storeRetained(retained('gatecast/v1/devices/s1/desired', '{"v":2}'));
    const [packet] = (await store
      .createRetainedStreamCombi(['gatecast/v1/devices/s1/desired'])
      .toArray()) as {
      payload: Buffer;
    }[];
    expect(packet?.payload.toString()).toBe('{"v":2}');
  });

  it('leaves wildcard patterns to the persistence', async () => {
    const store = await persistence();
    indexRetainedMessages(store);
    await store.storeRetained(retained('gatecast/v1/devices/s1/status', '{}'));
    await store.storeRetained(retained('gatecast/v1/devices/s2/status', '{}'));
    await store.storeRetained(retained('gatecast/v1/devices/s2/desired', '{}'));
    const found = await topics(store.createRetainedStreamCombi(['gatecast/v1/devices/+/status']));
    expect(found.sort()).toEqual(['gatecast/v1/devices/s1/status', 'gatecast/v1/devices/s2/status']);
  });
});
