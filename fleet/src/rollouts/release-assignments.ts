import type { DesiredDocument } from '@gatecast/protocol';
import type { DeviceRecord } from '../devices/devices-repo.js';
import type { ScreenExtras } from '../desired/compose-desired.js';
import type { Database } from '../store/database.js';
import type { Assignment } from './rollout-model.js';
import type { StoredReleases } from './stored-releases.js';

interface AssignmentRow {
  version: string;
  rollout_id: string | null;
}

/**
 * The release each screen should run: desired state, set when a rollout hands it over, and kept
 * after the rollout ends so a reinstalled screen is taken back to it.
 */
export class ReleaseAssignments {
  private readonly stmts;

  constructor(db: Database) {
    this.stmts = {
      get: db.prepare<[string], AssignmentRow>(
        'SELECT version, rollout_id FROM device_releases WHERE device_id = ?',
      ),
      set: db.prepare<[string, string, string | null, string]>(
        `INSERT INTO device_releases (device_id, version, rollout_id, assigned_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (device_id) DO UPDATE SET version = excluded.version,
             rollout_id = excluded.rollout_id, assigned_at = excluded.assigned_at`,
      ),
      remove: db.prepare<[string]>('DELETE FROM device_releases WHERE device_id = ?'),
    };
  }

  get(deviceId: string): Assignment | null {
    const row = this.stmts.get.get(deviceId);
    return row ? { version: row.version, rolloutId: row.rollout_id } : null;
  }

  set(deviceId: string, assignment: Assignment, at: string): void {
    this.stmts.set.run(deviceId, assignment.version, assignment.rolloutId, at);
  }

  /**
   * Puts back what the screen had before `rolloutId` handed it its release; a later rollout's
   * assignment is left alone.
   */
  restore(deviceId: string, rolloutId: string, previous: Assignment | null, at: string): void {
    if (this.get(deviceId)?.rolloutId !== rolloutId) return;
    if (previous) this.set(deviceId, previous, at);
    else this.stmts.remove.run(deviceId);
  }

  /** Whether the screen may fetch this release's artifact: only the one assigned to it. */
  isAssigned(deviceId: string, version: string): boolean {
    return this.get(deviceId)?.version === version;
  }
}

/** The desired document's `agent` part: the assigned release, signed as stored, and where to fetch it. */
export function agentExtras(deps: {
  assignments: ReleaseAssignments;
  releases: Pick<StoredReleases, 'get'>;
  mediaBaseUrl: () => string | undefined;
}): (device: DeviceRecord) => ScreenExtras {
  return (device) => {
    const assignment = deps.assignments.get(device.id);
    const base = deps.mediaBaseUrl();
    if (!assignment || !base) return {};
    const release = deps.releases.get(assignment.version);
    if (!release?.published) return {};
    const agent: DesiredDocument['agent'] = {
      release: { manifest: release.manifest, signature: release.signature },
      artifactUrl: `${base.replace(/\/+$/, '')}/api/v1/device/releases/${release.version}/artifact`,
    };
    return { agent };
  };
}
