import type { FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import { EVENTS_SUFFIX, encodeLines, segmentFileName, type QueuedEvent } from './segment-format.js';
import type { SegmentStore } from './segment-store.js';

export interface Segment {
  seq: number;
  count: number;
  bytes: number;
  /** Acknowledged or dropped. */
  done: Set<string>;
  /** Loaded on demand: a long backlog stays on disk, not in memory. */
  entries: QueuedEvent[] | null;
  /** Entries before it were sent on the current connection (or are done). */
  cursor: number;
  removed: boolean;
}

/**
 * Which events are in which segment file and which of them are done. Only the queue's disk
 * chain calls the async methods, so no two of them ever run at once.
 */
export class SegmentLedger {
  segments: Segment[] = [];
  private active: { segment: Segment; handle: FileHandle } | null = null;
  private nextSeq = 1;
  private readonly doneBuffer = new Map<Segment, string[]>();

  constructor(
    private readonly store: SegmentStore,
    private readonly log: Logger,
    private readonly segmentEvents: number,
  ) {}

  /** Events not yet acknowledged or dropped. */
  get pending(): number {
    return this.segments.reduce((sum, segment) => sum + segment.count - segment.done.size, 0);
  }

  get bytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.bytes, 0);
  }

  /** Reads what a previous run left; finished segments are deleted, torn lines skipped. */
  async recover(): Promise<void> {
    await this.store.ensureDir();
    const seqs = await this.store.list();
    for (const seq of seqs) {
      const { parsed, done, bytes } = await this.store.read(seq);
      if (parsed.torn || parsed.invalid > 0) {
        const file = segmentFileName(seq, EVENTS_SUFFIX);
        this.log.warn(
          { file, torn: parsed.torn, invalid: parsed.invalid },
          'skipped unreadable queued events',
        );
      }
      const ids = parsed.entries.map((entry) => entry.id);
      const acked = new Set(ids.filter((id) => done.has(id)));
      if (acked.size === ids.length) await this.store.remove(seq);
      else this.segments.push(newSegment(seq, ids.length, bytes, acked, null));
    }
    // Never append to an old segment: its last line may be torn.
    this.nextSeq = (seqs.at(-1) ?? 0) + 1;
  }

  /** Appends and fsyncs as many events as fit in the current segment; returns how many it took. */
  async write(events: readonly QueuedEvent[]): Promise<{ taken: number; ok: boolean }> {
    const active = await this.writable();
    const batch = events.slice(0, this.segmentEvents - active.segment.count);
    const text = encodeLines(batch);
    try {
      await active.handle.write(text);
      await active.handle.sync();
    } catch (error) {
      const ids = batch.map((event) => event.id);
      this.log.error({ err: (error as Error).message, ids }, 'events could not be queued');
      // A partial write may have left a torn line: never append after it, start a new segment.
      await this.closeActive();
      return { taken: batch.length, ok: false };
    }
    const { segment } = active;
    this.log.debug({ ids: batch.map((event) => event.id) }, 'events queued');
    segment.entries?.push(...batch);
    segment.count += batch.length;
    segment.bytes += Buffer.byteLength(text);
    return { taken: batch.length, ok: true };
  }

  async entriesOf(segment: Segment): Promise<QueuedEvent[]> {
    segment.entries ??= await this.store.readEntries(segment.seq);
    return segment.entries;
  }

  /** False when it was done already; the id reaches the done file at the next flush. */
  markDone(segment: Segment, id: string): boolean {
    if (segment.removed || segment.done.has(id)) return false;
    segment.done.add(id);
    const ids = this.doneBuffer.get(segment) ?? [];
    ids.push(id);
    this.doneBuffer.set(segment, ids);
    return true;
  }

  async flushDone(): Promise<void> {
    const batches = [...this.doneBuffer];
    this.doneBuffer.clear();
    for (const [segment, ids] of batches) {
      if (!segment.removed) await this.store.appendDone(segment.seq, ids);
    }
    await this.collect();
  }

  /** Marks the oldest pending events done; returns how many. */
  async dropOldest(count: number): Promise<number> {
    const segment = this.segments.find((candidate) => candidate.count > candidate.done.size);
    if (!segment) return 0;
    let dropped = 0;
    for (const entry of await this.entriesOf(segment)) {
      if (dropped >= count) break;
      if (this.markDone(segment, entry.id)) dropped += 1;
    }
    await this.flushDone();
    return dropped;
  }

  /** Deletes the oldest segment whatever it holds; returns how many pending events went with it. */
  async dropOldestSegment(): Promise<number> {
    const oldest = this.segments[0];
    if (!oldest) return 0;
    if (this.active?.segment === oldest) await this.closeActive();
    const dropped = oldest.count - oldest.done.size;
    await this.removeSegment(oldest);
    return dropped;
  }

  async closeActive(): Promise<void> {
    const active = this.active;
    this.active = null;
    await active?.handle.close().catch(() => undefined);
    if (active && active.segment.count === 0) await this.removeSegment(active.segment);
    await this.collect();
  }

  private async writable(): Promise<{ segment: Segment; handle: FileHandle }> {
    if (this.active && this.active.segment.count < this.segmentEvents) return this.active;
    await this.closeActive();
    const seq = this.nextSeq++;
    const handle = await this.store.create(seq);
    const segment = newSegment(seq, 0, 0, new Set(), []);
    this.segments.push(segment);
    this.active = { segment, handle };
    return this.active;
  }

  /** Deletes every closed segment whose events are all acknowledged or dropped. */
  private async collect(): Promise<void> {
    const finished = this.segments.filter(
      (segment) => segment !== this.active?.segment && segment.done.size >= segment.count,
    );
    for (const segment of finished) await this.removeSegment(segment);
  }

  private async removeSegment(segment: Segment): Promise<void> {
    if (segment.removed) return;
    segment.removed = true;
    this.segments = this.segments.filter((candidate) => candidate !== segment);
    await this.store.remove(segment.seq);
  }
}

function newSegment(
  seq: number,
  count: number,
  bytes: number,
  done: Set<string>,
  entries: QueuedEvent[] | null,
): Segment {
  return { seq, count, bytes, done, entries, cursor: 0, removed: false };
}
