import type { FastifyInstance } from 'fastify';
import { AlertEngine } from '../../../src/alerts/alert-engine.js';
import type { AlertTransition } from '../../../src/alerts/alert-types.js';
import { AlertsService } from '../../../src/alerts/alerts-service.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import type { Grant } from '../../../src/users/permissions.js';
import { seedGates } from '../store/fixtures.js';
import { apiDeps, openApiCore, type ApiCore } from '../support/api-app.js';

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** The HTTP API with the alert engine over a real store, both Hai Phong gates, and a clock the test moves. */
export interface AlertsApp {
  core: ApiCore;
  app: FastifyInstance;
  engine: AlertEngine;
  sent: AlertTransition[];
  clock: { now: Date };
  advance(seconds: number): void;
  addUser(username: string, grants: Grant[]): Promise<string>;
  call(token: string, method: string, url: string, payload?: unknown): Promise<Answer>;
  close(): Promise<void>;
}

export async function startAlertsApp(): Promise<AlertsApp> {
  const core = openApiCore();
  await seedGates(core.gates);
  const clock = { now: new Date() };
  const now = () => clock.now;
  const sent: AlertTransition[] = [];
  const desired = new DesiredService(core.desiredDeps);
  const engine = new AlertEngine({
    ...core,
    store: core.store.sql,
    desired,
    sink: {
      enqueue: async (_tx, transition) => {
        sent.push(transition);
      },
    },
    now,
  });
  const alerts = new AlertsService({ engine, gates: core.gates, now });
  const app = buildHttpApp(apiDeps(core, desired, { alerts, deviceEvents: core.deviceEvents, now }));
  await app.ready();
  return {
    core,
    app,
    engine,
    sent,
    clock,
    advance(seconds) {
      clock.now = new Date(clock.now.getTime() + seconds * 1000);
    },
    addUser: async (username, grants) => (await core.addUser(username, grants)).token,
    async call(token, method, url, payload) {
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: response.statusCode, body: response.body === '' ? undefined : response.json() };
    },
    close: () => core.close(app),
  };
}
