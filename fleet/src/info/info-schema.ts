/**
 * Migration step 8: the information tree and screen profiles. Append-only once released.
 *
 * `info_nodes` follow the approval workflow like content_work; `spec` holds the texts and blocks
 * (JSON, info-specs.ts). `gate_id` NULL is a fleet-wide node shown at every gate. A parent is
 * never deleted under its children (RESTRICT): the tree cannot hold orphans.
 * `info_bundles` keeps, per gate, the latest built bundle file and a version that only rises,
 * like desired_versions: no foreign key, so a re-created gate never reuses an old version.
 * `devices.profile` says what a screen is for: signage (the default), a lookup kiosk or a counter.
 */
export const INFO_MIGRATION = `
  CREATE TABLE info_nodes (
    id TEXT PRIMARY KEY,
    gate_id TEXT REFERENCES gates(id) ON DELETE CASCADE,
    parent_id TEXT REFERENCES info_nodes(id) ON DELETE RESTRICT,
    kind TEXT NOT NULL CHECK (kind IN ('category', 'page')),
    position INTEGER NOT NULL,
    spec TEXT NOT NULL,
    sample INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1)),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'rejected', 'published')),
    revision INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    reviewer_id TEXT,
    review_comment TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX info_nodes_by_gate ON info_nodes(gate_id);
  CREATE INDEX info_nodes_by_parent ON info_nodes(parent_id);

  CREATE TABLE info_bundles (
    gate_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    sha256 TEXT,
    size_bytes INTEGER,
    fingerprint TEXT,
    built_at TEXT NOT NULL
  ) STRICT;

  ALTER TABLE devices ADD COLUMN profile TEXT NOT NULL DEFAULT 'signage'
    CHECK (profile IN ('signage', 'lookup', 'counter'));
`;
