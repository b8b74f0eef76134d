import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../../../src/devices/devices-repo.js';
import { FleetEvents } from '../../../src/devices/fleet-events.js';
import { bearerToken, toPrincipal } from '../../../src/http/auth-hook.js';
import { errorBody, registerErrorHandling } from '../../../src/http/error-reply.js';
import type { HttpDeps } from '../../../src/http/http-deps.js';
import { streamRoutes, type StreamLimits } from '../../../src/http/routes/stream-routes.js';
import type { Grant } from '../../../src/users/permissions.js';
import type { UserRecord } from '../../../src/users/users-repo.js';
import { SseClient } from './sse-client.js';

const AT = '2025-03-01T08:00:00.000Z';

function record(id: string, gateId: string, name = id): DeviceRecord {
  return {
    id,
    name,
    gateId,
    zoneId: 'hall',
    tags: [],
    createdAt: AT,
    presence: { state: 'online', since: AT, lastSeenAt: AT },
    agentVersion: '0.1.0',
    reported: null,
    reportedAt: null,
    lastTelemetry: null,
    lastTelemetryAt: null,
  };
}

function user(id: string, grants: Grant[]): UserRecord {
  return {
    id,
    username: id,
    displayName: id,
    grants,
    mustChangePassword: false,
    createdAt: AT,
    failedLogins: 0,
    lockedUntil: null,
  };
}

/**
 * The stream route alone on a real HTTP server, with short limits: store, users and tokens are
 * small maps, the events are the real FleetEvents (unthrottled), the caller comes from a token.
 */
