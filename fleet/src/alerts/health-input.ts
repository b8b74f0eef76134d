import type { DesiredDocument } from '@gatecast/protocol';
import type { DeviceRecord } from '../devices/devices-repo.js';
import type { DeviceEventsRepo } from '../events/device-events-repo.js';
import type { Database } from '../store/database.js';
import type { ResolvedPolicy } from './alert-policy.js';
import type { AlertsRepo } from './alerts-repo.js';
import type { DeviceHealthInput, UpdateFailure } from './rules/rule-types.js';

/** Agent starts looked at after a failed update, to see whether the target version came up later. */
const STARTS_AFTER_FAILURE = 50;

export interface HealthInputSources {
  db: Database;
  deviceEvents: Pick<DeviceEventsRepo, 'list'>;
  desired: { latest(deviceId: string): DesiredDocument | undefined };
  alerts: Pick<AlertsRepo, 'updateFailureDismissed'>;
}

/** A screen's last failed update as last read, and the events it was read from. */
interface CachedFailure {
  marker: string;
  failure: Omit<UpdateFailure, 'dismissed'> | null;
}

/** Reads what the rules need about one screen from the store. */
export class HealthInputReader {
  private readonly sources: HealthInputSources;
  private readonly presenceStmt;
  private readonly latestFailureStmt;
  private readonly startsMarkerStmt;
  private readonly failures = new Map<string, CachedFailure>();

  constructor(sources: HealthInputSources) {
    this.sources = sources;
    this.presenceStmt = sources.db
      .prepare<[string, string], string>(
        `SELECT at FROM presence_log WHERE device_id = ? AND state IN ('online', 'offline') AND at > ?
         ORDER BY id`,
      )
      .pluck();
    // Both use the (device, kind, time) index: a screen without failed updates costs one lookup,
    // not a walk over its play events.
    this.latestFailureStmt = sources.db
      .prepare<[string], string>(
        `SELECT id FROM device_events WHERE device_id = ? AND kind = 'update-failed'
         ORDER BY at DESC, id DESC LIMIT 1`,
      )
      .pluck();
    this.startsMarkerStmt = sources.db
      .prepare<[string], number | null>(
        `SELECT MAX(rowid) FROM device_events WHERE device_id = ? AND kind = 'agent-started'`,
      )
      .pluck();
  }

  read(device: DeviceRecord, timeZone: string, policy: ResolvedPolicy, now: Date): DeviceHealthInput {
    const flapWindowMs = policy.rules.offline.flapWindowSec * 1000;
    const after = new Date(now.getTime() - flapWindowMs).toISOString();
    return {
      deviceId: device.id,
      createdAt: device.createdAt,
      presence: device.presence,
      presenceChanges: this.presenceStmt.all(device.id, after),
      reported: device.reported,
      lastTelemetry: device.lastTelemetry,
      lastTelemetryAt: device.lastTelemetryAt,
      desired: this.sources.desired.latest(device.id) ?? null,
      timeZone,
      displayOnHours: policy.displayOnHours,
      updateFailure: this.updateFailure(device.id),
    };
  }

  /** The screen is gone: drop what is kept of it. */
  forget(deviceId: string): void {
    this.failures.delete(deviceId);
  }

  /**
   * Re-read only when the screen's newest failed update or its agent starts changed (a start stored
   * late still moves the row marker); whether it was dismissed can change any time, so it is not kept.
   */
  private updateFailure(deviceId: string): UpdateFailure | null {
    const failureId = this.latestFailureStmt.get(deviceId);
    if (failureId === undefined) {
      this.failures.delete(deviceId);
      return null;
    }
    const marker = `${failureId}|${this.startsMarkerStmt.get(deviceId) ?? ''}`;
    let cached = this.failures.get(deviceId);
    if (cached?.marker !== marker) {
      cached = { marker, failure: this.readFailure(deviceId) };
      this.failures.set(deviceId, cached);
    }
    if (!cached.failure) return null;
    return {
      ...cached.failure,
      dismissed: this.sources.alerts.updateFailureDismissed(deviceId, cached.failure.eventId),
    };
  }

  private readFailure(deviceId: string): Omit<UpdateFailure, 'dismissed'> | null {
    const { deviceEvents } = this.sources;
    const latest = deviceEvents.list(deviceId, { kind: 'update-failed', limit: 1 }).events[0];
    if (!latest || latest.event.kind !== 'update-failed') return null;
    const failure = latest.event;
    const starts = deviceEvents.list(deviceId, {
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
