import type { DeviceEvent } from '@gatecast/protocol';
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../../src/audit/audit-log.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import type { DevicesRepo } from '../../../src/devices/devices-repo.js';
import type { DeviceEventsRepo } from '../../../src/events/device-events-repo.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import type { Grant } from '../../../src/users/permissions.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { apiDeps, openApiCore } from '../support/api-app.js';

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
  const core = openApiCore();
  const { gates, devices, deviceEvents, audit } = core;
  const app = buildHttpApp(apiDeps(core, new DesiredService(core.desiredDeps), { deviceEvents }));
  await app.ready();
  await seedGates(gates);
  await enrol(devices, 'cat-bi-arr-01');
  await enrol(devices, 'port-term-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
  return {
    app,
    devices,
    deviceEvents,
    audit,
    catBiScreen: 'cat-bi-arr-01',
    portScreen: 'port-term-01',
    addUser: async (username, grants) => (await core.addUser(username, grants)).token,
    async get(token, url) {
      const response = await app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.statusCode, body: response.json() };
    },
    close: () => core.close(app),
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
