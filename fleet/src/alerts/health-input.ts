import type { DesiredDocument } from '@gatecast/protocol';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { DeviceRecord } from '../devices/devices-repo.js';
import { DeviceEventsRepo } from '../events/device-events-repo.js';
import type { Sql } from '../store/sql.js';
import type { ResolvedPolicy } from './alert-policy.js';
import { AlertsRepo } from './alerts-repo.js';
import type { DeviceHealthInput, UpdateFailure } from './rules/rule-types.js';

/** Agent starts looked at after a failed update, to see whether the target version came up later. */
const STARTS_AFTER_FAILURE = 50;

export interface HealthInputSources {
  log: Logger;
  desired: { latest(deviceId: string): Promise<DesiredDocument | undefined> };
}

/** A screen's last failed update as last read, and the events it was read from. */
interface CachedFailure {
  marker: string;
  failure: Omit<UpdateFailure, 'dismissed'> | null;
}

/**
 * Reads what the rules need about one screen from the store. `tx` is the engine's recording
 * transaction: on SQLite's one connection a read outside it would wait for it to end.
 */
export class HealthInputReader {
  private readonly sources: HealthInputSources;
  private readonly failures = new Map<string, CachedFailure>();

  constructor(sources: HealthInputSources) {
    this.sources = sources;
  }

  async read(
    tx: Sql,
    device: DeviceRecord,
    timeZone: string,
    policy: ResolvedPolicy,
    now: Date,
  ): Promise<DeviceHealthInput> {
    const flapWindowMs = policy.rules.offline.flapWindowSec * 1000;
    const after = new Date(now.getTime() - flapWindowMs).toISOString();
    const changes = await tx.all<{ at: string }>(
      sql`SELECT at FROM presence_log WHERE device_id = ${device.id} AND state IN ('online', 'offline')
            AND at > ${after}
          ORDER BY id`,
    );
    return {
      deviceId: device.id,
      createdAt: device.createdAt,
      presence: device.presence,
      presenceChanges: changes.map((row) => row.at),
      reported: device.reported,
      lastTelemetry: device.lastTelemetry,
      lastTelemetryAt: device.lastTelemetryAt,
      desired: (await this.sources.desired.latest(device.id)) ?? null,
      timeZone,
      displayOnHours: policy.displayOnHours,
      updateFailure: await this.updateFailure(tx, device.id),
    };
  }

  /** The screen is gone: drop what is kept of it. */
  forget(deviceId: string): void {
    this.failures.delete(deviceId);
  }

  /**
   * Re-read only when the screen's newest failed update or its agent starts changed (a start stored
   * late still changes their count); whether it was dismissed can change any time, so it is not kept.
   */
  private async updateFailure(tx: Sql, deviceId: string): Promise<UpdateFailure | null> {
    // Both use the (device, kind, time) index: a screen without failed updates costs one lookup,
    // not a walk over its play events.
    const latest = await tx.one<{ id: string }>(
      sql`SELECT id FROM device_events WHERE device_id = ${deviceId} AND kind = 'update-failed'
          ORDER BY at DESC, id DESC LIMIT 1`,
    );
    if (latest === undefined) {
      this.failures.delete(deviceId);
      return null;
    }
    const starts = await tx.one<{ n: number; last: string | null }>(
      sql`SELECT COUNT(*) AS n, MAX(received_at) AS last FROM device_events
          WHERE device_id = ${deviceId} AND kind = 'agent-started'`,
    );
    const marker = `${latest.id}|${starts?.n ?? 0}|${starts?.last ?? ''}`;
    let cached = this.failures.get(deviceId);
    if (cached?.marker !== marker) {
      cached = { marker, failure: await this.readFailure(tx, deviceId) };
      this.failures.set(deviceId, cached);
    }
    if (!cached.failure) return null;
    return {
      ...cached.failure,
      dismissed: await new AlertsRepo(tx).updateFailureDismissed(deviceId, cached.failure.eventId),
    };
  }

  private async readFailure(tx: Sql, deviceId: string): Promise<Omit<UpdateFailure, 'dismissed'> | null> {
    const deviceEvents = new DeviceEventsRepo(tx, this.sources.log);
    const latest = (await deviceEvents.list(deviceId, { kind: 'update-failed', limit: 1 })).events[0];
    if (!latest || latest.event.kind !== 'update-failed') return null;
    const failure = latest.event;
    const starts = await deviceEvents.list(deviceId, {
      kind: 'agent-started',
      since: failure.at,
      limit: STARTS_AFTER_FAILURE,
    });
    const committed = starts.events.some(
      ({ event }) => event.kind === 'agent-started' && event.agentVersion === failure.targetVersion,
    );
    return {
      eventId: failure.id,
      at: latest.receivedAt,
      targetVersion: failure.targetVersion,
      runningVersion: failure.runningVersion,
      stage: failure.stage,
      message: failure.problem.message,
      committed,
    };
  }
}
