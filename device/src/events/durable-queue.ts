import type { Logger } from 'pino';
import { encodePayload } from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import { makeEvent } from '../lib/device-event.js';
import type { QueuedEvent } from './segment-format.js';
import { SegmentLedger, type Segment } from './segment-ledger.js';
import { SegmentStore } from './segment-store.js';

export type { QueuedEvent } from './segment-format.js';

/** Publishes one event with QoS 1; resolves on the broker's PUBACK. */
export type PublishEvent = (payload: string) => Promise<void>;

/** What the link needs: events go in, and flow out while a publisher is attached. */
export interface EventQueue {
  /** Resolves true once the event is on disk (fsynced), false when it could not be written. */
  append(event: QueuedEvent): Promise<boolean>;
  /** The link is up: send pending events, oldest first, at most `window` unacknowledged at a time. */
  resume(publish: PublishEvent): void;
  /** The link is down: anything unacknowledged is sent again after the next resume. */
  pause(): void;
}

export interface DurableEventQueueOptions {
  /** `${dataDir}/events` */
  dir: string;
  log: Logger;
  clock: Clock;
  /** Past either bound the oldest events are dropped, and one error event says how many. */
  maxEvents?: number;
  maxBytes?: number;
  /** Events per segment file; a segment is deleted once all its events are acknowledged. */
  segmentEvents?: number;
  /** Unacknowledged events at a time: live messages never wait behind a whole backlog. */
  window?: number;
  /** Pause before sending again after a publish failed while the link seemed up. */
  retryMs?: number;
}

interface Waiting {
  event: QueuedEvent;
  resolve(ok: boolean): void;
}

const DEFAULTS = { maxEvents: 100_000, maxBytes: 50 * 1024 * 1024, segmentEvents: 1_000, window: 20 };

/**
 * Every event the agent emits, appended to disk before it is sent and removed only after the
 * broker acknowledged it: a restart, a power cut or a month offline loses none. Event ids are
 * stable, so the duplicates a crash or a flapping link can cause are ignored by the fleet.
 * All disk work runs one task at a time on one chain; appends that arrive together share one fsync.
 */
export class DurableEventQueue implements EventQueue {
  private readonly log: Logger;
  private readonly store: SegmentStore;
  private readonly ledger: SegmentLedger;
  private readonly limits: typeof DEFAULTS & { retryMs: number };
  /** Dropped by the bound and not yet reported; kept on disk across restarts. */
  private dropped = 0;
  private readonly waiting: Waiting[] = [];
  private writeScheduled = false;
  private doneScheduled = false;
  private disk: Promise<void> = Promise.resolve();
  private publisher: PublishEvent | null = null;
  private generation = 0;
  private readonly inFlight = new Set<string>();
  private pumping = false;
  private pumpAgain = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private closed = false;
  private markReady!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(private readonly options: DurableEventQueueOptions) {
    this.log = options.log.child({ mod: 'event-queue' });
    this.limits = {
      maxEvents: options.maxEvents ?? DEFAULTS.maxEvents,
      maxBytes: options.maxBytes ?? DEFAULTS.maxBytes,
      segmentEvents: options.segmentEvents ?? DEFAULTS.segmentEvents,
      window: options.window ?? DEFAULTS.window,
      retryMs: options.retryMs ?? 1_000,
    };
    this.store = new SegmentStore(options.dir);
    this.ledger = new SegmentLedger(this.store, this.log, this.limits.segmentEvents);
  }

  /** Events waiting for a broker acknowledgement, including those still being written. */
  get pending(): number {
    return this.ledger.pending + this.waiting.length;
  }

  /** Reads what a previous run left; appends made before this finishes wait for it. */
  async start(): Promise<void> {
    try {
      await this.ledger.recover();
      this.dropped = await this.store.readDropped();
      await this.onDisk(() => this.enforceBound());
      this.log.info({ pending: this.pending, segments: this.ledger.segments.length }, 'event queue ready');
    } catch (error) {
      this.log.error({ dir: this.options.dir, err: (error as Error).message }, 'cannot read the event queue');
    }
    this.markReady();
  }

