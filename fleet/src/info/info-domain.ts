import type { Logger } from 'pino';
import type { DevicesRepo } from '../devices/devices-repo.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { MediaCatalog } from '../library/media-catalog.js';
import type { Database } from '../store/database.js';
import { InfoBundleFiles } from './info-bundle-files.js';
import { InfoRepo } from './info-repo.js';
import { InfoService } from './info-service.js';

export { InfoService } from './info-service.js';

/** The information domain as fleet-domains.ts wires it: store, bundle files and service. */
export function createInfo(deps: {
  db: Database;
  gates: GatesRepo;
  devices: DevicesRepo;
  media: MediaCatalog;
  dataDir: string;
  mediaBaseUrl: () => string | undefined;
  refresh: (deviceIds: string[]) => Promise<void>;
  log: Logger;
}): InfoService {
  return new InfoService({
    repo: new InfoRepo(deps.db, deps.log),
    gates: deps.gates,
    devices: deps.devices,
    media: deps.media,
    files: new InfoBundleFiles(deps.dataDir),
    mediaBaseUrl: deps.mediaBaseUrl,
    refresh: deps.refresh,
    log: deps.log,
  });
}
