/**
 * Migration step 14: rollouts, the screens each one took (fixed at creation), the release each
 * screen is assigned (its desired `agent`), and each gate's maintenance window.
 * Append-only once released (see store/migrations.ts).
 */
export const ROLLOUTS_MIGRATION = `
  CREATE TABLE rollouts (
    id TEXT PRIMARY KEY,
    version TEXT NOT NULL REFERENCES releases(version),
    state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'completed', 'aborted')),
    pause_reason TEXT,
    target TEXT NOT NULL,
    waves TEXT NOT NULL,
    gates TEXT NOT NULL,
    current_wave INTEGER NOT NULL DEFAULT 0,
    max_failures INTEGER NOT NULL,
    -- Failures a resume accepted: only failures past these count against max_failures again.
    failures_accepted INTEGER NOT NULL DEFAULT 0,
    ignore_windows INTEGER NOT NULL,
    rollback_of TEXT REFERENCES rollouts(id),
    created_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
  ) STRICT;
  CREATE INDEX rollouts_active ON rollouts(state) WHERE state IN ('running', 'paused');

  -- No foreign key to devices: a removed screen stays in the rollout's history.
  CREATE TABLE rollout_screens (
    rollout_id TEXT NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    name TEXT NOT NULL,
    gate_id TEXT NOT NULL,
    zone_id TEXT,
    wave INTEGER NOT NULL,
    state TEXT NOT NULL,
    waiting_for TEXT,
    from_version TEXT,
    -- The assignment the screen had before this rollout handed it its release, restored when it fails
    -- or the rollout is aborted (null: none).
    previous_version TEXT,
    previous_rollout TEXT,
    problem TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (rollout_id, device_id)
  ) STRICT;
  CREATE INDEX rollout_screens_by_device ON rollout_screens(device_id);

  -- The release a screen should run (desired state): it outlives the rollout that set it.
  CREATE TABLE device_releases (
    device_id TEXT PRIMARY KEY,
    version TEXT NOT NULL REFERENCES releases(version),
    rollout_id TEXT,
    assigned_at TEXT NOT NULL
  ) STRICT;

  ALTER TABLE gates ADD COLUMN maintenance_window TEXT;
`;
