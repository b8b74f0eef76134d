import { agentConfigSchema, GatecastError } from '@gatecast/protocol';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPublicRequest, PUBLIC_ROUTES } from '../../../src/http/auth-hook.js';
import { isDeviceRoute } from '../../../src/http/device-auth.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { fakeDeps, seedGate, TOKEN, type FakeDeps } from './fake-deps.js';
import { concreteUrl, recordRoutes, type RouteEntry } from './route-table.js';

const auth = { authorization: `Bearer ${TOKEN}` };

let deps: FakeDeps;
let app: FastifyInstance;
let routes: RouteEntry[];
let logLines: string[];

beforeEach(async () => {
  deps = fakeDeps();
  logLines = [];
  deps.log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  await seedGate(deps);
  app = buildHttpApp(deps);
  routes = recordRoutes(app);
  await app.ready();
});

afterEach(async () => {
  await app.close();
});

async function call(options: InjectOptions) {
  const response = await app.inject({ ...options, headers: { ...auth, ...options.headers } });
  const json = String(response.headers['content-type']).startsWith('application/json');
  return { status: response.statusCode, body: json ? response.json() : undefined, response };
}

async function enrol(extra: Record<string, unknown> = {}) {
  const { status, body } = await call({
    method: 'POST',
    url: '/api/v1/devices',
    payload: { name: 'Arrivals screen 1', gateId: 'cat-bi', zoneId: 'arrivals', ...extra },
  });
  expect(status).toBe(201);
  return body as {
    device: { id: string };
    agentConfig: { deviceId: string; secret: string; mqtt: { url: string } };
  };
}

