import type { FastifyInstance } from 'fastify';
import { DesiredService } from '../../../src/desired/desired-service.js';
import type { DevicesRepo } from '../../../src/devices/devices-repo.js';
import type { DeviceEventsRepo } from '../../../src/events/device-events-repo.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { ReportsService } from '../../../src/reports/reports-service.js';
import type { Database } from '../../../src/store/database.js';
import type { Grant } from '../../../src/users/permissions.js';
import { seedGates } from '../store/fixtures.js';
import { apiDeps, openApiCore } from '../support/api-app.js';

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
  const core = openApiCore();
  const { db, sql, gates, devices, deviceEvents } = core;
  const clock = { now: new Date('2026-11-26T09:00:00.000Z') };
  const app = buildHttpApp(
    apiDeps(core, new DesiredService(core.desiredDeps), {
      deviceEvents,
      reports: new ReportsService(sql, gates),
      now: () => clock.now,
    }),
  );
  await app.ready();
  await seedGates(gates);
  return {
    app,
    db,
    devices,
    deviceEvents,
    clock,
    addUser: async (username, grants) => (await core.addUser(username, grants)).token,
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
    close: () => core.close(app),
  };
}
