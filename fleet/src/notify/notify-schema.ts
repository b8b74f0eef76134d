/**
 * Migration step 12: alert channels and the delivery outbox. One outbox row per (channel,
 * transition), UNIQUE, so a transition is never queued twice for a channel; rows are sent in
 * `seq` order per channel. Append-only once released.
 */
export const NOTIFY_MIGRATION = `
  -- target holds the webhook URL, bot token or signing secret: never returned whole by the API.
  CREATE TABLE alert_channels (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('slack', 'teams', 'google-chat', 'telegram', 'webhook')),
    language TEXT NOT NULL CHECK (language IN ('vi', 'en')),
    gate_ids TEXT,
    min_severity TEXT NOT NULL CHECK (min_severity IN ('warning', 'critical')),
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    target TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_attempt_at TEXT,
    last_ok INTEGER,
    last_status INTEGER,
    last_error TEXT
  ) STRICT;

  -- No foreign key to the alerts: the outbox keeps its own copy of the transition it sends.
  CREATE TABLE alert_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    channel_id TEXT NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
    transition_id TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    gate_id TEXT NOT NULL,
    transition TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'delivered', 'failed')),
    enqueued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_attempt_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    delivered_at TEXT,
    UNIQUE (channel_id, transition_id)
  ) STRICT;
  CREATE INDEX alert_outbox_queued ON alert_outbox (channel_id, seq) WHERE state = 'queued';
  CREATE INDEX alert_outbox_by_alert ON alert_outbox (alert_id, seq);
`;