describe('deny by default', () => {
  it('registers the routes the API promises', () => {
    const names = routes.map((route) => `${route.method} ${route.url}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'GET /metrics',
        'GET /api/v1/openapi.json',
        'GET /api/v1/gates',
        'POST /api/v1/gates',
        'GET /api/v1/gates/:gateId',
        'POST /api/v1/gates/:gateId/zones',
        'GET /api/v1/devices',
        'POST /api/v1/devices',
        'GET /api/v1/devices/:deviceId',
        'DELETE /api/v1/devices/:deviceId',
        'POST /api/v1/devices/:deviceId/commands',
      ]),
    );
  });

  it('answers 401 on every route outside the public list, without a token and with a wrong one', async () => {
    const protectedRoutes = routes.filter(
      (route) => !isPublicRequest(route.method, route.url, concreteUrl(route.url)),
    );
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(20);
    for (const route of protectedRoutes) {
      for (const headers of [{}, { authorization: 'Bearer gct_wrong' }, { authorization: TOKEN }]) {
        const method = route.method as InjectOptions['method'];
        const response = await app.inject({ method, url: concreteUrl(route.url), headers, payload: {} });
        expect({ route, status: response.statusCode }).toEqual({ route, status: 401 });
        // A HEAD answer (the upload offset probe) never carries a body.
        if (route.method !== 'HEAD') expect(response.json().error.code).toBe('UNAUTHORIZED');
        // The screens' namespace asks for device credentials, everything else for a user's.
        const scheme = isDeviceRoute(route.url) ? 'Basic realm="gatecast-device"' : 'Bearer';
        expect(response.headers['www-authenticate']).toBe(scheme);
      }
    }
  });

  it('serves the public routes without a token', async () => {
    for (const entry of PUBLIC_ROUTES) {
      const [method, url] = entry.split(' ') as [InjectOptions['method'], string];
      const response = await app.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
      // Sign-in without a body is refused for the body, not for missing credentials.
      // A screen's enrolment poll needs its own poll token: refused as a bad one, not for a missing account.
      const expected = method === 'POST' ? 400 : url.includes('/:') ? 403 : 200;
      expect({ entry, status: response.statusCode }).toEqual({ entry, status: expected });
    }
  });

  it('hides unknown routes from anonymous callers and answers 404 to known ones', async () => {
    expect((await app.inject({ url: '/api/v1/nothing' })).statusCode).toBe(401);
    const { status, body } = await call({ url: '/api/v1/nothing?x=1' });
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/v1/nothing' } });
  });
});

describe('gates', () => {
  it('creates, lists and reads gates and zones', async () => {
    const created = await call({
      method: 'POST',
      url: '/api/v1/gates',
      payload: { id: 'hai-phong-port', name: 'Port of Hai Phong' },
    });
    expect(created.status).toBe(201);
    expect(created.body.gate).toMatchObject({
      id: 'hai-phong-port',
      timeZone: 'Asia/Ho_Chi_Minh',
      zones: [],
    });
    const zone = await call({
      method: 'POST',
      url: '/api/v1/gates/hai-phong-port/zones',
      payload: { id: 'pier-2', name: 'Pier 2' },
    });
    expect(zone.status).toBe(201);
    expect(zone.body.zone).toMatchObject({ id: 'pier-2', gateId: 'hai-phong-port' });
    const read = await call({ url: '/api/v1/gates/hai-phong-port' });
    expect(read.body.gate.zones.map((z: { id: string }) => z.id)).toEqual(['pier-2']);
    const list = await call({ url: '/api/v1/gates' });
    expect(list.body.gates.map((g: { id: string }) => g.id)).toEqual(['cat-bi', 'hai-phong-port']);
  });

  it('passes store errors through in the one error shape', async () => {
    const duplicate = await call({
      method: 'POST',
      url: '/api/v1/gates',
      payload: { id: 'cat-bi', name: 'Again' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('CONFLICT');
    const missing = await call({
      method: 'POST',
      url: '/api/v1/gates/nowhere/zones',
      payload: { id: 'hall', name: 'Hall' },
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'NOT_FOUND', message: 'no gate nowhere' } });
    expect((await call({ url: '/api/v1/gates/nowhere' })).status).toBe(404);
  });
});

describe('malformed requests', () => {
  it.each([
    ['/api/v1/gates', { id: 'Cat Bi', name: 'Cat Bi' }, 'body.id: must be 3-64 characters'],
    [
      '/api/v1/gates',
      { id: 'cat-bi-2', name: 'Cat Bi', timeZone: 'Mars/Olympus' },
      'body.timeZone: must be an IANA time zone',
    ],
    [
      '/api/v1/gates',
      { id: 'cat-bi-2', name: 'Cat Bi', languages: ['Vietnamese'] },
      'body.languages[0]: must be a BCP 47',
    ],
    ['/api/v1/gates', { id: 'cat-bi-2', nam: 'Cat Bi' }, 'body.name: '],
    ['/api/v1/gates', { id: 'cat-bi-2', name: 'Cat Bi', zone: 'x' }, 'body: Unrecognized key: "zone"'],
    ['/api/v1/devices', { name: 'Screen', zoneId: 'arrivals' }, 'body.gateId: '],
    [
      '/api/v1/devices',
      { name: 'Screen', gateId: 'cat-bi', zoneId: 'arrivals', tags: ['ok', 'Not OK'] },
      'body.tags[1]: ',
    ],
    ['/api/v1/devices', { name: '', gateId: 'cat-bi', zoneId: 'arrivals' }, 'body.name: must not be empty'],
    ['/api/v1/devices/cat-bi-1/commands', { name: 'self-destruct' }, 'body.name: '],
    [
      '/api/v1/devices/cat-bi-1/commands',
      { name: 'identify', args: { durationSec: 9999 } },
      'body.args.durationSec: ',
    ],
    ['/api/v1/devices/cat-bi-1/commands', { name: 'ping', timeoutMs: 'soon' }, 'body.timeoutMs: '],
  ])('POST %s %j → 400 naming the field', async (url, payload, expected) => {
    const { status, body } = await call({ method: 'POST', url, payload });
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).toContain(expected);
  });

  it('names bad path and query parameters', async () => {
    const path = await call({ url: '/api/v1/devices/-bad-' });
    expect(path.status).toBe(400);
    expect(path.body.error.message).toMatch(/^params\.deviceId: /);
    const query = await call({ url: '/api/v1/devices?gate=Cat%20Bi' });
    expect(query.body.error.message).toMatch(/^querystring\.gate: /);
  });

  it('refuses JSON that does not parse, other media types and bodies over 1 MiB', async () => {
    const headers = { 'content-type': 'application/json' };
    const badJson = await call({ method: 'POST', url: '/api/v1/gates', headers, payload: '{"id":' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('BAD_REQUEST');
    const text = await call({
      method: 'POST',
      url: '/api/v1/gates',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(text.body.error).toEqual({
      code: 'BAD_REQUEST',
      message: 'body: content-type must be application/json',
    });
    const huge = JSON.stringify({ id: 'cat-bi-2', name: 'x'.repeat(1024 * 1024) });
    const tooLarge = await call({ method: 'POST', url: '/api/v1/gates', headers, payload: huge });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unexpected failure with 500 INTERNAL and logs it server-side only', async () => {
    deps.gates.list = () => {
      throw new Error('SQLITE_IOERR: disk I/O error at /srv/gatecast/data/gatecast.db');
    };
    const { status, body, response } = await call({ url: '/api/v1/gates' });
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'INTERNAL', message: 'Unexpected server error.' } });
    expect(response.body).not.toContain('SQLITE');
    expect(logLines.some((line) => line.includes('SQLITE_IOERR'))).toBe(true);
  });
});

describe('devices', () => {
  it('enrols a device: derived id, first desired document, agent config with the secret', async () => {
    const { device, agentConfig } = await enrol({ tags: ['arrivals'] });
    expect(device.id).toMatch(/^cat-bi-arrivals-[a-z2-9]{6}$/);
    expect(deps.refreshed).toEqual([device.id]);
    const parsed = agentConfigSchema.parse(agentConfig);
    expect(parsed).toMatchObject({ deviceId: device.id, mqtt: { url: 'mqtt://fleet.catbi.example:1883' } });
    expect(agentConfig.secret.length).toBeGreaterThanOrEqual(43);
    expect(device).toMatchObject({ desiredVersion: 1, inSync: false, connected: false, tags: ['arrivals'] });
  });

  it('keeps an explicit id and refuses a duplicate', async () => {
    const { device } = await enrol({ id: 'cat-bi-belt-3' });
    expect(device.id).toBe('cat-bi-belt-3');
    const again = await call({
      method: 'POST',
      url: '/api/v1/devices',
      payload: { id: 'cat-bi-belt-3', name: 'Twin', gateId: 'cat-bi', zoneId: 'arrivals' },
    });
    expect(again.status).toBe(409);
  });

  it('removes the device again when its first desired document cannot be published', async () => {
    deps.refreshFailure = new GatecastError('UNAVAILABLE', 'the MQTT broker is not running');
    const { status, body } = await call({
      method: 'POST',
      url: '/api/v1/devices',
      payload: { name: 'Screen', gateId: 'cat-bi', zoneId: 'arrivals' },
    });
    expect(status).toBe(503);
    expect(body.error.code).toBe('UNAVAILABLE');
    expect(deps.deviceMap.size).toBe(0);
  });

  it('never shows the secret again: not in lists, details or logs', async () => {
    const { device, agentConfig } = await enrol();
    const list = await call({ url: '/api/v1/devices?gate=cat-bi&zone=arrivals' });
    const detail = await call({ url: `/api/v1/devices/${device.id}` });
    expect(list.body.devices.map((d: { id: string }) => d.id)).toEqual([device.id]);
    expect(detail.body.device.desired).toMatchObject({ version: 1, deviceId: device.id });
    expect(list.response.body + detail.response.body).not.toContain(agentConfig.secret);
    expect(logLines.join('\n')).not.toContain(agentConfig.secret);
    expect(logLines.join('\n')).not.toContain(TOKEN);
  });

  it('filters the list by gate and zone', async () => {
    await enrol();
    expect((await call({ url: '/api/v1/devices?gate=hai-phong-port' })).body.devices).toEqual([]);
    expect((await call({ url: '/api/v1/devices?zone=arrivals' })).body.devices).toHaveLength(1);
  });

  it('deletes: credential gone, session kicked, retained documents forgotten', async () => {
    const { device } = await enrol();
    deps.connected.add(device.id);
    const removed = await call({ method: 'DELETE', url: `/api/v1/devices/${device.id}` });
    expect(removed.status).toBe(204);
    expect(removed.response.body).toBe('');
    expect(deps.deviceMap.has(device.id)).toBe(false);
    expect(deps.kicked).toEqual([device.id]);
    expect(deps.forgotten).toEqual([device.id]);
    expect((await call({ method: 'DELETE', url: `/api/v1/devices/${device.id}` })).status).toBe(404);
    expect((await call({ url: `/api/v1/devices/${device.id}` })).status).toBe(404);
  });
});

describe('audit', () => {
  it('records each change once, with who, what and where, and no secret', async () => {
    const { device, agentConfig } = await enrol();
    await call({ method: 'DELETE', url: `/api/v1/devices/${device.id}` });
    await call({ url: '/api/v1/devices' });
    expect(deps.audited.map((entry) => [entry.action, entry.objectId, entry.gateId, entry.outcome])).toEqual([
      ['device.create', device.id, 'cat-bi', 'ok'],
      ['device.remove', device.id, 'cat-bi', 'ok'],
    ]);
    expect(deps.audited[0]).toMatchObject({ actor: { id: 'usr_admin', name: 'admin' }, status: 201 });
    expect(JSON.stringify(deps.audited)).not.toContain(agentConfig.secret);
  });

  it('records a 401 that came with credentials, not one without', async () => {
    await app.inject({ url: '/api/v1/gates', headers: { authorization: 'Bearer gct_wrong' } });
    await app.inject({ url: '/api/v1/gates' });
    expect(deps.audited).toMatchObject([{ outcome: 'denied', status: 401, actor: null }]);
  });
});

describe('commands', () => {
  it("returns the device's result, with the default timeout when none is given", async () => {
    const { device } = await enrol();
    deps.connected.add(device.id);
    const { status, body } = await call({
      method: 'POST',
      url: `/api/v1/devices/${device.id}/commands`,
      payload: { name: 'ping' },
    });
    expect(status).toBe(200);
    expect(body.result).toMatchObject({ ok: true, name: 'ping', result: { agentVersion: '0.1.0' } });
    expect(deps.sent).toEqual([{ deviceId: device.id, name: 'ping', args: {}, timeoutMs: 5_000 }]);
  });

  it('maps DEVICE_OFFLINE to 409 and COMMAND_TIMEOUT to 504', async () => {
    const { device } = await enrol();
    const url = `/api/v1/devices/${device.id}/commands`;
    const offline = await call({
      method: 'POST',
      url,
      payload: { name: 'identify', args: { durationSec: 5 } },
    });
    expect(offline.status).toBe(409);
    expect(offline.body.error.code).toBe('DEVICE_OFFLINE');
    deps.connected.add(device.id);
    deps.commandAnswer = async () => {
      throw new GatecastError('COMMAND_TIMEOUT', 'no answer within 1000 ms');
    };
    const late = await call({ method: 'POST', url, payload: { name: 'ping', timeoutMs: 1000 } });
    expect(late.status).toBe(504);
    expect(late.body).toEqual({ error: { code: 'COMMAND_TIMEOUT', message: 'no answer within 1000 ms' } });
  });

  it('answers 404 for a device that does not exist', async () => {
    const { status } = await call({
      method: 'POST',
      url: '/api/v1/devices/cat-bi-ghost/commands',
      payload: { name: 'ping' },
    });
    expect(status).toBe(404);
    expect(deps.sent).toEqual([]);
  });
});

describe('system routes', () => {
  it('reports health without a token', async () => {
    deps.connected.add('cat-bi-arrivals-1');
    const response = await app.inject({ url: '/healthz' });
    expect(response.json()).toEqual({ status: 'ok', uptimeSec: 0, connectedDevices: 1 });
  });

  it('exposes device, broker, HTTP and process metrics in Prometheus text', async () => {
    await enrol();
    await call({ url: '/api/v1/gates' });
    const response = await call({ url: '/metrics' });
    expect(response.response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.response.body;
    expect(text).toContain('gatecast_devices{gate="cat-bi",presence="never-seen"} 1');
    expect(text).toContain('gatecast_devices{gate="cat-bi",presence="online"} 0');
    expect(text).toContain('gatecast_devices_connected 0');
    expect(text).toContain('gatecast_broker_rejected_connects_total 3');
    expect(text).toContain('gatecast_broker_guard_closures_total 1');
    expect(text).toMatch(
      /gatecast_http_requests_total\{method="GET",route="\/api\/v1\/gates",status_code="200"\} 1/,
    );
    expect(text).toMatch(
      /gatecast_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/devices",status_code="201"\} 1/,
    );
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
    expect(text).toMatch(/process_cpu_seconds_total \d/);
  });

  it('keeps a registry per app', async () => {
    const other = buildHttpApp(fakeDeps());
    await other.ready();
    await call({ url: '/api/v1/gates' });
    const text = (await other.inject({ url: '/metrics', headers: auth })).body;
    await other.close();
    expect(text).not.toContain('route="/api/v1/gates"');
  });

  it('describes every route in the OpenAPI document, with its security', async () => {
    const document = (await app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    for (const route of routes) {
      const path = route.url.replace(/:([A-Za-z0-9]+)/g, '{$1}');
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      expect({ route, described: operation !== undefined }).toEqual({ route, described: true });
      const isPublic = PUBLIC_ROUTES.has(`${route.method} ${route.url}`);
      const signedIn = [{ bearerAuth: [] }, { sessionCookie: [] }];
      const expected = isDeviceRoute(route.url) ? [{ deviceBasic: [] }] : signedIn;
      expect(operation.security ?? document.security).toEqual(isPublic ? [] : expected);
    }
    const enrolment = document.paths['/api/v1/devices'].post;
    expect(enrolment.requestBody.content['application/json'].schema.required).toEqual([
      'name',
      'gateId',
      'zoneId',
    ]);
  });

  it('logs one line per request and redacts credentials', async () => {
    logLines.length = 0;
    await app.inject({ url: '/api/v1/gates', headers: { authorization: 'Bearer gct_wrong-token' } });
    await call({ url: '/api/v1/gates' });
    const requests = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    expect(requests.map((entry) => entry.statusCode)).toEqual([401, 200]);
    expect(requests[0]).toMatchObject({ mod: 'http', route: '/api/v1/gates', method: 'GET' });
    expect(logLines.join('\n')).not.toMatch(/gct_wrong-token|gct_test-token/);
  });
});
