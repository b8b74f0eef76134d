import type { AlertTransition, TransitionKind } from '../alerts/alert-types.js';
import type { Database } from '../store/database.js';
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
  private readonly stmts;
  private readonly inTransaction: <T>(work: () => T) => T;

  constructor(db: Database) {
    this.inTransaction = (work) => db.transaction(work)();
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO alert_outbox (id, channel_id, transition_id, alert_id, gate_id, transition, enqueued_at,
           next_attempt_at)
         VALUES (@id, @channelId, @transitionId, @alertId, @gateId, @transition, @at, @at)
         ON CONFLICT (channel_id, transition_id) DO NOTHING`,
      ),
      heads: db.prepare<[], Row>(
        `SELECT * FROM alert_outbox WHERE seq IN
           (SELECT min(seq) FROM alert_outbox WHERE state = 'queued' GROUP BY channel_id)`,
      ),
      queuedOf: db.prepare<[string, number], Row>(
        `SELECT * FROM alert_outbox WHERE channel_id = ? AND state = 'queued' ORDER BY seq LIMIT ?`,
      ),
      delivered: db.prepare<[string, number | null, string, number]>(
        `UPDATE alert_outbox SET state = 'delivered', attempts = attempts + 1, last_attempt_at = ?,
           last_status = ?, last_error = NULL, delivered_at = ?, next_attempt_at = NULL WHERE seq = ?`,
      ),
      retry: db.prepare<[string, number | null, string | null, string, number]>(
        `UPDATE alert_outbox SET attempts = attempts + 1, last_attempt_at = ?, last_status = ?, last_error = ?,
           next_attempt_at = ? WHERE seq = ?`,
      ),
      failed: db.prepare<[string, number | null, string | null, number]>(
        `UPDATE alert_outbox SET state = 'failed', attempts = attempts + 1, last_attempt_at = ?,
           last_status = ?, last_error = ?, next_attempt_at = NULL WHERE seq = ?`,
      ),
      queuedCounts: db.prepare<[], { channel_id: string; queued: number }>(
        `SELECT channel_id, count(*) AS queued FROM alert_outbox WHERE state = 'queued' GROUP BY channel_id`,
      ),
      byAlert: db.prepare<[string], ViewRow>(
        `SELECT o.*, c.name AS channel_name, c.kind FROM alert_outbox o JOIN alert_channels c ON c.id = o.channel_id
         WHERE o.alert_id = ? ORDER BY o.seq`,
      ),
      gateOfAlert: db
        .prepare<[string], string>('SELECT gate_id FROM alert_outbox WHERE alert_id = ? LIMIT 1')
        .pluck(),
    };
  }

  /** True when the row was added; false when this channel already has this transition. */
  enqueue(id: string, channelId: string, transition: AlertTransition, at: string): boolean {
    const result = this.stmts.insert.run({
      id,
      channelId,
      transitionId: transition.id,
      alertId: transition.alertId,
      gateId: transition.gate.id,
      transition: JSON.stringify(transition),
      at,
    });
    return result.changes > 0;
  }

  /** The oldest queued row of every channel that has one. */
  heads(): OutboxRow[] {
    return this.stmts.heads.all().map(fromRow);
  }

  /**
   * The head of a channel and the queued rows right behind it that can go in the same message:
   * due now, queued within `windowMs` of the head, at most `limit`. It stops at the first row that
   * does not qualify, so nothing overtakes an earlier row.
   */
  batch(channelId: string, now: number, limit: number, windowMs: number): OutboxRow[] {
    const rows = this.stmts.queuedOf.all(channelId, limit).map(fromRow);
    const head = rows[0];
    if (!head || !isDue(head, now)) return [];
    const windowEnds = Date.parse(head.enqueuedAt) + windowMs;
    const end = rows.findIndex((row) => !isDue(row, now) || Date.parse(row.enqueuedAt) > windowEnds);
    return end === -1 ? rows : rows.slice(0, end);
  }

  /** All rows of one send share its fate, in one transaction: delivered, retried or failed together. */
  markDelivered(seqs: readonly number[], attempt: AttemptRecord): void {
    this.inTransaction(() => {
      for (const seq of seqs) this.stmts.delivered.run(attempt.at, attempt.status, attempt.at, seq);
    });
  }

  markRetry(seqs: readonly number[], attempt: AttemptRecord, nextAttemptAt: string): void {
    this.inTransaction(() => {
      for (const seq of seqs)
        this.stmts.retry.run(attempt.at, attempt.status, attempt.error, nextAttemptAt, seq);
    });
  }

  markFailed(seqs: readonly number[], attempt: AttemptRecord): void {
    this.inTransaction(() => {
      for (const seq of seqs) this.stmts.failed.run(attempt.at, attempt.status, attempt.error, seq);
    });
  }

  queuedCounts(): Map<string, number> {
    return new Map(this.stmts.queuedCounts.all().map((row) => [row.channel_id, row.queued]));
  }

  deliveriesOf(alertId: string): DeliveryView[] {
    return this.stmts.byAlert.all(alertId).map((row) => ({
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

  gateOfAlert(alertId: string): string | undefined {
    return this.stmts.gateOfAlert.get(alertId) ?? undefined;
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
