import type { Logger } from 'pino';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { ApiTokens } from '../../../src/auth/api-tokens.js';
import type { DesiredServiceDeps } from '../../../src/desired/desired-service.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { DeviceEventsRepo } from '../../../src/events/device-events-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import type { HttpDeps } from '../../../src/http/http-deps.js';
import type { Database } from '../../../src/store/database.js';
import type { Sql } from '../../../src/store/sql.js';
import type { Grant } from '../../../src/users/permissions.js';
import { SessionStore } from '../../../src/users/sessions.js';
import { UserAdmin } from '../../../src/users/user-admin.js';
import { UsersRepo } from '../../../src/users/users-repo.js';
import { openTempStore, silentLogger } from '../store/temp-store.js';

// What every API test app (events, reports, announcements, operators) is built from: the real
// repos over a real store in a temp dir. Only the broker and the command client, hardware edges
// tested elsewhere, are small fakes. Each domain's app adds its own parts and request helpers.

export const PASSWORD = 'correct horse battery staple';

/** What a screen would have been sent, as the fake broker reports it. */
export type OnPublish = (deviceId: string, kind: string, payload: unknown) => void;

export interface ApiCore {
  log: Logger;
  store: ReturnType<typeof openTempStore>;
  db: Database;
  /** The async query path over the same SQLite file, for the repos that moved to it. */
  sql: Sql;
  gates: GatesRepo;
  devices: DevicesRepo;
  deviceEvents: DeviceEventsRepo;
  users: UsersRepo;
  tokens: ApiTokens;
  sessions: SessionStore;
  audit: AuditLog;
  broker: ReturnType<typeof fakeBroker>;
  /** For `new DesiredService(...)`, with a domain's extras spread over it. */
  desiredDeps: DesiredServiceDeps;
  /** A user with the password above and an API token. */
  addUser(username: string, grants: Grant[], password?: string): Promise<{ id: string; token: string }>;
  /** Closes the app, then the store, and removes its temp dir. */
  close(app: { close(): Promise<unknown> }): Promise<void>;
}

/** No screen is connected; `onPublish` sees each document the fleet would publish. */
export function fakeBroker(onPublish?: OnPublish) {
  return {
    publishToDevice: async (deviceId: string, kind: string, payload: unknown) => {
      onPublish?.(deviceId, kind, payload);
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
}

export function openApiCore(options: { log?: Logger; onPublish?: OnPublish } = {}): ApiCore {
  const log = options.log ?? silentLogger();
  const store = openTempStore(log);
  const { db } = store;
  // One query path per connection: two would each think they hold it alone.
  const { sql } = store;
  const gates = new GatesRepo(sql, log);
  const devices = new DevicesRepo(sql, log);
  const users = new UsersRepo(store.sql);
  const tokens = new ApiTokens(store.sql);
  const sessions = new SessionStore(store.sql);
  const broker = fakeBroker(options.onPublish);
  const userAdmin = new UserAdmin({ users, sessions });
  return {
    log,
    store,
    db,
    sql,
    gates,
    devices,
    deviceEvents: new DeviceEventsRepo(store.sql, log),
    users,
    tokens,
    sessions,
    audit: new AuditLog(store.sql),
    broker,
    desiredDeps: { sql, devices, gates, broker, log },
    async addUser(username, grants, password = PASSWORD) {
      const { user } = await userAdmin.create({ username, displayName: username, grants, password });
      return { id: user.id, token: (await tokens.create(`${username} cli`, user.id)).token };
    },
    async close(app) {
      await app.close();
      store.close();
    },
  };
}

/**
 * HttpDeps from the core and a desired service, with commands refused; `extra` adds a domain's
 * parts (device events, reports, announcements, a clock) or replaces the command client.
 */
export function apiDeps(
  core: ApiCore,
  desired: HttpDeps['desired'],
  extra: Partial<HttpDeps> = {},
): HttpDeps {
  return {
    log: core.log,
    gates: core.gates,
    devices: core.devices,
    desired,
    broker: core.broker,
    tokens: core.tokens,
    users: core.users,
    sessions: core.sessions,
    audit: core.audit,
    commands: { send: async () => Promise.reject(new Error('no commands here')) },
    publicMqttUrl: 'mqtt://fleet.example:1883',
    commandTimeoutMs: 1_000,
    ...extra,
  };
}
