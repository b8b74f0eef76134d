import path from 'node:path';
import type { Logger } from 'pino';
import type { AlertTransition } from '../../../src/alerts/alert-types.js';
import { newChannel, createChannelBodySchema } from '../../../src/notify/channel-input.js';
import type { Channel } from '../../../src/notify/channel-model.js';
import { NotifyOutbox, type NotifyOutboxOptions } from '../../../src/notify/notify-outbox.js';
import { openDatabase, type Database } from '../../../src/store/database.js';
import type { Sql } from '../../../src/store/sql.js';
import { makeTempDir, removeDir, silentLogger, sqlOf } from '../store/temp-store.js';

/** A clock the test moves by hand: ten minutes of outage take no ten minutes. */
export interface ManualClock {
  now: () => Date;
  set(time: Date): void;
  advance(ms: number): void;
}

export function manualClock(start = '2026-11-26T01:00:00.000Z'): ManualClock {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    set: (time) => void (current = time.getTime()),
    advance: (ms) => void (current += ms),
  };
}

/** A real SQLite store in a temp dir that can be closed and reopened, as across a fleet restart. */
export interface OutboxStore {
  dataDir: string;
  db: Database;
  sql: Sql;
  log: Logger;
  reopen(): void;
  outbox(options?: Partial<NotifyOutboxOptions>): NotifyOutbox;
  addChannel(outbox: NotifyOutbox, body: Record<string, unknown>): Promise<Channel>;
  /** As the alert engine hands a transition over: in a transaction, then committed. */
  enqueue(outbox: NotifyOutbox, transition: AlertTransition): Promise<void>;
  close(): void;
}

/** What the alert engine does with its sink, for tests that enqueue by hand. */
export async function enqueueCommitted(
  store: Sql,
  outbox: NotifyOutbox,
  transition: AlertTransition,
): Promise<void> {
  await store.transaction((tx) => outbox.enqueue(tx, transition));
  outbox.committed();
}

export function openOutboxStore(): OutboxStore {
  const root = makeTempDir();
  const dataDir = path.join(root, 'data');
  const log = silentLogger();
  let counter = 0;
  const db = openDatabase(dataDir, log);
  const self: OutboxStore = {
    dataDir,
    db,
    sql: sqlOf(db),
    log,
    reopen() {
      self.db.close();
      self.db = openDatabase(dataDir, log);
      self.sql = sqlOf(self.db);
    },
    outbox(options = {}) {
      return new NotifyOutbox({
        store: self.sql,
        log,
        publicUrl: () => 'https://fleet.haiphong.example',
        gateTimeZone: async () => 'Asia/Ho_Chi_Minh',
        random: () => 0.5,
        ...options,
      });
    },
    async addChannel(outbox, body) {
      const id = `ch${String(++counter).padStart(10, '0')}`;
      const { channel } = newChannel(createChannelBodySchema.parse(body), id, new Date());
      await outbox.channels.create(channel);
      return channel;
    },
    enqueue: (outbox, transition) => enqueueCommitted(self.sql, outbox, transition),
    close() {
      if (self.db.open) self.db.close();
      removeDir(root);
    },
  };
  return self;
}

/** The n-th transition of a screen at Cat Bi. */
export function transition(n: number, overrides: Partial<AlertTransition> = {}): AlertTransition {
  const at = new Date(Date.parse('2026-11-26T01:00:00.000Z') + n * 60_000).toISOString();
  return {
    id: `tr-${n}`,
    alertId: `al-${n}`,
    kind: 'firing',
    rule: 'offline',
    severity: 'critical',
    device: { id: 'cat-bi-arrivals-01', name: 'Arrivals 01' },
    gate: { id: 'cat-bi-airport', name: 'Cat Bi International Airport' },
    zone: { id: 'arrivals-hall', name: 'Arrivals hall' },
    since: '2026-11-26T00:55:00.000Z',
    at,
    flapping: false,
    facts: {},
    ...overrides,
  };
}

/** Resolves once `check` holds, polling every 20 ms; fails with `what` after 10 s. */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
