import type { DesiredDocument } from '@gatecast/protocol';
import type { DeviceRecord } from '../devices/devices-repo.js';
import type { ScreenExtras } from '../desired/compose-desired.js';
import type { ReleasesRepo } from '../releases/releases-repo.js';
import { sql } from 'kysely';
import type { Sql } from '../store/sql.js';
import type { Assignment } from './rollout-model.js';

interface AssignmentRow {
  version: string;
  rollout_id: string | null;
}

/**
 * The release each screen should run: desired state, set when a rollout hands it over, and kept
 * after the rollout ends so a reinstalled screen is taken back to it.
 */
export class ReleaseAssignments {
  constructor(private readonly store: Sql) {}

  async get(deviceId: string): Promise<Assignment | null> {
    const row = await this.store.one<AssignmentRow>(
      sql`SELECT version, rollout_id FROM device_releases WHERE device_id = ${deviceId}`,
    );
    return row ? { version: row.version, rolloutId: row.rollout_id } : null;
  }

  async set(deviceId: string, assignment: Assignment, at: string): Promise<void> {
    await this.store.run(
      sql`INSERT INTO device_releases (device_id, version, rollout_id, assigned_at)
          VALUES (${deviceId}, ${assignment.version}, ${assignment.rolloutId}, ${at})
          ON CONFLICT (device_id) DO UPDATE SET version = excluded.version,
            rollout_id = excluded.rollout_id, assigned_at = excluded.assigned_at`,
    );
  }

  /**
   * Puts back what the screen had before `rolloutId` handed it its release; a later rollout's
   * assignment is left alone.
   */
  async restore(deviceId: string, rolloutId: string, previous: Assignment | null, at: string): Promise<void> {
    await this.store.transaction(async () => {
      if ((await this.get(deviceId))?.rolloutId !== rolloutId) return;
      if (previous) await this.set(deviceId, previous, at);
      else await this.store.run(sql`DELETE FROM device_releases WHERE device_id = ${deviceId}`);
    });
  }

  /** Whether the screen may fetch this release's artifact: only the one assigned to it. */
  async isAssigned(deviceId: string, version: string): Promise<boolean> {
    return (await this.get(deviceId))?.version === version;
  }
}

/** The desired document's `agent` part: the assigned release, signed as stored, and where to fetch it. */
export function agentExtras(deps: {
  assignments: ReleaseAssignments;
  releases: Pick<ReleasesRepo, 'get'>;
  mediaBaseUrl: () => string | undefined;
}): (device: DeviceRecord) => Promise<ScreenExtras> {
  return async (device) => {
    const assignment = await deps.assignments.get(device.id);
    const base = deps.mediaBaseUrl();
    if (!assignment || !base) return {};
    const release = await deps.releases.get(assignment.version);
    if (!release?.published) return {};
    const agent: DesiredDocument['agent'] = {
      release: { manifest: release.manifest, signature: release.signature },
      artifactUrl: `${base.replace(/\/+$/, '')}/api/v1/device/releases/${release.version}/artifact`,
    };
    return { agent };
  };
}
