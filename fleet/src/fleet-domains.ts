import type { Logger } from 'pino';
import { createAnnouncements, type Announcements } from './announcements/announcements.js';
import type { Broker } from './broker/broker.js';
import { startRightAway, type EngineRunner } from './cluster/engine-runner.js';
import { ContentRepo } from './content/content-repo.js';
import { ContentService } from './content/content-service.js';
import { CountersService } from './counters/counters-service.js';
import type { DemoContentSource } from './desired/demo-content.js';
import { DesiredService } from './desired/desired-service.js';
import type { DevicesRepo } from './devices/devices-repo.js';
import type { FleetEvents } from './devices/fleet-events.js';
import type { GatesRepo } from './gates/gates-repo.js';
import { LibraryService } from './library/library-service.js';
import { createInfo, type InfoService } from './info/info-domain.js';
import { ReportsService } from './reports/reports-service.js';
import { createRollouts, type Rollouts } from './rollouts/rollouts-domain.js';
import type { Sql } from './store/sql.js';
import { travellerExtras } from './traveller/traveller-extras.js';

/** The content side of the fleet: what screens show, who approved it, and what they showed. */
export interface FleetDomains {
  library: LibraryService;
  content: ContentService;
  announcements: Announcements;
  desired: DesiredService;
  reports: ReportsService;
  /** The information tree, its bundles per gate, and screen profiles. */
  info: InfoService;
  /** Counter screens: pairing codes, paired tablets and the pages they push. */
  counters: CountersService;
  /** Rollouts of agent releases: the service, its engine (started by the fleet once HTTP listens). */
  rollouts: Rollouts;
  /** Recomposes the screens of one gate (its web allow-list changed). */
  refreshGate(gateId: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Wires library, content, announcements, reports and the desired documents they all feed.
 * Content and announcements recompose screens through `desired`, which composes their work:
 * they reach it late, once it exists.
 */
export async function createFleetDomains(deps: {
  /** The store (ADR 39). */
  sql: Sql;
  gates: GatesRepo;
  devices: DevicesRepo;
  broker: Pick<Broker, 'publishToDevice' | 'clearRetained'>;
  dataDir: string;
  log: Logger;
  demo: () => DemoContentSource | undefined;
  /** The fleet's HTTP address as screens reach it (media URLs); undefined until it listens. */
  mediaBaseUrl: () => string | undefined;
  /** Device changes, so rollouts see a screen's reported update at once. */
  events?: FleetEvents;
  /** How often the rollout engine looks again without a device change (GATECAST_ROLLOUT_TICK_MS). */
  rolloutTickMs?: number;
  /** Starts the counters' expiry timer: right away (default), or in a cluster's lease holder. */
  engines?: EngineRunner;
}): Promise<FleetDomains> {
  const { sql, gates, devices, log } = deps;
  const library = new LibraryService({ sql, dataDir: deps.dataDir, log });
  await library.start();
  const content = new ContentService({
    repo: new ContentRepo(sql, log),
    gates,
    devices,
    media: library,
    webAllowList: (gateId) => gates.webAllowList(gateId),
    refresh: (deviceIds) => desired.refreshMany(deviceIds),
    log,
  });
  // A file is in use while a content item or an information page shows it (info is created below).
  library.setUsedBy(async (sha256) => [...(await content.usedBy(sha256)), ...(await info.usedBy(sha256))]);
  const announcements = createAnnouncements({ sql, gates, devices, log, desired: () => desired });
  const info = createInfo({
    sql,
    gates,
    devices,
    media: library,
    dataDir: deps.dataDir,
    mediaBaseUrl: deps.mediaBaseUrl,
    refresh: (deviceIds) => desired.refreshMany(deviceIds),
    log,
  });
  const counters: CountersService = new CountersService({
    sql,
    gates,
    devices,
    info,
    refresh: (deviceIds): Promise<void> => desired.refreshMany(deviceIds),
    log,
  });
  await (deps.engines ?? startRightAway).run('counters', counters);
  const rollouts = createRollouts({
    sql: deps.sql,
    gates,
    devices,
    refresh: (deviceIds) => desired.refreshMany(deviceIds),
    announcements: () => announcements.source,
    ...(deps.events ? { events: deps.events } : {}),
    mediaBaseUrl: deps.mediaBaseUrl,
    tickMs: deps.rolloutTickMs ?? 5_000,
    log,
  });
  const desired = new DesiredService({
    sql,
    gates,
    devices,
    broker: deps.broker,
    log,
    demo: deps.demo,
    media: library,
    mediaBaseUrl: deps.mediaBaseUrl,
    webAllowList: (gateId) => gates.webAllowList(gateId),
    announcements: announcements.source,
    extras: [
      (device, gate) => info.extrasFor(device, gate),
      (device, gate, now) => counters.extrasFor(device, gate, now),
      travellerExtras(deps.mediaBaseUrl),
      rollouts.extras,
    ],
  });
  return {
    library,
    content,
    announcements,
    desired,
    reports: new ReportsService(deps.sql, gates),
    info,
    counters,
    rollouts,
    refreshGate: async (gateId) =>
      desired.refreshMany(
        (await devices.list()).filter((device) => device.gateId === gateId).map((device) => device.id),
      ),
    stop: async () => {
      library.stop();
      counters.stop();
      await rollouts.engine.stop();
    },
  };
}
