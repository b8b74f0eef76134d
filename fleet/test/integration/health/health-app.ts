import type { FastifyInstance } from 'fastify';
import { DesiredService } from '../../../src/desired/desired-service.js';
import type { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { HealthHistory } from '../../../src/health/health-history.js';
import { DEFAULT_TELEMETRY_RETENTION } from '../../../src/health/retention.js';
import { TelemetryRollup } from '../../../src/health/telemetry-rollup.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import type { Database } from '../../../src/store/database.js';
import type { Grant } from '../../../src/users/permissions.js';
import { seedGates } from '../store/fixtures.js';
import { apiDeps, openApiCore } from '../support/api-app.js';

/** The HTTP API with health history over a real store in a temp dir, both Hai Phong gates, a set clock. */
export interface HealthApp {
  app: FastifyInstance;
  db: Database;
  devices: DevicesRepo;
  rollup: TelemetryRollup;
  clock: { now: Date };
  addUser(username: string, grants: Grant[]): Promise<string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get(token: string, url: string): Promise<{ status: number; text: string; json(): any }>;
  close(): Promise<void>;
}

export async function startHealthApp(now: string): Promise<HealthApp> {
  const core = openApiCore();
  const { db, sql, gates, devices } = core;
  const clock = { now: new Date(now) };
  const retention = DEFAULT_TELEMETRY_RETENTION;
  const app = buildHttpApp(
    apiDeps(core, new DesiredService(core.desiredDeps), {
      now: () => clock.now,
      health: { history: new HealthHistory(sql, { retention, now: () => clock.now }) },
    }),
  );
  await app.ready();
  await seedGates(gates);
  return {
    app,
    db,
    devices,
    rollup: new TelemetryRollup({ store: sql, retention, log: core.log, now: () => clock.now }),
    clock,
    addUser: async (username, grants) => (await core.addUser(username, grants)).token,
    async get(token, url) {
      const response = await app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.statusCode, text: response.body, json: () => response.json() };
    },
    close: () => core.close(app),
  };
}
