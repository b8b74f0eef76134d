/**
 * Migration step 15: enrolment tokens (a gate's invitation for screens to ask to join) and the
 * requests screens make with them. Tokens and poll tokens are stored as sha256 hashes only.
 * Append-only once released (see store/migrations.ts).
 */
export const ENROLMENT_MIGRATION = `
  CREATE TABLE enrolment_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    gate_id TEXT NOT NULL REFERENCES gates(id) ON DELETE CASCADE,
    zone_id TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
  ) STRICT;

  CREATE TABLE enrolment_requests (
    id TEXT PRIMARY KEY,
    token_id TEXT NOT NULL REFERENCES enrolment_tokens(id) ON DELETE CASCADE,
    serial TEXT NOT NULL,
    model TEXT NOT NULL,
    agent_version TEXT NOT NULL,
    network TEXT,
    requested_gate_id TEXT,
    requested_zone_id TEXT,
    pairing_code TEXT NOT NULL,
    poll_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused', 'expired')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    device_id TEXT,
    -- The approved screen's credentials, kept only until its first poll collects them.
    delivery TEXT,
    decided_by TEXT,
    decided_at TEXT
  ) STRICT;
  -- A code names one waiting screen: unique among pending requests, free again afterwards.
  CREATE UNIQUE INDEX enrolment_pending_codes ON enrolment_requests(pairing_code) WHERE state = 'pending';
  CREATE INDEX enrolment_requests_by_serial ON enrolment_requests(token_id, serial, state);
`;
