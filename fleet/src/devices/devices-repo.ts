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
import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';
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
  private readonly log: Logger;

  constructor(
    private readonly store: Sql,
    log?: Logger,
  ) {
    this.log = (log ?? fallbackLogger('devices')).child({ mod: 'devices' });
  }

  /** NOT_FOUND for an unknown gate or zone, CONFLICT for a duplicate id. */
  async create(
    input: { id: string; name: string; gateId: string; zoneId: string; tags: string[] },
    secret: SecretHash,
  ): Promise<DeviceRecord> {
    const parsed = createInputSchema.safeParse(input);
    if (!parsed.success) throw new GatecastError('BAD_REQUEST', `device: ${describeZodError(parsed.error)}`);
    const { id, name, gateId, zoneId, tags } = parsed.data;
    if (!(await this.store.one(sql`SELECT 1 AS found FROM gates WHERE id = ${gateId}`)))
      throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
    if (
      !(await this.store.one(sql`SELECT 1 AS found FROM zones WHERE gate_id = ${gateId} AND id = ${zoneId}`))
    ) {
      throw new GatecastError('NOT_FOUND', `zone ${zoneId} does not exist in gate ${gateId}`);
    }
    const createdAt = new Date().toISOString();
    try {
      const created = await this.store.transaction(async () => {
        const inserted = await this.store.run(
          sql`INSERT INTO devices (id, name, gate_id, zone_id, tags, created_at)
              VALUES (${id}, ${name}, ${gateId}, ${zoneId}, ${JSON.stringify(tags)}, ${createdAt})
              ON CONFLICT DO NOTHING`,
        );
        // A taken id: nothing to write, and the CONFLICT is thrown once the transaction is over.
        if (inserted === 0) return false;
        await this.store.run(
          sql`INSERT INTO device_credentials (device_id, salt, hash) VALUES (${id}, ${secret.salt}, ${secret.hash})`,
        );
        return true;
      });
      if (!created) throw new GatecastError('CONFLICT', `device ${id} already exists`);
    } catch (error) {
      if (isConstraintError(error, 'foreign-key')) {
        throw new GatecastError('NOT_FOUND', `zone ${zoneId} does not exist in gate ${gateId}`);
      }
      throw error;
    }
    return (await this.get(id)) as DeviceRecord;
  }

  async get(id: string): Promise<DeviceRecord | undefined> {
    const row = await this.store.one<DeviceRow>(sql`SELECT * FROM devices WHERE id = ${id}`);
    return row && toDeviceRecord(row, this.log);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.store.one(sql`SELECT 1 AS found FROM devices WHERE id = ${id}`)) !== undefined;
  }

  async list(filter: { gateId?: string; zoneId?: string } = {}): Promise<DeviceRecord[]> {
    const where = [sql`TRUE`];
    if (filter.gateId !== undefined) where.push(sql`gate_id = ${filter.gateId}`);
    if (filter.zoneId !== undefined) where.push(sql`zone_id = ${filter.zoneId}`);
    const rows = await this.store.all<DeviceRow>(
      sql`SELECT * FROM devices WHERE ${sql.join(where, sql` AND `)} ORDER BY id`,
    );
    return rows.map((row) => toDeviceRecord(row, this.log));
  }

  /** Deletes the device with its credential, telemetry and stored desired document. */
  async remove(id: string): Promise<boolean> {
    return (await this.store.run(sql`DELETE FROM devices WHERE id = ${id}`)) > 0;
  }

  async credential(id: string): Promise<SecretHash | undefined> {
    return this.store.one<SecretHash>(sql`SELECT salt, hash FROM device_credentials WHERE device_id = ${id}`);
  }

  /** A new secret's hash in place of the old; false when the device is not in the store. */
  async replaceCredential(id: string, secret: SecretHash): Promise<boolean> {
    const changed = await this.store.run(
      sql`UPDATE device_credentials SET salt = ${secret.salt}, hash = ${secret.hash} WHERE device_id = ${id}`,
    );
    return changed > 0;
  }

  /**
   * `since` moves only when the state changes; `lastSeenAt` is always `at`. An agent version
   * from the status message is kept when given. False when the device is not in the store.
   */
  async setPresence(
    id: string,
    state: 'online' | 'offline',
    at: string,
    agentVersion?: string,
  ): Promise<boolean> {
    // SET expressions all read the old row, so the CASE sees the previous state.
    const changed = await this.store.run(
      sql`UPDATE devices SET
            presence_since = CASE WHEN presence_state = ${state} THEN presence_since ELSE ${at} END,
            presence_state = ${state}, last_seen_at = ${at},
            agent_version = COALESCE(CAST(${agentVersion ?? null} AS TEXT), agent_version)
          WHERE id = ${id}`,
    );
    return changed > 0;
  }

  /** Fleet start: no device is connected to a broker that has just started. */
  async markAllOffline(at: string): Promise<number> {
    return this.store.run(
      sql`UPDATE devices SET presence_state = 'offline', presence_since = ${at} WHERE presence_state = 'online'`,
    );
  }

  /** Stores the report and its agent version. False when the device is not in the store. */
  async saveReported(id: string, reported: ReportedState, at: string): Promise<boolean> {
    const changed = await this.store.run(
      sql`UPDATE devices SET reported = ${JSON.stringify(reported)}, reported_at = ${at}, last_seen_at = ${at},
            agent_version = ${reported.agentVersion} WHERE id = ${id}`,
    );
    return changed > 0;
  }

  /** The hot path: one UPDATE for the latest sample and one INSERT for history, in one transaction. */
  async saveTelemetry(id: string, sample: TelemetrySample, receivedAt: string): Promise<boolean> {
    const json = JSON.stringify(sample);
    return this.store.transaction(async () => {
      const changed = await this.store.run(
        sql`UPDATE devices SET last_telemetry = ${json}, last_telemetry_at = ${receivedAt},
              last_seen_at = ${receivedAt} WHERE id = ${id}`,
      );
      if (changed === 0) return false;
      await this.store.run(
        sql`INSERT INTO telemetry (device_id, received_at, sample) VALUES (${id}, ${receivedAt}, ${json})`,
      );
      return true;
    });
  }

  /** Newest first; `since` is inclusive. */
  async telemetryHistory(
    id: string,
    options: { since?: string; limit: number },
  ): Promise<Array<{ receivedAt: string; sample: TelemetrySample }>> {
    const limit = Math.max(1, Math.min(MAX_HISTORY, Math.floor(options.limit)));
    const since = normaliseTime(options.since);
    const rows = await this.store.all<{ received_at: string; sample: string }>(
      sql`SELECT received_at, sample FROM telemetry WHERE device_id = ${id}
            ${since === null ? sql`` : sql`AND received_at >= ${since}`}
          ORDER BY received_at DESC, id DESC LIMIT ${limit}`,
    );
    const samples: Array<{ receivedAt: string; sample: TelemetrySample }> = [];
    for (const row of rows) {
      const where = { table: 'telemetry', column: 'sample', id: `${id}@${row.received_at}` };
      const sample = parseJsonColumn(telemetrySchema, row.sample, this.log, where);
      if (sample) samples.push({ receivedAt: row.received_at, sample });
    }
    return samples;
  }

  /** What the screen is for (the column of migration step 8); signage for an unknown device. */
  async profileOf(id: string): Promise<DeviceProfile> {
    const row = await this.store.one<{ profile: DeviceProfile }>(
      sql`SELECT profile FROM devices WHERE id = ${id}`,
    );
    return row?.profile ?? 'signage';
  }

  /** False when the device is not in the store. */
  async setProfile(id: string, profile: DeviceProfile): Promise<boolean> {
    return (await this.store.run(sql`UPDATE devices SET profile = ${profile} WHERE id = ${id}`)) > 0;
  }

  /** Retention: deletes history rows received before `before`. Returns how many. */
  async pruneTelemetry(before: string): Promise<number> {
    return this.store.run(sql`DELETE FROM telemetry WHERE received_at < ${normaliseTime(before)}`);
  }
}

/** Stored times are `toISOString()` output; compare like with like. */
function normaliseTime(time: string | undefined): string | null {
  if (time === undefined) return null;
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new GatecastError('BAD_REQUEST', `not a time: ${time}`);
  return new Date(ms).toISOString();
}
