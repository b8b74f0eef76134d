import type { Logger } from 'pino';
import type { AnnouncementSource } from '../announcements/announcement-source.js';
import type { ScreenExtras } from '../desired/compose-desired.js';
import type { DeviceRecord, DevicesRepo } from '../devices/devices-repo.js';
import type { FleetEvents } from '../devices/fleet-events.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import { ReleasesRepo } from '../releases/releases-repo.js';
import type { Sql } from '../store/sql.js';
import { agentExtras, ReleaseAssignments } from './release-assignments.js';
import { RolloutEngine } from './rollout-engine.js';
import { RolloutsRepo } from './rollouts-repo.js';
import { RolloutsService } from './rollouts-service.js';

export interface Rollouts {
  service: RolloutsService;
  engine: RolloutEngine;
  assignments: ReleaseAssignments;
  /** The desired document's `agent` part for a screen (DesiredServiceDeps.extras). */
  extras: (device: DeviceRecord) => Promise<ScreenExtras>;
  /** The device artifact route's check: a screen fetches only the release assigned to it. */
  mayFetch: (deviceId: string, version: string) => Promise<boolean>;
}

/**
 * Rollouts wired: store, service, engine and the `agent` part of desired documents. `refresh`
 * and `announcements` are read late: the desired service is created after the extras it takes.
 */
export function createRollouts(deps: {
  sql: Sql;
  gates: GatesRepo;
  devices: DevicesRepo;
  refresh: (deviceIds: readonly string[]) => Promise<void>;
  announcements?: () => AnnouncementSource | undefined;
  events?: FleetEvents;
  mediaBaseUrl: () => string | undefined;
  tickMs: number;
  log: Logger;
  now?: () => Date;
}): Rollouts {
  const { gates, devices, log } = deps;
  const repo = new RolloutsRepo(deps.sql, log);
  const assignments = new ReleaseAssignments(deps.sql);
  const releases = new ReleasesRepo(deps.sql);
  const now = deps.now ?? (() => new Date());
  const service: RolloutsService = new RolloutsService({
    repo,
    assignments,
    releases,
    devices,
    gates,
    refresh: deps.refresh,
    poke: () => engine.poke(),
    log,
    now,
  });
  const engine: RolloutEngine = new RolloutEngine({
    repo,
    service,
    devices,
    gates,
    announcements: {
      entriesFor: async (device, at) => (await deps.announcements?.()?.entriesFor(device, at)) ?? [],
    },
    ...(deps.events ? { events: deps.events } : {}),
    refresh: deps.refresh,
    tickMs: deps.tickMs,
    log,
    now,
  });
  return {
    service,
    engine,
    assignments,
    extras: agentExtras({ assignments, releases, mediaBaseUrl: deps.mediaBaseUrl }),
    mayFetch: (deviceId, version) => assignments.isAssigned(deviceId, version),
  };
}
