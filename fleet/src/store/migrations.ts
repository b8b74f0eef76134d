import { ALERTS_MIGRATION } from '../alerts/alerts-schema.js';
import { ANNOUNCEMENTS_MIGRATION } from '../announcements/announcements-schema.js';
import { COUNTERS_MIGRATION } from '../counters/counters-schema.js';
import { HEALTH_MIGRATION } from '../health/health-schema.js';
import { INFO_MIGRATION } from '../info/info-schema.js';
import { CLUSTER_MIGRATION } from '../cluster/cluster-schema.js';
import { CONTENT_MIGRATION } from '../content/content-schema.js';
import { ENROLMENT_MIGRATION } from '../enrolment/enrolment-schema.js';
import { LIBRARY_MIGRATION } from '../library/library-schema.js';
import { NOTIFY_MIGRATION } from '../notify/notify-schema.js';
import { REPORTS_MIGRATION } from '../reports/reports-schema.js';
import { RELEASES_MIGRATION } from '../releases/releases-schema.js';
import { ROLLOUTS_MIGRATION } from '../rollouts/rollouts-schema.js';

/**
 * The schema, as an append-only list: step N brings `PRAGMA user_version` from N to N + 1.
 * Never edit a released step; add a new one. Each step runs in its own transaction.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: gates, zones, devices and their credentials, telemetry, desired documents, API tokens.
  `
  CREATE TABLE gates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    languages TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) STRICT;

  -- Zone ids are scoped by gate: both the airport and the port may have an "arrivals-hall".
  CREATE TABLE zones (
    gate_id TEXT NOT NULL REFERENCES gates(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (gate_id, id)
  ) STRICT;

  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    gate_id TEXT NOT NULL,
    zone_id TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    presence_state TEXT NOT NULL DEFAULT 'never-seen'
      CHECK (presence_state IN ('online', 'offline', 'never-seen')),
    presence_since TEXT,
    last_seen_at TEXT,
    agent_version TEXT,
    reported TEXT,
    reported_at TEXT,
    last_telemetry TEXT,
    last_telemetry_at TEXT,
    FOREIGN KEY (gate_id, zone_id) REFERENCES zones(gate_id, id)
  ) STRICT;
  CREATE INDEX devices_by_zone ON devices(gate_id, zone_id);

  CREATE TABLE device_credentials (
    device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    salt TEXT NOT NULL,
    hash TEXT NOT NULL
  ) STRICT;

  CREATE TABLE telemetry (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    received_at TEXT NOT NULL,
    sample TEXT NOT NULL
  ) STRICT;
  CREATE INDEX telemetry_by_device_time ON telemetry(device_id, received_at);

  CREATE TABLE desired_documents (
    device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  -- No foreign key on purpose: the counter outlives the device, so a re-enrolled id keeps
  -- rising and its screen never mistakes a new document for a stale one.
  CREATE TABLE desired_versions (
    device_id TEXT PRIMARY KEY,
    last_version INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  ) STRICT;
  `,
  // 2: operators: users, their grants per gate, dashboard sessions, token owners, the audit log.
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 64),
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
    created_at TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
  ) STRICT;

  -- gate_id NULL = all gates. NULLs are distinct in a UNIQUE constraint, hence the expression index.
  CREATE TABLE user_grants (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL
      CHECK (role IN ('admin', 'operator', 'editor', 'approver', 'duty-officer', 'technician', 'viewer')),
    gate_id TEXT
  ) STRICT;
  CREATE UNIQUE INDEX user_grants_unique ON user_grants(user_id, role, IFNULL(gate_id, ''));

  -- Only the sha256 of a session id is stored, like API tokens: a copied database signs nobody in.
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX sessions_by_user ON sessions(user_id);

  -- Tokens of a deleted user go with it. The foundation's admin token gets its owner at the first start.
  ALTER TABLE api_tokens ADD COLUMN user_id TEXT REFERENCES users(id) ON DELETE CASCADE;
  CREATE INDEX api_tokens_by_user ON api_tokens(user_id);

  -- No foreign keys: the record outlives the users, devices and gates it names.
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    action TEXT NOT NULL,
    object_type TEXT,
    object_id TEXT,
    gate_id TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    status INTEGER NOT NULL,
    before TEXT,
    after TEXT,
    ip TEXT
  ) STRICT;
  CREATE INDEX audit_by_actor ON audit_log(actor_id, id);
  CREATE INDEX audit_by_gate ON audit_log(gate_id, id);
  CREATE INDEX audit_by_object ON audit_log(object_type, object_id, id);
  CREATE INDEX audit_by_at ON audit_log(at);

  -- Append-only: the record of who did what cannot be edited or trimmed through this database.
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  `,
  // 3: device events (proof of play, applied versions, errors), each stored once by its id.
  `
  -- No foreign key on purpose: a removed device's events stay, evidence for the yearly report.
  -- gate_id is the device's gate when the event arrived, so access stays scoped after removal.
  CREATE TABLE device_events (
    device_id TEXT NOT NULL,
    id TEXT NOT NULL,
    gate_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL,
    item_id TEXT,
    zone TEXT,
    language TEXT,
    started_at TEXT,
    duration_ms INTEGER,
    PRIMARY KEY (device_id, id)
  ) STRICT;
  CREATE INDEX device_events_by_device_time ON device_events(device_id, at, id);
  CREATE INDEX device_events_by_device_kind_time ON device_events(device_id, kind, at, id);
  CREATE INDEX device_events_by_gate_time ON device_events(gate_id, at);
  CREATE INDEX device_events_plays_by_item ON device_events(item_id, started_at)
    WHERE kind = 'proof-of-play';
  `,
  // 4: the media library (library/library-schema.ts).
  LIBRARY_MIGRATION,
  // 5: content, playlists, layouts and schedules (content/content-schema.ts).
  CONTENT_MIGRATION,
  // 6: announcements, templates and receipts (announcements/announcements-schema.ts).
  ANNOUNCEMENTS_MIGRATION,
  // 7: presence history for the yearly uptime report (reports/reports-schema.ts).
  REPORTS_MIGRATION,
  // 8: the information tree and screen profiles (info/info-schema.ts).
  INFO_MIGRATION,
  // 9: information counters: pairings and pushed pages (counters/counters-schema.ts).
  COUNTERS_MIGRATION,
  // 10: telemetry rollups per minute and per hour (health/health-schema.ts).
  HEALTH_MIGRATION,
  // 11: alerts, their transitions, the engine's memory and policies (alerts/alerts-schema.ts).
  ALERTS_MIGRATION,
  // 12: alert channels and the delivery outbox (notify/notify-schema.ts).
  NOTIFY_MIGRATION,
  // 13: agent releases: signed manifests and whether their artifact is in (releases/releases-schema.ts).
  RELEASES_MIGRATION,
  // 14: rollouts, their screens, each screen's assigned release, maintenance windows (rollouts/rollouts-schema.ts).
  ROLLOUTS_MIGRATION,
  // 15: enrolment tokens and the requests screens make with them (enrolment/enrolment-schema.ts).
  ENROLMENT_MIGRATION,
  // 16: processes, which one holds each screen, single-runner leases (cluster/cluster-schema.ts).
  CLUSTER_MIGRATION,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
