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

/** Reads what the rules need about one screen from the store. */
export class HealthInputReader {
  private readonly sources: HealthInputSources;
  private readonly presenceStmt;

  constructor(sources: HealthInputSources) {
    this.sources = sources;
    this.presenceStmt = sources.db
      .prepare<[string, string], string>(
        `SELECT at FROM presence_log WHERE device_id = ? AND state IN ('online', 'offline') AND at > ?
         ORDER BY id`,
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

  private updateFailure(deviceId: string): UpdateFailure | null {
    const { deviceEvents, alerts } = this.sources;
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
      dismissed: alerts.updateFailureDismissed(deviceId, failure.id),
    };
  }
}
