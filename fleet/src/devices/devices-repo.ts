import {
  GatecastError,
  deviceIdSchema,
  describeZodError,
  slugSchema,
  telemetrySchema,
  type DeviceProfile,
  type ReportedState,
  type TelemetrySample,
} from '@gatecast/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../store/database.js';
import { fallbackLogger } from '../store/fallback-logger.js';
import { parseJsonColumn } from '../store/json-column.js';
import { isConstraintError } from '../store/constraint-errors.js';
import { tagsSchema, toDeviceRecord, type DeviceRecord, type DeviceRow } from './device-row.js';
import type { SecretHash } from './device-secrets.js';

export type { DeviceRecord, PresenceState } from './device-row.js';

const createInputSchema = z.object({
  id: deviceIdSchema,
  name: z.string().trim().min(1).max(120),
  gateId: slugSchema,
  zoneId: slugSchema,
  tags: tagsSchema,
});

const MAX_HISTORY = 10_000;

export class DevicesRepo {
  private readonly db: Database;
  private readonly log: Logger;
  private readonly stmts;

  constructor(db: Database, log?: Logger) {
    this.db = db;
    this.log = (log ?? fallbackLogger('devices')).child({ mod: 'devices' });
    this.stmts = prepare(db);
  }

  /** NOT_FOUND for an unknown gate or zone, CONFLICT for a duplicate id. */
  create(
    input: { id: string; name: string; gateId: string; zoneId: string; tags: string[] },
    secret: SecretHash,
  ): DeviceRecord {
    const parsed = createInputSchema.safeParse(input);
    if (!parsed.success) throw new GatecastError('BAD_REQUEST', `device: ${describeZodError(parsed.error)}`);
    const { id, name, gateId, zoneId, tags } = parsed.data;
    if (!this.stmts.gateExists.get(gateId))
      throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
    if (!this.stmts.zoneExists.get(gateId, zoneId)) {
      throw new GatecastError('NOT_FOUND', `zone ${zoneId} does not exist in gate ${gateId}`);
    }
    const createdAt = new Date().toISOString();
    try {
      this.db.transaction(() => {
        this.stmts.insert.run(id, name, gateId, zoneId, JSON.stringify(tags), createdAt);
        this.stmts.insertCredential.run(id, secret.salt, secret.hash);
      })();
    } catch (error) {
      if (isConstraintError(error, 'primary-key'))
        throw new GatecastError('CONFLICT', `device ${id} already exists`);
      if (isConstraintError(error, 'foreign-key')) {
        throw new GatecastError('NOT_FOUND', `zone ${zoneId} does not exist in gate ${gateId}`);
      }
      throw error;
    }
    return this.get(id) as DeviceRecord;
  }

  get(id: string): DeviceRecord | undefined {
    const row = this.stmts.get.get(id);
    return row && toDeviceRecord(row, this.log);
  }

  exists(id: string): boolean {
    return this.stmts.exists.get(id) !== undefined;
  }

  list(filter: { gateId?: string; zoneId?: string } = {}): DeviceRecord[] {
    const rows = this.stmts.list.all({ gate_id: filter.gateId ?? null, zone_id: filter.zoneId ?? null });
    return rows.map((row) => toDeviceRecord(row, this.log));
  }

  /** Deletes the device with its credential, telemetry and stored desired document. */
  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  credential(id: string): SecretHash | undefined {
    return this.stmts.credential.get(id);
  }

  /** A new secret's hash in place of the old; false when the device is not in the store. */
  replaceCredential(id: string, secret: SecretHash): boolean {
    return this.stmts.replaceCredential.run(secret.salt, secret.hash, id).changes > 0;
  }

  /**
   * `since` moves only when the state changes; `lastSeenAt` is always `at`. An agent version
   * from the status message is kept when given. False when the device is not in the store.
   */
  setPresence(id: string, state: 'online' | 'offline', at: string, agentVersion?: string): boolean {
    return this.stmts.presence.run({ id, state, at, agent_version: agentVersion ?? null }).changes > 0;
  }

  /** Fleet start: no device is connected to a broker that has just started. */
  markAllOffline(at: string): number {
    return this.stmts.allOffline.run(at).changes;
  }

  /** Stores the report and its agent version. False when the device is not in the store. */
  saveReported(id: string, reported: ReportedState, at: string): boolean {
    const json = JSON.stringify(reported);
    return this.stmts.reported.run({ id, json, at, agent_version: reported.agentVersion }).changes > 0;
  }

  /** The hot path: one UPDATE for the latest sample and one INSERT for history, in one transaction. */
  saveTelemetry(id: string, sample: TelemetrySample, receivedAt: string): boolean {
    const json = JSON.stringify(sample);
    return this.db.transaction(() => {
      if (this.stmts.telemetry.run({ id, json, at: receivedAt }).changes === 0) return false;
      this.stmts.insertTelemetry.run(id, receivedAt, json);
      return true;
    })();
  }

