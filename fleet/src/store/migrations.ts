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
];

export const SCHEMA_VERSION = MIGRATIONS.length;
