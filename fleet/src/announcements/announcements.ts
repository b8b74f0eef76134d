import type { Logger } from 'pino';
import type { DevicesRepo } from '../devices/devices-repo.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { Sql } from '../store/sql.js';
import { StoredAnnouncementSource, type AnnouncementSource } from './announcement-source.js';
import { AnnouncementsRepo } from './announcements-repo.js';
import { AnnouncementsService, type DesiredRefresher } from './announcements-service.js';
import { TemplatesRepo } from './templates-repo.js';
import { TemplatesService } from './templates-service.js';

/** Everything of the announcements domain the fleet wires: the HTTP API takes it whole. */
export interface Announcements {
  service: AnnouncementsService;
  templates: TemplatesService;
  templatesRepo: TemplatesRepo;
  /** For the desired-document composer (DesiredServiceDeps.announcements). */
  source: AnnouncementSource;
  /** Gate ids, for CAP areas that name a gate. */
  gateIds(): Promise<string[]>;
}

export function createAnnouncements(deps: {
  sql: Sql;
  devices: Pick<DevicesRepo, 'list'>;
  gates: Pick<GatesRepo, 'get' | 'list'>;
  /** Late-bound: the desired service is created after us, since it composes our entries. */
  desired: () => DesiredRefresher | undefined;
  log: Logger;
  now?: () => Date;
}): Announcements {
  const repo = new AnnouncementsRepo(deps.sql, deps.log);
  const templatesRepo = new TemplatesRepo(deps.sql, deps.log);
  const service = new AnnouncementsService({
    announcements: repo,
    templates: templatesRepo,
    devices: { list: () => deps.devices.list() },
    gates: deps.gates,
    desired: deps.desired,
    log: deps.log,
    ...(deps.now ? { now: deps.now } : {}),
  });
  return {
    service,
    templates: new TemplatesService({
      templates: templatesRepo,
      gates: deps.gates,
      ...(deps.now ? { now: deps.now } : {}),
    }),
    templatesRepo,
    source: new StoredAnnouncementSource(repo),
    gateIds: async () => (await deps.gates.list()).map((gate) => gate.id),
  };
}