  /** Newest first; `since` is inclusive. */
  telemetryHistory(
    id: string,
    options: { since?: string; limit: number },
  ): Array<{ receivedAt: string; sample: TelemetrySample }> {
    const limit = Math.max(1, Math.min(MAX_HISTORY, Math.floor(options.limit)));
    const rows = this.stmts.history.all({ id, since: normaliseTime(options.since), limit });
    const samples: Array<{ receivedAt: string; sample: TelemetrySample }> = [];
    for (const row of rows) {
      const where = { table: 'telemetry', column: 'sample', id: `${id}@${row.received_at}` };
      const sample = parseJsonColumn(telemetrySchema, row.sample, this.log, where);
      if (sample) samples.push({ receivedAt: row.received_at, sample });
    }
    return samples;
  }

  /** What the screen is for (the column of migration step 8); signage for an unknown device. */
  profileOf(id: string): DeviceProfile {
    return this.stmts.profile.get(id) ?? 'signage';
  }

  /** False when the device is not in the store. */
  setProfile(id: string, profile: DeviceProfile): boolean {
    return this.stmts.setProfile.run(profile, id).changes > 0;
  }

  /** Retention: deletes history rows received before `before`. Returns how many. */
  pruneTelemetry(before: string): number {
    return this.stmts.prune.run(normaliseTime(before)).changes;
  }
}

/** Stored times are `toISOString()` output; compare like with like. */
function normaliseTime(time: string | undefined): string | null {
  if (time === undefined) return null;
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new GatecastError('BAD_REQUEST', `not a time: ${time}`);
  return new Date(ms).toISOString();
}

function prepare(db: Database) {
  return {
    gateExists: db.prepare<[string], 1>('SELECT 1 FROM gates WHERE id = ?').pluck(),
    zoneExists: db.prepare<[string, string], 1>('SELECT 1 FROM zones WHERE gate_id = ? AND id = ?').pluck(),
    insert: db.prepare<[string, string, string, string, string, string]>(
      'INSERT INTO devices (id, name, gate_id, zone_id, tags, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertCredential: db.prepare<[string, string, string]>(
      'INSERT INTO device_credentials (device_id, salt, hash) VALUES (?, ?, ?)',
    ),
    get: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
    exists: db.prepare<[string], 1>('SELECT 1 FROM devices WHERE id = ?').pluck(),
    list: db.prepare<[{ gate_id: string | null; zone_id: string | null }], DeviceRow>(
      `SELECT * FROM devices WHERE (@gate_id IS NULL OR gate_id = @gate_id)
         AND (@zone_id IS NULL OR zone_id = @zone_id) ORDER BY id`,
    ),
    remove: db.prepare<[string]>('DELETE FROM devices WHERE id = ?'),
    credential: db.prepare<[string], SecretHash>(
      'SELECT salt, hash FROM device_credentials WHERE device_id = ?',
    ),
    replaceCredential: db.prepare<[string, string, string]>(
      'UPDATE device_credentials SET salt = ?, hash = ? WHERE device_id = ?',
    ),
    // SET expressions all read the old row, so the CASE sees the previous state.
    presence: db.prepare<[{ id: string; state: string; at: string; agent_version: string | null }]>(
      `UPDATE devices SET
         presence_since = CASE WHEN presence_state = @state THEN presence_since ELSE @at END,
         presence_state = @state, last_seen_at = @at,
         agent_version = COALESCE(@agent_version, agent_version)
       WHERE id = @id`,
    ),
    allOffline: db.prepare<[string]>(
      `UPDATE devices SET presence_state = 'offline', presence_since = ? WHERE presence_state = 'online'`,
    ),
    reported: db.prepare<[{ id: string; json: string; at: string; agent_version: string }]>(
      `UPDATE devices SET reported = @json, reported_at = @at, last_seen_at = @at,
         agent_version = @agent_version WHERE id = @id`,
    ),
    telemetry: db.prepare<[{ id: string; json: string; at: string }]>(
      'UPDATE devices SET last_telemetry = @json, last_telemetry_at = @at, last_seen_at = @at WHERE id = @id',
    ),
    insertTelemetry: db.prepare<[string, string, string]>(
      'INSERT INTO telemetry (device_id, received_at, sample) VALUES (?, ?, ?)',
    ),
    history: db.prepare<
      [{ id: string; since: string | null; limit: number }],
      { received_at: string; sample: string }
    >(
      `SELECT received_at, sample FROM telemetry WHERE device_id = @id
         AND (@since IS NULL OR received_at >= @since) ORDER BY received_at DESC, id DESC LIMIT @limit`,
    ),
    prune: db.prepare<[string | null]>('DELETE FROM telemetry WHERE received_at < ?'),
    profile: db.prepare<[string], DeviceProfile>('SELECT profile FROM devices WHERE id = ?').pluck(),
    setProfile: db.prepare<[DeviceProfile, string]>('UPDATE devices SET profile = ? WHERE id = ?'),
  };
}
