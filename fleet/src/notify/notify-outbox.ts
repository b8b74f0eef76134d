import { randomUUID } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { AlertSink } from '../alerts/alert-sink.js';
import type { AlertTransition } from '../alerts/alert-types.js';
import type { Sql } from '../store/sql.js';
import type { BatchContext, OutgoingAlert } from './alert-digest.js';
import { MessageContexts, type MessageContextSources } from './message-contexts.js';
import {
  channelWants,
  scrub,
  targetHost,
  targetSecrets,
  type AttemptResult,
  type Channel,
} from './channel-model.js';
import { ChannelsRepo } from './channels-repo.js';
import { formatBatch, maxBatchFor } from './formats/index.js';
import { isDue, OutboxRepo, type OutboxRow } from './outbox-repo.js';
import { DEFAULT_RETRY, decideRetry, type RetrySettings } from './retry-policy.js';
import { sendRequest, type FetchFunction, type SendOutcome } from './send-request.js';
import { sampleTransition } from './sample-transition.js';

export interface NotifyOutboxOptions extends MessageContextSources {
  store: Sql;
  log: Logger;
  now?: () => Date;
  fetch?: FetchFunction;
  retry?: Partial<RetrySettings>;
  timeoutMs?: number;
  random?: () => number;
  /** Rows queued this long after a channel's head may go in the same message (default 2 s). */
  gatherWindowMs?: number;
  /**
   * true (default): send right after each enqueue and wake up for retries by timer. Tests that move
   * a clock of their own set false and call runDue().
   */
  autoRun?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * A burst (a gate's power cut takes its 40 screens offline together) is enqueued within a second or
 * two; rows further apart are separate events and get messages of their own.
 */
const DEFAULT_GATHER_WINDOW_MS = 2_000;
/** setTimeout's limit; a later retry is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The durable notification outbox, the alert engine's sink. enqueue() only writes rows (inside the
 * engine's transaction; committed() then starts the sender); a sender posts them oldest first per
 * channel, one message at a time, so a channel that is down holds its later alerts back until the
 * earlier ones are through, and order holds. A message takes the head and whatever is already
 * queued right behind it (a digest), so a burst of alerts is a few messages, not one per screen;
 * the first alert never waits for company.
 */
export class NotifyOutbox implements AlertSink {
  readonly channels: ChannelsRepo;
  readonly outbox: OutboxRepo;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly retry: RetrySettings;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly autoRun: boolean;
  private readonly gatherWindowMs: number;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Runs and timer arming started in the background, so stop() can wait for them. */
  private readonly background = new Set<Promise<void>>();
  /** Rows were enqueued in a transaction not yet known to be committed. */
  private enqueued = false;
  private running = false;
  private kickPending = false;
  private timer: NodeJS.Timeout | null = null;
  private aborter = new AbortController();
  private readonly contexts: MessageContexts;

  constructor(private readonly options: NotifyOutboxOptions) {
    this.log = options.log.child({ mod: 'notify' });
    this.channels = new ChannelsRepo(options.store, this.log);
    this.outbox = new OutboxRepo(options.store);
    this.now = options.now ?? (() => new Date());
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
    this.autoRun = options.autoRun ?? true;
    this.gatherWindowMs = options.gatherWindowMs ?? DEFAULT_GATHER_WINDOW_MS;
    this.contexts = new MessageContexts(options);
  }

  /** Resumes whatever the last run left queued. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.aborter = new AbortController();
    this.kick();
  }

  /** Stops timers and cuts in-flight sends short; a cut send stays queued and is retried next start. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.aborter.abort();
    while (this.inFlight.size > 0 || this.background.size > 0) {
      await Promise.allSettled([...this.inFlight.values(), ...this.background]);
    }
  }

  /** In the engine's transaction `tx`: one row per interested channel, never twice. */
  async enqueue(tx: Sql, transition: AlertTransition): Promise<void> {
    const at = this.now().toISOString();
    for (const channel of await this.channels.routing(tx)) {
      if (!channelWants(channel, transition)) continue;
      if (await this.outbox.enqueue(tx, randomUUID(), channel.id, transition, at)) this.enqueued = true;
    }
  }

  /** The engine's transaction committed: what it enqueued can be read, and sent, now. */
  committed(): void {
    if (!this.enqueued) return;
    this.enqueued = false;
    this.kick();
  }

  /** Sends every row that is due now, channel by channel in order; resolves when they are settled. */
  async runDue(): Promise<void> {
    const now = this.now().getTime();
    const due = (await this.outbox.heads()).filter((head) => isDue(head, now));
    await Promise.all(due.map((head) => this.drain(head.channelId)));
    await this.arm();
  }

  /** When the earliest queued row falls due (for tests that move their own clock). */
  async nextDueAt(): Promise<Date | null> {
    const times = (await this.outbox.heads())
      .map((head) => Date.parse(head.nextAttemptAt ?? ''))
      .filter((time) => !Number.isNaN(time));
    return times.length === 0 ? null : new Date(Math.min(...times));
  }

  /** A sample message straight to the channel, bypassing the outbox. */
  async sendTest(channelId: string): Promise<AttemptResult> {
    const channel = await this.channels.get(channelId);
    if (!channel) throw new GatecastError('NOT_FOUND', `no alert channel ${channelId}`);
    const now = this.now();
    const alerts = [{ deliveryId: `test-${randomUUID()}`, transition: sampleTransition(now) }];
    const context = await this.contexts.contextFor(alerts, channel, now);
    const { outcome } = await this.send(channel, alerts, { ...context, test: true });
    const result = this.resultOf(channel, outcome);
    await this.channels.recordAttempt(channel.id, result);
    this.log.info(
      { channelId, host: targetHost(channel.target), status: outcome.status },
      'test message sent',
    );
    return result;
  }

  private kick(): void {
    if (!this.autoRun || !this.running || this.kickPending) return;
    this.kickPending = true;
    // Called once the engine's transaction has committed the rows.
    setImmediate(() => {
      this.kickPending = false;
      if (this.running) this.inBackground(this.runDue(), 'alert sender failed');
    });
  }

  /** A run or arming nobody awaits: its failure is logged, and stop() waits for it. */
  private inBackground(task: Promise<void>, what: string): void {
    const tracked: Promise<void> = task
      .catch((error: unknown) => this.log.error({ err: (error as Error).message }, what))
      .finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** One sender per channel: later rows wait for the head, so order per channel holds. */
  private drain(channelId: string): Promise<void> {
    const existing = this.inFlight.get(channelId);
    if (existing) return existing;
    const work = (async () => {
      for (;;) {
        if (this.autoRun && !this.running) return;
        const limit = maxBatchFor((await this.channels.get(channelId))?.kind ?? 'slack');
        const rows = await this.outbox.batch(channelId, this.now().getTime(), limit, this.gatherWindowMs);
        if (rows.length === 0) return;
        await this.attempt(channelId, rows);
      }
    })()
      .catch((error: unknown) => {
        this.log.error({ channelId, err: (error as Error).message }, 'alert sender failed');
      })
      .finally(() => {
        this.inFlight.delete(channelId);
        this.inBackground(this.arm(), 'alert retry timer not set');
      });
    this.inFlight.set(channelId, work);
    return work;
  }

  /** One message for `rows` (or their leading part, if they do not fit); all sent rows share its fate. */
  private async attempt(channelId: string, rows: OutboxRow[]): Promise<void> {
    const channel = await this.channels.get(channelId);
    if (!channel) {
      // Its settings no longer read back (logged by the repo): nothing can be sent, so nothing waits.
      const at = this.now().toISOString();
      const seqs = rows.map((row) => row.seq);
      await this.outbox.markFailed(seqs, { at, status: null, error: 'the channel settings are unreadable' });
      return;
    }
    const alerts = rows.map((row) => ({ deliveryId: row.id, transition: row.transition }));
    const context = await this.contexts.contextFor(alerts, channel, this.now());
    const { outcome, sent } = await this.send(channel, alerts, context);
    const sentRows = rows.slice(0, sent.length);
    const seqs = sentRows.map((row) => row.seq);
    const result = this.resultOf(channel, outcome);
    // The batch is as far along as its most-tried row: a refusal is believed as soon as it is for one.
    const attempts = Math.max(...sentRows.map((row) => row.attempts));
    const decision = decideRetry(outcome, attempts, this.retry, this.random);
    const record = { at: result.at, status: result.status, error: result.error };
    const where = {
      channelId: channel.id,
      kind: channel.kind,
      deliveryIds: sentRows.map((row) => row.id),
      transitionIds: sentRows.map((row) => row.transition.id),
    };
    if (decision.kind === 'delivered') {
      await this.outbox.markDelivered(seqs, record);
      this.log.info({ ...where, status: outcome.status }, 'alerts delivered');
    } else if (decision.kind === 'failed') {
      await this.outbox.markFailed(seqs, record);
      this.log.error(
        { ...where, status: outcome.status, error: result.error },
        'alerts refused by the channel',
      );
    } else {
      const next = new Date(Date.parse(result.at) + decision.delayMs).toISOString();
      await this.outbox.markRetry(seqs, record, next);
      this.log.warn(
        { ...where, status: outcome.status, error: result.error, next },
        'alerts not delivered yet',
      );
    }
    await this.channels.recordAttempt(channel.id, result);
  }

  /** Formats (cutting the batch to the service's size limit) and sends; never throws. */
  private async send(
    channel: Channel,
    alerts: OutgoingAlert[],
    context: BatchContext,
  ): Promise<{ outcome: SendOutcome; sent: OutgoingAlert[] }> {
    let sent = alerts.slice(0, 1);
    try {
      const formatted = formatBatch(alerts, channel, context);
      sent = formatted.alerts;
      let spec = formatted.spec;
      if (sent.length === 1 && alerts.length > 1 && channel.kind === 'telegram') {
        // Cut down to one: it may have a screenshot after all.
        spec = formatBatch(sent, channel, await this.contexts.contextFor(sent, channel, context.now)).spec;
      }
      const outcome = await sendRequest(spec, {
        timeoutMs: this.timeoutMs,
        signal: this.aborter.signal,
        now: this.now,
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      });
      return { outcome, sent };
    } catch (error) {
      return { outcome: { status: null, error: (error as Error).message, retryAfterMs: null }, sent };
    }
  }

  /** The error text is scrubbed of the channel's URL, token and secret before it is stored or logged. */
  private resultOf(channel: Channel, outcome: SendOutcome): AttemptResult {
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const error = outcome.error === null ? null : scrub(outcome.error, targetSecrets(channel.target));
    return { at: this.now().toISOString(), ok, status: outcome.status, error };
  }

  /** One timer for the earliest retry among channels not already sending. */
  private async arm(): Promise<void> {
    if (!this.autoRun || !this.running) return;
    const heads = await this.outbox.heads();
    // Checked after the read: stop() may have come meanwhile, and another arm() may have set a timer.
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const waiting = heads.filter((head) => !this.inFlight.has(head.channelId));
    const times = waiting.map((head) => Date.parse(head.nextAttemptAt ?? '')).filter((t) => !Number.isNaN(t));
    if (times.length === 0) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Math.min(...times) - this.now().getTime()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.inBackground(this.runDue(), 'alert sender failed');
    }, delay);
    this.timer.unref();
  }
}
