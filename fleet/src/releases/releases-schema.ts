/**
 * Migration step 13: agent releases. A row is created when a signed manifest is accepted; the
 * release is published (served to screens) only once its artifact is in and matched the manifest.
 * Append-only once released (see store/migrations.ts).
 */
export const RELEASES_MIGRATION = `
  CREATE TABLE releases (
    version TEXT PRIMARY KEY,
    manifest TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    artifact TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size > 0),
    created_at TEXT NOT NULL,
    created_by TEXT,
    published_at TEXT,
    published_by TEXT
  ) STRICT;
`;
