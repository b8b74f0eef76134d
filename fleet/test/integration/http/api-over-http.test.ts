import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicRequest } from '../../../src/http/auth-hook.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { isDeviceRoute } from '../../../src/http/device-auth.js';
import { fakeDeps } from '../../unit/http/fake-deps.js';
import { concreteUrl, recordRoutes, type RouteEntry } from '../../unit/http/route-table.js';
import { startRealFleet, type RealFleet } from '../fleet/real-fleet.js';

let fleet: RealFleet;
let routes: RouteEntry[];

/** The route table as the app registers it, so a route added later is covered without editing this test. */
async function routeTable(): Promise<RouteEntry[]> {
  const app = buildHttpApp(fakeDeps());
  const recorded = recordRoutes(app);
  await app.ready();
  await app.close();
  return recorded;
}

beforeAll(async () => {
  routes = await routeTable();
  fleet = await startRealFleet();
  await fleet.api('POST', '/api/v1/gates', { id: 'hai-phong-port', name: 'Port of Hai Phong' });
  await fleet.api('POST', '/api/v1/gates/hai-phong-port/zones', { id: 'pier-2', name: 'Pier 2' });
});

afterAll(async () => {
  await fleet?.close();
});

describe('the API over real HTTP', () => {
  it('lists every route in its OpenAPI document', async () => {
    const answer = await fleet.api('GET', '/api/v1/openapi.json', undefined, null);
    expect(answer.status).toBe(200);
    const described = Object.entries(answer.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const registered = routes.map(
      (route) => `${route.method} ${route.url.replace(/:([A-Za-z0-9]+)/g, '{$1}')}`,
    );
    expect(described.sort()).toEqual(registered.sort());
  });

  it('answers 401 on every protected route without a token and with a wrong one', async () => {
    const protectedRoutes = routes.filter(
      (route) => !isPublicRequest(route.method, route.url, concreteUrl(route.url)),
    );
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(20);
    for (const route of protectedRoutes) {
      for (const token of [null, 'gct_wrong', `${fleet.token}x`, '']) {
        const answer = await fleet.api(
          route.method,
          concreteUrl(route.url),
          route.method === 'GET' || route.method === 'HEAD' ? undefined : {},
          token,
        );
        expect({ route: `${route.method} ${route.url}`, token, status: answer.status }).toEqual({
          route: `${route.method} ${route.url}`,
          token,
          status: 401,
        });
        // The screens' namespace asks for device credentials instead (docs/adr/0012).
        const message = isDeviceRoute(route.url)
          ? 'send the device id and secret as HTTP Basic credentials'
          : 'sign in, or send a valid "Authorization: Bearer <token>" header';
        // A HEAD answer (the upload offset probe) never carries a body.
        if (route.method !== 'HEAD')
          expect(answer.body).toEqual({ error: { code: 'UNAUTHORIZED', message } });
      }
    }
  });

  it('answers 400 naming the field for malformed bodies', async () => {
    const noGate = await fleet.api('POST', '/api/v1/devices', { name: 'Pier screen', zoneId: 'pier-2' });
    expect(noGate.status).toBe(400);
    expect(noGate.body.error).toEqual({
      code: 'BAD_REQUEST',
      message: 'body.gateId: Invalid input: expected string, received undefined',
    });
    const badZone = await fleet.api('POST', '/api/v1/gates/hai-phong-port/zones', {
      id: 'Pier 3',
      name: 'Pier 3',
    });
    expect(badZone.status).toBe(400);
    expect(badZone.body.error.message).toMatch(/^body\.id: must be 3-64 characters/);
    const notJson = await fleet.api('POST', '/api/v1/gates', '{"id": "x",');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('BAD_REQUEST');
  });

  it('answers unknown zones with 404 and a duplicate gate with 409', async () => {
    const unknownZone = await fleet.api('POST', '/api/v1/devices', {
      name: 'Pier screen',
      gateId: 'hai-phong-port',
      zoneId: 'pier-9',
    });
    expect(unknownZone.status).toBe(404);
    expect(unknownZone.body.error.code).toBe('NOT_FOUND');
    const duplicate = await fleet.api('POST', '/api/v1/gates', { id: 'hai-phong-port', name: 'Again' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('CONFLICT');
  });

  it('never writes the admin token or a device secret into its logs', async () => {
    const enrolled = await fleet.api('POST', '/api/v1/devices', {
      name: 'Pier screen',
      gateId: 'hai-phong-port',
      zoneId: 'pier-2',
    });
    expect(enrolled.status).toBe(201);
    const log = fleet.lines.join('\n');
    expect(log).toContain('device enrolled');
    expect(log).not.toContain(enrolled.body.agentConfig.secret);
    expect(log).not.toContain(fleet.token);
  });
});
