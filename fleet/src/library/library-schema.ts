/** Migration step for the media library: uploaded files, resumable uploads, per-gate web allow-lists. Append-only once released (see store/migrations.ts). */
export const LIBRARY_MIGRATION = `
  -- One row per distinct file: the same bytes uploaded twice are one row (and one file).
  CREATE TABLE library_media (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'html-package')),
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    probe TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    thumbnail_type TEXT,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
  ) STRICT;

  -- A tus upload: its bytes so far live in <dataDir>/uploads/<id>; the file's length is the offset.
  CREATE TABLE library_uploads (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    declared_type TEXT,
    declared_sha256 TEXT,
    size_bytes INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('receiving', 'complete', 'refused')),
    media_sha256 TEXT,
    refusal TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX library_uploads_by_expiry ON library_uploads(expires_at);

  -- Origins (https://www.haiphong.gov.vn) or host wildcards (https://*.haiphong.gov.vn) web items may show.
  ALTER TABLE gates ADD COLUMN web_allow_list TEXT NOT NULL DEFAULT '[]';
`;
