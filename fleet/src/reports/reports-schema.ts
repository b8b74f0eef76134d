/**
 * Migration step 7: presence history for the yearly uptime report. Append-only once released
 * (see store/migrations.ts).
 *
 * The devices row keeps only the current presence; triggers copy every change into
 * presence_log, so no code path that moves presence (inbox, fleet start, enrolment, removal)
 * can forget to record it. No foreign key on purpose: a removed screen's history stays, like its
 * device events, and gate_id/zone_id are the screen's place when the row was written, so access
 * stays scoped after removal.
 */
export const REPORTS_MIGRATION = `
  CREATE TABLE presence_log (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    gate_id TEXT NOT NULL,
    zone_id TEXT NOT NULL,
    device_name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('enrolled', 'online', 'offline', 'removed')),
    at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX presence_log_by_gate_time ON presence_log(gate_id, at);
  CREATE INDEX presence_log_by_device ON presence_log(device_id, id);

  CREATE TRIGGER presence_log_enrolled AFTER INSERT ON devices
  BEGIN
    INSERT INTO presence_log (device_id, gate_id, zone_id, device_name, state, at)
    VALUES (NEW.id, NEW.gate_id, NEW.zone_id, NEW.name, 'enrolled', NEW.created_at);
  END;

  -- presence_since moves exactly when the state changes (DevicesRepo.setPresence, markAllOffline).
  CREATE TRIGGER presence_log_changed AFTER UPDATE OF presence_state ON devices
  WHEN NEW.presence_state IS NOT OLD.presence_state AND NEW.presence_state IN ('online', 'offline')
  BEGIN
    INSERT INTO presence_log (device_id, gate_id, zone_id, device_name, state, at)
    VALUES (NEW.id, NEW.gate_id, NEW.zone_id, NEW.name, NEW.presence_state,
      COALESCE(NEW.presence_since, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
  END;

  -- Removal ends the screen's observed time; its same-format clock is the store's, like created_at.
  CREATE TRIGGER presence_log_removed AFTER DELETE ON devices
  BEGIN
    INSERT INTO presence_log (device_id, gate_id, zone_id, device_name, state, at)
    VALUES (OLD.id, OLD.gate_id, OLD.zone_id, OLD.name, 'removed', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
  END;
`;
