import type { DesiredDocument } from '@gatecast/protocol';
import type { FastifyInstance } from 'fastify';
import { createAnnouncements, type Announcements } from '../../../src/announcements/announcements.js';
import type { AuditLog } from '../../../src/audit/audit-log.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import type { DeviceEventsRepo } from '../../../src/events/device-events-repo.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import type { Grant } from '../../../src/users/permissions.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { apiDeps, openApiCore } from '../support/api-app.js';

/** Screens: two in Cat Bi's arrivals hall, one in its departures hall, one at the port. */
export const SCREENS = {
  arrivals1: 'cat-bi-arr-01',
  arrivals2: 'cat-bi-arr-02',
  departures: 'cat-bi-dep-01',
  port: 'port-term-01',
} as const;

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** The HTTP API over a real store in a temp dir, the real desired service, and a clock the test moves. */
export interface AnnouncementsApp {
  app: FastifyInstance;
  announcements: Announcements;
  desired: DesiredService;
  deviceEvents: DeviceEventsRepo;
  audit: AuditLog;
  clock: { now: Date };
  /** Desired documents published, per device, in order. */
  published: Map<string, DesiredDocument[]>;
  addUser(username: string, grants: Grant[]): Promise<string>;
  call(token: string, method: string, url: string, body?: unknown, contentType?: string): Promise<Answer>;
  /** The announcement entry ids in a screen's current desired document. */
  announcementEntries(deviceId: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startAnnouncementsApp(): Promise<AnnouncementsApp> {
  const published = new Map<string, DesiredDocument[]>();
  const core = openApiCore({
    onPublish: (deviceId, _kind, payload) => {
      published.set(deviceId, [...(published.get(deviceId) ?? []), payload as DesiredDocument]);
    },
  });
  const { sql, gates, devices, deviceEvents, audit, log } = core;
  const clock = { now: new Date('2026-11-26T02:00:00.000Z') };
  const now = () => new Date(clock.now.getTime());
  // Wired as fleet.ts does: the source goes into the desired service, which the service refreshes.
  const announcements = createAnnouncements({ sql, devices, gates, log, now, desired: () => desired });
  const desired = new DesiredService({ ...core.desiredDeps, now, announcements: announcements.source });
  const app = buildHttpApp(apiDeps(core, desired, { deviceEvents, now, announcements }));
  await app.ready();
  await seedGates(gates);
  await enrol(devices, SCREENS.arrivals1);
  await enrol(devices, SCREENS.arrivals2);
  await enrol(devices, SCREENS.departures, { zoneId: 'departures' });
  await enrol(devices, SCREENS.port, { gateId: 'hai-phong-port', zoneId: 'terminal' });
  await desired.refreshAll();
  return {
    app,
    announcements,
    desired,
    deviceEvents,
    audit,
    clock,
    published,
    addUser: async (username, grants) => (await core.addUser(username, grants)).token,
    async call(token, method, url, body, contentType) {
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        ...(body === undefined
          ? {}
          : typeof body === 'string'
            ? { payload: body }
            : { payload: body as Record<string, unknown> }),
      });
      return { status: response.statusCode, body: response.body ? response.json() : undefined };
    },
    async announcementEntries(deviceId) {
      const document = await desired.latest(deviceId);
      return (document?.content.schedule ?? [])
        .filter((entry) => entry.layer === 'announcement')
        .map((entry) => entry.id);
    },
    close: () => core.close(app),
  };
}

/** A template written by `editor`, approved by `approver`, published: ready to fire. */
export async function publishedTemplate(
  ctx: AnnouncementsApp,
  editor: string,
  approver: string,
  input: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  const created = await ctx.call(editor, 'POST', '/api/v1/announcement-templates', {
    name: 'typhoon-warning',
    gateId: null,
    title: { vi: 'Cảnh báo bão', en: 'Typhoon warning' },
    body: {
      vi: 'Bão đang đến gần Hải Phòng. Xin hãy làm theo hướng dẫn của nhân viên.',
      en: 'A typhoon is approaching Hai Phong. Please follow the staff’s instructions.',
    },
    ...input,
  });
  if (created.status !== 201) throw new Error(`template not created: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const base = `/api/v1/announcement-templates/${id}`;
  for (const [token, step, comment] of [
    [editor, 'submit', undefined],
    [approver, 'approve', 'checked with the Department of Foreign Affairs'],
    [editor, 'publish', undefined],
  ] as const) {
    const answer = await ctx.call(token, 'POST', `${base}/${step}`, comment ? { comment } : {});
    if (answer.status !== 200) throw new Error(`${step} failed: ${JSON.stringify(answer.body)}`);
  }
  return { id, name: created.body.name as string };
}
