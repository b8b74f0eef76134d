/**
 * Migration step 9: information counters. A counter screen shows a pairing code; a tablet that
 * types it gets a pairing (a token bound to that screen, stored only as a hash); through it the
 * staff push one page of the gate's information tree to the screen. Append-only once released.
 */
export const COUNTERS_MIGRATION = `
  CREATE TABLE counter_codes (
    device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    code TEXT NOT NULL UNIQUE CHECK (length(code) = 6),
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE counter_pairings (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT,
    revoked_by TEXT
  ) STRICT;
  CREATE INDEX counter_pairings_device ON counter_pairings (device_id);

  CREATE TABLE counter_pages (
    device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    node_id TEXT NOT NULL,
    language TEXT NOT NULL,
    shown_since TEXT NOT NULL,
    until TEXT,
    pairing_id TEXT NOT NULL
  ) STRICT;
`;
