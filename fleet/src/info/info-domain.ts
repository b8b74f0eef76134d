import type { Logger } from 'pino';
import type { DevicesRepo } from '../devices/devices-repo.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { MediaReader } from '../library/media-catalog.js';
import type { Sql } from '../store/sql.js';
import { InfoBundleFiles } from './info-bundle-files.js';
import { InfoRepo } from './info-repo.js';
import { InfoService } from './info-service.js';

export { InfoService } from './info-service.js';

/** The information domain as fleet-domains.ts wires it: store, bundle files and service. */
export function createInfo(deps: {
  sql: Sql;
  gates: GatesRepo;
  devices: DevicesRepo;
  media: Pick<MediaReader, 'get' | 'getMany'>;
  dataDir: string;
  mediaBaseUrl: () => string | undefined;
  refresh: (deviceIds: string[]) => Promise<void>;
  log: Logger;
}): InfoService {
  return new InfoService({
    repo: new InfoRepo(deps.sql, deps.log),
    gates: deps.gates,
    devices: deps.devices,
    media: deps.media,
    files: new InfoBundleFiles(deps.dataDir),
    mediaBaseUrl: deps.mediaBaseUrl,
    refresh: deps.refresh,
    log: deps.log,
  });
}
