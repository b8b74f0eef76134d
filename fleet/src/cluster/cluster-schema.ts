/**
 * Migration step 16: what several `gatecast serve` processes sharing one store need to agree on.
 * Which processes are alive (their last heartbeat), which process holds each screen's connection,
 * and who runs each single-runner engine (a lease with an expiry). Plain TEXT and INTEGER, ISO-8601
 * times compared as text, no STRICT and no SQLite functions: the same SQL runs on PostgreSQL.
 * Append-only once released (see store/migrations.ts).
 */
export const CLUSTER_MIGRATION = `
  CREATE TABLE cluster_processes (
    process_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    beat_at TEXT NOT NULL
  );

  -- No foreign keys: a claim outlives neither its process (swept together) nor matters once the
  -- screen is gone; rows are few (one per connected screen).
  CREATE TABLE cluster_screens (
    device_id TEXT PRIMARY KEY,
    process_id TEXT NOT NULL,
    since TEXT NOT NULL
  );
  CREATE INDEX cluster_screens_by_process ON cluster_screens(process_id);

  CREATE TABLE cluster_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
`;
