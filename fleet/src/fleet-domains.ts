import type { Logger } from 'pino';
import { createAnnouncements, type Announcements } from './announcements/announcements.js';
import type { Broker } from './broker/broker.js';
import { ContentRepo } from './content/content-repo.js';
import { ContentService } from './content/content-service.js';
import type { DemoContentSource } from './desired/demo-content.js';
import { DesiredService } from './desired/desired-service.js';
import type { DevicesRepo } from './devices/devices-repo.js';
import type { GatesRepo } from './gates/gates-repo.js';
import { LibraryService } from './library/library-service.js';
import { isUrlAllowed } from './library/url-allow-list.js';
import { ReportsService } from './reports/reports-service.js';
import type { Database } from './store/database.js';

/** The content side of the fleet: what screens show, who approved it, and what they showed. */
export interface FleetDomains {
  library: LibraryService;
  content: ContentService;
  announcements: Announcements;
  desired: DesiredService;
  reports: ReportsService;
  /** Recomposes the screens of one gate (its web allow-list changed). */
  refreshGate(gateId: string): Promise<void>;
  stop(): void;
}

/**
 * Wires library, content, announcements, reports and the desired documents they all feed.
 * Content and announcements recompose screens through `desired`, which composes their work:
 * they reach it late, once it exists.
 */
export async function createFleetDomains(deps: {
  db: Database;
  gates: GatesRepo;
  devices: DevicesRepo;
  broker: Pick<Broker, 'publishToDevice' | 'clearRetained'>;
  dataDir: string;
  log: Logger;
  demo: () => DemoContentSource | undefined;
  /** The fleet's HTTP address as screens reach it (media URLs); undefined until it listens. */
  mediaBaseUrl: () => string | undefined;
}): Promise<FleetDomains> {
  const { db, gates, devices, log } = deps;
  const library = new LibraryService({ db, dataDir: deps.dataDir, log });
  await library.start();
  const content = new ContentService({
    repo: new ContentRepo(db, log),
    gates,
    devices,
    media: library,
    webAllowList: (gateId) => gates.webAllowList(gateId),
    refresh: (deviceIds) => desired.refreshMany(deviceIds),
    log,
  });
  library.setUsedBy((sha256) => content.usedBy(sha256));
  const announcements = createAnnouncements({ db, gates, devices, log, desired: () => desired });
  const desired = new DesiredService({
    db,
    gates,
    devices,
    broker: deps.broker,
    log,
    demo: deps.demo,
    media: library,
    mediaBaseUrl: deps.mediaBaseUrl,
    allowWeb: (url, gate) => isUrlAllowed(url, gates.webAllowList(gate.id)),
    announcements: announcements.source,
  });
  return {
    library,
    content,
    announcements,
    desired,
    reports: new ReportsService(db, gates),
    refreshGate: (gateId) =>
      desired.refreshMany(
        devices
          .list()
          .filter((device) => device.gateId === gateId)
          .map((device) => device.id),
      ),
    stop: () => library.stop(),
  };
}
