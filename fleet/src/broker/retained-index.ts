import { Readable } from 'node:stream';

/** The two methods of Aedes' persistence that retained messages go through. */
export interface RetainedPersistence {
  storeRetained(packet: RetainedPacket, done?: (error?: Error | null) => void): unknown;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

export interface RetainedPacket {
  topic: string;
  payload: Buffer | string;
}

/**
 * Aedes' in-memory persistence answers every SUBSCRIBE by testing the pattern against EVERY
 * retained message (aedes-persistence 11, `retainedMessagesByPattern`). A fleet keeps three
 * retained messages per screen (status, reported, desired), so 10k screens connecting cost
 * 10k × 30k topic matches: the broker spent most of a connect storm there. Screens subscribe to
 * exact topics, so those are answered from an index by topic; a pattern with a wildcard (or a
 * `$` topic) still goes to the persistence's own scan. Wraps the instance in place.
 */
export function indexRetainedMessages(persistence: RetainedPersistence): void {
  const byTopic = new Map<string, RetainedPacket>();
  const store = persistence.storeRetained.bind(persistence);
  const scan = persistence.createRetainedStreamCombi.bind(persistence);
  persistence.storeRetained = (packet, done) => {
    // As the persistence stores it: a shallow copy; an empty payload deletes (MQTT-3.3.1-10).
    if (packet.payload.length === 0) byTopic.delete(packet.topic);
    else byTopic.set(packet.topic, { ...packet });
    return store(packet, done);
  };
  persistence.createRetainedStreamCombi = (patterns) => {
    if (!patterns.every(isExactTopic)) return scan(patterns);
    const found: RetainedPacket[] = [];
    for (const pattern of patterns) {
      const packet = byTopic.get(pattern);
      if (packet) found.push(packet);
    }
    return Readable.from(found);
  };
}

function isExactTopic(pattern: string): boolean {
  return !pattern.includes('+') && !pattern.includes('#') && !pattern.startsWith('$');
}
