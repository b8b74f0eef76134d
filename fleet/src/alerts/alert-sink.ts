import type { Sql } from '../store/sql.js';
import type { AlertTransition } from './alert-types.js';

// Apart from alert-types.ts, which the dashboard shares: this one names the server's store.
/** Where recorded transitions go: the notification outbox. */
export interface AlertSink {
  /** Inside the recording transaction `tx`, so a rollback undoes it too. */
  enqueue(tx: Sql, transition: AlertTransition): Promise<void>;
  /** After that transaction committed: what it enqueued may go out now. */
  committed?(): void;
}
