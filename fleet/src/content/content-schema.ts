/**
 * Migration step for the content items, playlists, layouts and schedules under approval.
 * Append-only once released (see store/migrations.ts).
 *
 * Items, playlists and schedules share one table: they follow the same approval workflow
 * (approval/approval-workflow.ts) and only their `spec` (JSON, validated by content-specs.ts)
 * differs. `gate_id` is the owner scope: a gate, or NULL for fleet-wide work.
 * `media_sha256` is copied out of an item's spec so the media library can ask what uses a file.
 */
export const CONTENT_MIGRATION = `
  CREATE TABLE content_work (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('item', 'playlist', 'schedule')),
    gate_id TEXT REFERENCES gates(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    media_sha256 TEXT,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'rejected', 'published')),
    revision INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    reviewer_id TEXT,
    review_comment TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX content_work_by_type_state ON content_work(type, state);
  CREATE INDEX content_work_by_media ON content_work(media_sha256) WHERE media_sha256 IS NOT NULL;

  -- One row per scope: a gate ('' zone and device), a zone ('' device) or a device. The most
  -- specific row wins: device over zone over gate; no row at all means the full-screen layout.
  CREATE TABLE content_layouts (
    gate_id TEXT NOT NULL REFERENCES gates(id) ON DELETE CASCADE,
    zone_id TEXT NOT NULL DEFAULT '',
    device_id TEXT NOT NULL DEFAULT '',
    layout TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (gate_id, zone_id, device_id)
  ) STRICT;
`;
