import { sql } from 'kysely';
import type { AlertTransition, TransitionKind } from '../alerts/alert-types.js';
import { isIn } from '../store/sql-dialect.js';
import type { Sql } from '../store/sql.js';
import type { ChannelKind } from './channel-model.js';

export type DeliveryState = 'queued' | 'delivered' | 'failed';

/** One transition to send to one channel. */
export interface OutboxRow {
  seq: number;
  /** The delivery id: stable across retries, sent as X-Gatecast-Delivery for idempotency. */
  id: string;
  channelId: string;
  transition: AlertTransition;
  state: DeliveryState;
  attempts: number;
  enqueuedAt: string;
  nextAttemptAt: string | null;
}

export interface DeliveryView {
  id: string;
  channelId: string;
  channelName: string;
  kind: ChannelKind;
  transitionId: string;
  transitionKind: TransitionKind;
  state: DeliveryState;
  attempts: number;
  enqueuedAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

interface Row {
  seq: number;
  id: string;
  channel_id: string;
  transition: string;
  state: DeliveryState;
  attempts: number;
  enqueued_at: string;
  next_attempt_at: string | null;
}

interface ViewRow {
  id: string;
  channel_id: string;
  channel_name: string;
  kind: ChannelKind;
  transition_id: string;
  transition: string;
  state: DeliveryState;
  attempts: number;
  enqueued_at: string;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

export interface AttemptRecord {
  at: string;
  status: number | null;
  error: string | null;
}

/** The outbox table; order per channel is `seq`, the head of a channel is its oldest queued row. */
export class OutboxRepo {
  constructor(private readonly store: Sql) {}

  /**
   * True when the row was added; false when this channel already has this transition. `tx` is the
   * alert engine's recording transaction.
   */
  async enqueue(
    tx: Sql,
    id: string,
    channelId: string,
    transition: AlertTransition,
    at: string,
  ): Promise<boolean> {
    const added = await tx.run(
      sql`INSERT INTO alert_outbox (id, channel_id, transition_id, alert_id, gate_id, transition, enqueued_at,
            next_attempt_at)
          VALUES (${id}, ${channelId}, ${transition.id}, ${transition.alertId}, ${transition.gate.id},
            ${JSON.stringify(transition)}, ${at}, ${at})
          ON CONFLICT (channel_id, transition_id) DO NOTHING`,
    );
    return added > 0;
  }

  /** The oldest queued row of every channel that has one. */
  async heads(): Promise<OutboxRow[]> {
    const rows = await this.store.all<Row>(
      sql`SELECT * FROM alert_outbox WHERE seq IN
            (SELECT MIN(seq) FROM alert_outbox WHERE state = 'queued' GROUP BY channel_id)`,
    );
    return rows.map(fromRow);
  }

  /**
   * The head of a channel and the queued rows right behind it that can go in the same message:
   * due now, queued within `windowMs` of the head, at most `limit`. It stops at the first row that
   * does not qualify, so nothing overtakes an earlier row.
   */
  async batch(channelId: string, now: number, limit: number, windowMs: number): Promise<OutboxRow[]> {
    const rows = (
      await this.store.all<Row>(
        sql`SELECT * FROM alert_outbox WHERE channel_id = ${channelId} AND state = 'queued'
            ORDER BY seq LIMIT ${limit}`,
      )
    ).map(fromRow);
    const head = rows[0];
    if (!head || !isDue(head, now)) return [];
    const windowEnds = Date.parse(head.enqueuedAt) + windowMs;
    const end = rows.findIndex((row) => !isDue(row, now) || Date.parse(row.enqueuedAt) > windowEnds);
    return end === -1 ? rows : rows.slice(0, end);
  }

  /** All rows of one send share its fate, in one statement: delivered, retried or failed together. */
  async markDelivered(seqs: readonly number[], attempt: AttemptRecord): Promise<void> {
    await this.store.run(
      sql`UPDATE alert_outbox SET state = 'delivered', attempts = attempts + 1, last_attempt_at = ${attempt.at},
            last_status = ${attempt.status}, last_error = NULL, delivered_at = ${attempt.at},
            next_attempt_at = NULL
          WHERE ${isIn('seq', seqs)}`,
    );
  }

  async markRetry(seqs: readonly number[], attempt: AttemptRecord, nextAttemptAt: string): Promise<void> {
    await this.store.run(
      sql`UPDATE alert_outbox SET attempts = attempts + 1, last_attempt_at = ${attempt.at},
            last_status = ${attempt.status}, last_error = ${attempt.error}, next_attempt_at = ${nextAttemptAt}
          WHERE ${isIn('seq', seqs)}`,
    );
  }

  async markFailed(seqs: readonly number[], attempt: AttemptRecord): Promise<void> {
    await this.store.run(
      sql`UPDATE alert_outbox SET state = 'failed', attempts = attempts + 1, last_attempt_at = ${attempt.at},
            last_status = ${attempt.status}, last_error = ${attempt.error}, next_attempt_at = NULL
          WHERE ${isIn('seq', seqs)}`,
    );
  }

  async queuedCounts(): Promise<Map<string, number>> {
    const rows = await this.store.all<{ channel_id: string; queued: number }>(
      sql`SELECT channel_id, COUNT(*) AS queued FROM alert_outbox WHERE state = 'queued' GROUP BY channel_id`,
    );
    return new Map(rows.map((row) => [row.channel_id, row.queued]));
  }

  async deliveriesOf(alertId: string): Promise<DeliveryView[]> {
    const rows = await this.store.all<ViewRow>(
      sql`SELECT o.*, c.name AS channel_name, c.kind FROM alert_outbox o
            JOIN alert_channels c ON c.id = o.channel_id
          WHERE o.alert_id = ${alertId} ORDER BY o.seq`,
    );
    return rows.map((row) => ({
      id: row.id,
      channelId: row.channel_id,
      channelName: row.channel_name,
      kind: row.kind,
      transitionId: row.transition_id,
      transitionKind: (JSON.parse(row.transition) as AlertTransition).kind,
      state: row.state,
      attempts: row.attempts,
      enqueuedAt: row.enqueued_at,
      lastAttemptAt: row.last_attempt_at,
      nextAttemptAt: row.next_attempt_at,
      deliveredAt: row.delivered_at,
      lastStatus: row.last_status,
      lastError: row.last_error,
    }));
  }

  async gateOfAlert(alertId: string): Promise<string | undefined> {
    const row = await this.store.one<{ gate_id: string }>(
      sql`SELECT gate_id FROM alert_outbox WHERE alert_id = ${alertId} LIMIT 1`,
    );
    return row?.gate_id;
  }
}

/** The transition JSON was written by enqueue() from a typed value; it is read back as such. */
function fromRow(row: Row): OutboxRow {
  return {
    seq: row.seq,
    id: row.id,
    channelId: row.channel_id,
    transition: JSON.parse(row.transition) as AlertTransition,
    state: row.state,
    attempts: row.attempts,
    enqueuedAt: row.enqueued_at,
    nextAttemptAt: row.next_attempt_at,
  };
}

/** A row never tried, or whose retry time has come. */
export function isDue(row: OutboxRow, now: number): boolean {
  return row.nextAttemptAt === null || Date.parse(row.nextAttemptAt) <= now;
}
