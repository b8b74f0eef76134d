import type { DeviceEvent } from '@gatecast/protocol';
import type { FastifyInstance } from 'fastify';
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

/** The HTTP API over a real store in a temp dir, with both Hai Phong gates and a screen at each. */
export interface EventsApp {
  app: FastifyInstance;
  devices: DevicesRepo;
  deviceEvents: DeviceEventsRepo;
  audit: AuditLog;
  catBiScreen: string;
  portScreen: string;
  addUser(username: string, grants: Grant[]): Promise<string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get(token: string, url: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startEventsApp(): Promise<EventsApp> {
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
  });
  await app.ready();
  seedGates(gates);
  enrol(devices, 'cat-bi-arr-01');
  enrol(devices, 'port-term-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
  const admin = new UserAdmin({ users, sessions });
  return {
    app,
    devices,
    deviceEvents,
    audit,
    catBiScreen: 'cat-bi-arr-01',
    portScreen: 'port-term-01',
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
      return { status: response.statusCode, body: response.json() };
    },
    async close() {
      await app.close();
      store.close();
    },
  };
}

let counter = 0;

/** A proof-of-play event at a given minute of the morning of 26 November 2026. */
export function playAt(minute: number, itemId = 'welcome-loop'): DeviceEvent {
  counter += 1;
  const at = new Date(Date.UTC(2026, 10, 26, 1, minute)).toISOString();
  return {
    id: `play-${String(counter).padStart(6, '0')}`,
    at,
    kind: 'proof-of-play',
    itemId,
    zone: 'main',
    language: 'vi',
    startedAt: new Date(Date.parse(at) - 8_000).toISOString(),
    durationMs: 8_000,
  };
}
