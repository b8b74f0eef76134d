/** Migration step for the urgent announcements, their templates and per-screen receipts. Append-only once released (see store/migrations.ts). */
export const ANNOUNCEMENTS_MIGRATION = `
  -- Pre-approved texts a duty officer fires at once. They follow the approval workflow
  -- (approval/approval-workflow.ts); only a published template can be fired.
  -- gate_id NULL = a fleet-wide template; otherwise it may only be fired at its own gate.
  CREATE TABLE announcement_templates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    gate_id TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    auto_fire INTEGER NOT NULL DEFAULT 0 CHECK (auto_fire IN (0, 1)),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'rejected', 'published')),
    revision INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    reviewer_id TEXT,
    review_comment TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX announcement_templates_by_name ON announcement_templates(name);

  -- One announcement: the texts are copied from the template when fired, so a later template
  -- edit never changes what a screen showed. status 'active' is scheduled, live or expired by
  -- the clock (starts_at, expires_at); the other states are final or wait for a second person.
  -- No foreign keys to users or gates: the record outlives them (yearly report, audit).
  CREATE TABLE announcements (
    id TEXT PRIMARY KEY,
    template_id TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    targets TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('awaiting-approval', 'rejected', 'active', 'cancelled')),
    created_by TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    approved_by TEXT,
    approved_by_name TEXT,
    review_comment TEXT,
    requested_start_at TEXT,
    requested_expires_at TEXT,
    duration_sec INTEGER,
    starts_at TEXT,
    expires_at TEXT,
    fired_at TEXT,
    cancelled_at TEXT,
    cancelled_by TEXT,
    cap_identifier TEXT,
    cap_sender TEXT
  ) STRICT;
  CREATE INDEX announcements_active ON announcements(status, expires_at);
  CREATE INDEX announcements_by_cap ON announcements(cap_sender, cap_identifier);

  -- The screens an announcement targeted when it went out: receipts are counted against them,
  -- and a removed screen stays in the record.
  CREATE TABLE announcement_screens (
    announcement_id TEXT NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    device_name TEXT NOT NULL,
    gate_id TEXT NOT NULL,
    zone_id TEXT NOT NULL,
    PRIMARY KEY (announcement_id, device_id)
  ) STRICT;
`;
