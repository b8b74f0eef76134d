/**
 * Migration step 11: alerts, their transitions, the engine's memory per screen and rule, and the
 * policies per gate and zone. Append-only once released (see store/migrations.ts).
 *
 * Alerts keep the names of their screen, gate and zone as they were when they fired, and have no
 * foreign key to devices: the history of a removed screen stays readable. The engine's memory does
 * cascade: a removed screen has nothing left to watch.
 */
export const ALERTS_MIGRATION = `
  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    device_name TEXT NOT NULL,
    gate_id TEXT NOT NULL,
    gate_name TEXT NOT NULL,
    zone_id TEXT NOT NULL,
    zone_name TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
    state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
    since TEXT NOT NULL,
    fired_at TEXT NOT NULL,
    escalated_at TEXT,
    resolved_at TEXT,
    flapping INTEGER NOT NULL DEFAULT 0 CHECK (flapping IN (0, 1)),
    facts TEXT NOT NULL DEFAULT '{}',
    ack_by TEXT,
    ack_at TEXT,
    ack_note TEXT
  ) STRICT;
  -- Deduplication, enforced by the store too: one open alert per screen and rule.
  CREATE UNIQUE INDEX alerts_one_open ON alerts(device_id, rule) WHERE state = 'open';
  CREATE INDEX alerts_by_state_time ON alerts(state, fired_at, id);
  CREATE INDEX alerts_by_gate_time ON alerts(gate_id, fired_at, id);

  -- notified: sent (handed to the outbox), held (quiet hours), suppressed (never to be sent).
  CREATE TABLE alert_transitions (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('firing', 'escalated', 'resolved')),
    at TEXT NOT NULL,
    facts TEXT NOT NULL,
    notified TEXT NOT NULL CHECK (notified IN ('sent', 'held', 'suppressed'))
  ) STRICT;
  CREATE INDEX alert_transitions_by_alert ON alert_transitions(alert_id, seq);

  CREATE TABLE alert_memory (
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    memory TEXT NOT NULL,
    due_at TEXT,
    PRIMARY KEY (device_id, rule)
  ) STRICT;

  -- zone_id '' is the override for the whole gate.
  CREATE TABLE alert_policies (
    gate_id TEXT NOT NULL REFERENCES gates(id) ON DELETE CASCADE,
    zone_id TEXT NOT NULL DEFAULT '',
    policy TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (gate_id, zone_id)
  ) STRICT;
`;