  /** Writes what was appended before, then closes; appends after this are refused. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pause();
    this.markReady();
    await this.onDisk(async () => {
      await this.writeWaiting();
      await this.ledger.flushDone();
      await this.ledger.closeActive();
      this.closed = true;
    });
  }

  append(event: QueuedEvent): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiting.push({ event, resolve });
      if (this.writeScheduled) return;
      this.writeScheduled = true;
      void this.ready.then(() => this.onDisk(() => this.writeWaiting()));
    });
  }

  resume(publish: PublishEvent): void {
    if (this.stopped) return;
    this.publisher = publish;
    this.generation += 1;
    void this.ready.then(() => {
      this.pump();
      void this.reportDropped();
    });
  }

  pause(): void {
    this.publisher = null;
    this.generation += 1;
    this.inFlight.clear();
    for (const segment of this.ledger.segments) segment.cursor = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Runs after every task queued before it; a failure is logged and never stops the chain. */
  private onDisk(task: () => Promise<void>): Promise<void> {
    this.disk = this.disk.then(task).catch((error: Error) => {
      this.log.error({ err: error.message }, 'event queue disk task failed');
    });
    return this.disk;
  }

  private async writeWaiting(): Promise<void> {
    this.writeScheduled = false;
    const written: Array<[Waiting, boolean]> = [];
    while (this.waiting.length > 0 && !this.closed) {
      const { taken, ok } = await this.ledger.write(this.waiting.map((waiting) => waiting.event));
      for (const waiting of this.waiting.splice(0, taken)) written.push([waiting, ok]);
    }
    for (const waiting of this.waiting.splice(0)) written.push([waiting, false]);
    // Callers see the bound already applied: the queue never holds more than it promises.
    await this.enforceBound();
    for (const [waiting, ok] of written) waiting.resolve(ok);
    this.pump();
  }

  /** Drops the oldest events past either bound and remembers how many, across restarts. */
  private async enforceBound(): Promise<void> {
    let dropped = 0;
    while (this.ledger.pending > this.limits.maxEvents) {
      const count = await this.ledger.dropOldest(this.ledger.pending - this.limits.maxEvents);
      if (count === 0) break;
      dropped += count;
    }
    while (this.ledger.bytes > this.limits.maxBytes && this.ledger.segments.length > 0) {
      dropped += await this.ledger.dropOldestSegment();
    }
    if (dropped === 0) return;
    this.dropped += dropped;
    this.log.warn({ dropped, unreported: this.dropped }, 'event queue full: dropped the oldest events');
    await this.store.writeDropped(this.dropped);
  }

  /** Once the link is back: one error event for everything the bound dropped while it was down. */
  private async reportDropped(): Promise<void> {
    const count = this.dropped;
    if (count === 0) return;
    this.dropped = 0;
    const message = `the event queue was full: the ${count} oldest events were dropped`;
    const event = makeEvent(this.options.clock, {
      kind: 'error',
      problem: { code: 'EVENTS_DROPPED', message },
    });
    if (await this.append({ id: event.id, payload: encodePayload('events', event) })) {
      await this.onDisk(() => this.store.writeDropped(this.dropped));
    } else this.dropped += count;
  }

  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.fill()
      .catch((error: Error) => this.log.error({ err: error.message }, 'cannot read queued events'))
      .finally(() => {
        this.pumping = false;
        if (!this.pumpAgain) return;
        this.pumpAgain = false;
        this.pump();
      });
  }

  /** Oldest first, until the window is full. */
  private async fill(): Promise<void> {
    for (const segment of [...this.ledger.segments]) {
      if (!this.canSend()) return;
      if (segment.removed || segment.count === segment.done.size) continue;
      const entries = await this.ledger.entriesOf(segment);
      while (segment.cursor < entries.length && this.canSend()) {
        const entry = entries[segment.cursor++] as QueuedEvent;
        if (!segment.done.has(entry.id) && !this.inFlight.has(entry.id)) this.send(segment, entry);
      }
      if (segment.cursor < entries.length) return;
    }
  }

  private canSend(): boolean {
    return this.publisher !== null && !this.stopped && this.inFlight.size < this.limits.window;
  }

  private send(segment: Segment, entry: QueuedEvent): void {
    const generation = this.generation;
    this.inFlight.add(entry.id);
    (this.publisher as PublishEvent)(entry.payload).then(
      () => {
        if (generation === this.generation) this.inFlight.delete(entry.id);
        // A late acknowledgement still proves delivery, whatever happened to the link since.
        if (this.ledger.markDone(segment, entry.id)) this.scheduleDoneFlush();
        this.pump();
      },
      (error: Error) => {
        if (generation !== this.generation) return;
        this.inFlight.delete(entry.id);
        this.log.debug({ id: entry.id, err: error.message }, 'event not acknowledged; will retry');
        segment.cursor = 0;
        this.retryTimer ??= setTimeout(() => {
          this.retryTimer = null;
          this.pump();
        }, this.limits.retryMs);
      },
    );
  }

  private scheduleDoneFlush(): void {
    if (this.doneScheduled) return;
    this.doneScheduled = true;
    void this.onDisk(async () => {
      this.doneScheduled = false;
      await this.ledger.flushDone();
    });
  }
}