async function streamServer(limits: Partial<StreamLimits>, withEvents = true) {
  const events = new FleetEvents({ log: pino({ level: 'silent' }), minIntervalMs: 0 });
  const devices = new Map<string, DeviceRecord>();
  const users = new Map<string, UserRecord>([
    ['u-op', user('u-op', [{ role: 'operator', gateId: 'cat-bi-airport' }])],
    ['u-admin', user('u-admin', [{ role: 'admin', gateId: null }])],
  ]);
  const deps = {
    log: pino({ level: 'silent' }),
    devices: { get: (id: string) => devices.get(id) },
    broker: { isConnected: () => true },
    desired: { latest: () => undefined },
    tokens: {
      identify: (token: string) =>
        users.has(token) ? { tokenId: 't', name: 't', userId: token } : undefined,
    },
    users: { getById: (id: string) => users.get(id) },
    sessions: { verify: () => undefined },
    ...(withEvents ? { events } : {}),
  } as unknown as HttpDeps;
  const app: FastifyInstance = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const found = users.get(bearerToken(request.headers.authorization) ?? '');
    if (!found) return reply.code(401).send(errorBody('UNAUTHORIZED'));
    request.principal = toPrincipal(found, 'token');
  });
  app.register(streamRoutes, { deps, limits });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/stream`;
  const open = (token: string) => SseClient.open(url, { authorization: `Bearer ${token}` });
  return { app, events, devices, users, url, open };
}

const ids = (client: SseClient) =>
  client.events.map((event) => (JSON.parse(event.data) as { id: string }).id);

describe('the stream route', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  const serve = async (limits: Partial<StreamLimits> = {}, withEvents = true) => {
    const server = await streamServer(limits, withEvents);
    cleanups.push(
      () => server.app.close(),
      () => server.events.stop(),
    );
    return server;
  };
  const opened = async (server: Awaited<ReturnType<typeof serve>>, token: string) => {
    const client = await server.open(token);
    cleanups.unshift(() => client.close());
    return client;
  };

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('sends every change of a device in the caller’s scope, and nothing of other gates', async () => {
    const server = await serve();
    server.devices.set('cat-bi-1', record('cat-bi-1', 'cat-bi-airport'));
    server.devices.set('port-1', record('port-1', 'hai-phong-port'));
    server.devices.set('cat-bi-2', record('cat-bi-2', 'cat-bi-airport', '<img src=x onerror=alert(1)>'));
    const operator = await opened(server, 'u-op');
    const admin = await opened(server, 'u-admin');
    expect(operator.status).toBe(200);
    for (const id of ['cat-bi-1', 'port-1', 'cat-bi-2', 'gone-device']) server.events.deviceChanged(id);
    await operator.next((event) => event.data.includes('cat-bi-2'));
    await admin.next((event) => event.data.includes('cat-bi-2'));
    expect(ids(operator)).toEqual(['cat-bi-1', 'cat-bi-2']);
    expect(ids(admin)).toEqual(['cat-bi-1', 'port-1', 'cat-bi-2']);
    // Names travel as JSON strings, exactly as stored; the dashboard shows them as text.
    expect(JSON.parse(operator.events[1]!.data).name).toBe('<img src=x onerror=alert(1)>');
    expect(operator.events.every((event) => event.event === 'device')).toBe(true);
  });

  it('pings, and ends the stream at the next ping once its user is gone', async () => {
    const server = await serve({ pingMs: 100 });
    const client = await opened(server, 'u-op');
    await waitUntil(() => client.comments.includes('ping'));
    expect(client.comments).toContain('ping');
    expect(client.closed).toBe(false);
    server.users.delete('u-op');
    expect(await client.waitClosed(2_000)).toBe(true);
    expect(server.events.listenerCount).toBe(0);
  });

  it('follows changed grants from the next ping on', async () => {
    const server = await serve({ pingMs: 100 });
    server.devices.set('port-1', record('port-1', 'hai-phong-port'));
    const client = await opened(server, 'u-op');
    server.events.deviceChanged('port-1');
    server.users.set('u-op', user('u-op', [{ role: 'viewer', gateId: 'hai-phong-port' }]));
    const pingCount = () => client.comments.filter((comment) => comment === 'ping').length;
    const before = pingCount();
    await waitUntil(() => pingCount() > before);
    expect(pingCount()).toBeGreaterThan(before);
    server.events.deviceChanged('port-1');
    await client.next((event) => event.data.includes('port-1'));
    expect(ids(client)).toEqual(['port-1']);
  });

  it('ends a stream when its lifetime is over, so the browser reconnects and signs in afresh', async () => {
    const server = await serve({ maxLifetimeMs: 300 });
    const client = await opened(server, 'u-admin');
    expect(await client.waitClosed(3_000)).toBe(true);
  });

  it('refuses streams beyond the limit with 429 and takes new ones when one closes', async () => {
    const server = await serve({ maxStreams: 1 });
    const first = await opened(server, 'u-admin');
    const second = await opened(server, 'u-op');
    expect(second.status).toBe(429);
    first.close();
    await waitUntil(() => server.events.listenerCount === 0);
    expect((await opened(server, 'u-op')).status).toBe(200);
  });

  it('answers 503 when the fleet has no live updates to give', async () => {
    const server = await serve({}, false);
    const client = await opened(server, 'u-admin');
    expect(client.status).toBe(503);
  });

  it('cuts off a client that stops reading instead of buffering for it without end', async () => {
    const server = await serve({ maxBufferedBytes: 64 * 1024 });
    const filler = 'x'.repeat(100);
    for (let i = 0; i < 4_000; i += 1)
      server.devices.set(`cat-bi-${i}`, record(`cat-bi-${i}`, 'cat-bi-airport', `${filler}-${i}`));
    const stalled = await new Promise<http.IncomingMessage>((resolve) =>
      http.get(server.url, { headers: { authorization: 'Bearer u-admin' }, agent: false }, resolve),
    );
    stalled.pause();
    cleanups.unshift(() => void stalled.destroy());
    expect(server.events.listenerCount).toBe(1);
    // Megabytes of updates: far more than the socket buffers hold for a reader that never reads.
    for (let round = 0; round < 5 && server.events.listenerCount > 0; round += 1) {
      for (let i = 0; i < 4_000; i += 1) server.events.deviceChanged(`cat-bi-${i}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitUntil(() => server.events.listenerCount === 0);
    expect(server.events.listenerCount).toBe(0);
  });

  it('ends open streams when the server closes', async () => {
    const server = await serve();
    const client = await opened(server, 'u-admin');
    await server.app.close();
    expect(await client.waitClosed(2_000)).toBe(true);
  });
});

async function waitUntil(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
