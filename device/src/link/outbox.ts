import type { TopicKind } from '@gatecast/protocol';

export type QueuedKind = Extract<TopicKind, 'events' | 'telemetry' | 'cmd/res'>;

export interface QueuedMessage {
  kind: QueuedKind;
  payload: string;
}

/**
 * Messages written while the link is down, kept in order and bounded per kind: on a long outage
 * the oldest go first, and the count of what was dropped is reported when the link returns.
 */
export class Outbox {
  private readonly items: QueuedMessage[] = [];
  private readonly counts = new Map<QueuedKind, number>();
  private readonly dropped = new Map<QueuedKind, number>();

  constructor(private readonly caps: Record<QueuedKind, number>) {}

  push(message: QueuedMessage): void {
    const cap = this.caps[message.kind];
    if (cap <= 0) return this.countDrop(message.kind);
    if ((this.counts.get(message.kind) ?? 0) >= cap) {
      const index = this.items.findIndex((item) => item.kind === message.kind);
      this.items.splice(index, 1);
      this.counts.set(message.kind, (this.counts.get(message.kind) ?? 1) - 1);
      this.countDrop(message.kind);
    }
    this.items.push(message);
    this.counts.set(message.kind, (this.counts.get(message.kind) ?? 0) + 1);
  }

  /** Everything queued, oldest first, plus how many were dropped; the outbox is empty after. */
  drain(): { messages: QueuedMessage[]; dropped: Partial<Record<QueuedKind, number>> } {
    const messages = this.items.splice(0);
    const dropped = Object.fromEntries(this.dropped);
    this.counts.clear();
    this.dropped.clear();
    return { messages, dropped };
  }

  get size(): number {
    return this.items.length;
  }

  private countDrop(kind: QueuedKind): void {
    this.dropped.set(kind, (this.dropped.get(kind) ?? 0) + 1);
  }
}
