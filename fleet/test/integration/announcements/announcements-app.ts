import type { DesiredDocument } from '@gatecast/protocol';
import type { FastifyInstance } from 'fastify';
import { createAnnouncements, type Announcements } from '../../../src/announcements/announcements.js';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { ApiTokens } from '../../../src/auth/api-tokens.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { DeviceEventsRepo } from '../../../src/events/device-events-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import type { Grant } from '../../../src/users/permissions.js';
import { SessionStore } from '../../../src/users/sessions.js';
import { UserAdmin } from '../../../src/users/user-admin.js';
import { UsersRepo } from '../../../src/users/users-repo.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { openTempStore, silentLogger } from '../store/temp-store.js';

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
  announcementEntries(deviceId: string): string[];
  close(): Promise<void>;
}

export async function startAnnouncementsApp(): Promise<AnnouncementsApp> {
  const log = silentLogger();
  const store = openTempStore(log);
  const { db } = store;
  const clock = { now: new Date('2026-11-26T02:00:00.000Z') };
  const now = () => new Date(clock.now.getTime());
  const gates = new GatesRepo(db, log);
  const devices = new DevicesRepo(db, log);
  const deviceEvents = new DeviceEventsRepo(db, log);
  const users = new UsersRepo(db);
  const tokens = new ApiTokens(db);
  const sessions = new SessionStore(db);
  const audit = new AuditLog(db);
  const published = new Map<string, DesiredDocument[]>();
  const broker = {
    publishToDevice: async (deviceId: string, _kind: string, payload: unknown) => {
      published.set(deviceId, [...(published.get(deviceId) ?? []), payload as DesiredDocument]);
    },
    clearRetained: async () => undefined,
    kick: () => false,
    isConnected: () => false,
    stats: () => ({
      connectedDevices: 0,
      rejectedConnects: 0,
      rejectedPublishes: 0,
      droppedMessages: 0,
      guardClosures: 0,
    }),
  };
  // Wired as fleet.ts does: the source goes into the desired service, which the service refreshes.
  const announcements = createAnnouncements({ db, devices, gates, log, now, desired: () => desired });
  const desired = new DesiredService({
    db,
    devices,
    gates,
    broker,
    log,
    now,
    announcements: announcements.source,
  });
  const app = buildHttpApp({
    log,
    gates,
    devices,
    deviceEvents,
    desired,
    broker,
    tokens,
    users,
    sessions,
    audit,
    now,
    announcements,
    commands: { send: async () => Promise.reject(new Error('no commands here')) },
    publicMqttUrl: 'mqtt://fleet.example:1883',
    commandTimeoutMs: 1_000,
  });
  await app.ready();
  seedGates(gates);
  enrol(devices, SCREENS.arrivals1);
  enrol(devices, SCREENS.arrivals2);
  enrol(devices, SCREENS.departures, { zoneId: 'departures' });
  enrol(devices, SCREENS.port, { gateId: 'hai-phong-port', zoneId: 'terminal' });
  await desired.refreshAll();
  const admin = new UserAdmin({ users, sessions });
  return {
    app,
    announcements,
    desired,
    deviceEvents,
    audit,
    clock,
    published,
    async addUser(username, grants) {
      const { user } = await admin.create({
        username,
        displayName: username,
        grants,
        password: 'correct horse battery staple',
      });
      return tokens.create(`${username} cli`, user.id).token;
    },
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
    announcementEntries(deviceId) {
      const document = desired.latest(deviceId);
      return (document?.content.schedule ?? [])
        .filter((entry) => entry.layer === 'announcement')
        .map((entry) => entry.id);
    },
    async close() {
      await app.close();
      store.close();
    },
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
