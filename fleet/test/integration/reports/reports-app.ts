import type { FastifyInstance } from 'fastify';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { ApiTokens } from '../../../src/auth/api-tokens.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { DeviceEventsRepo } from '../../../src/events/device-events-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { ReportsService } from '../../../src/reports/reports-service.js';
import type { Database } from '../../../src/store/database.js';
import type { Grant } from '../../../src/users/permissions.js';
import { SessionStore } from '../../../src/users/sessions.js';
import { UserAdmin } from '../../../src/users/user-admin.js';
import { UsersRepo } from '../../../src/users/users-repo.js';
import { seedGates } from '../store/fixtures.js';
import { openTempStore, silentLogger } from '../store/temp-store.js';

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

/** The HTTP API with reports over a real store in a temp dir, both Hai Phong gates, a clock the test sets. */
export interface ReportsApp {
  app: FastifyInstance;
  db: Database;
  devices: DevicesRepo;
  deviceEvents: DeviceEventsRepo;
  clock: { now: Date };
  addUser(username: string, grants: Grant[]): Promise<string>;
  get(token: string, url: string): Promise<Answer>;
  close(): Promise<void>;
}

export async function startReportsApp(): Promise<ReportsApp> {
  const log = silentLogger();
  const store = openTempStore(log);
  const { db } = store;
  const gates = new GatesRepo(db, log);
  const devices = new DevicesRepo(db, log);
  const deviceEvents = new DeviceEventsRepo(db, log);
  const users = new UsersRepo(db);
  const tokens = new ApiTokens(db);
  const sessions = new SessionStore(db);
  const audit = new AuditLog(db);
  const clock = { now: new Date('2026-11-26T09:00:00.000Z') };
  const broker = {
    publishToDevice: async () => undefined,
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
  const desired = new DesiredService({ db, devices, gates, broker, log });
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
    commands: { send: async () => Promise.reject(new Error('no commands here')) },
    publicMqttUrl: 'mqtt://fleet.example:1883',
    commandTimeoutMs: 1_000,
    reports: new ReportsService(db, gates),
    now: () => clock.now,
  });
  await app.ready();
  seedGates(gates);
  const admin = new UserAdmin({ users, sessions });
  return {
    app,
    db,
    devices,
    deviceEvents,
    clock,
    async addUser(username, grants) {
      const { user } = await admin.create({
        username,
        displayName: username,
        grants,
        password: 'correct horse battery staple',
      });
      return tokens.create(`${username} cli`, user.id).token;
    },
    async get(token, url) {
      const response = await app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${token}` },
      });
      return {
        status: response.statusCode,
        headers: response.headers,
        text: response.body,
        json: () => response.json(),
      };
    },
    async close() {
      await app.close();
      store.close();
    },
  };
}
