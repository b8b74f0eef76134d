import type { ServerResponse } from 'node:http';
import { GatecastError } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../auth/authorize.js';
import type { DeviceRecord } from '../../devices/devices-repo.js';
import { inScope, scopeOf, type Principal } from '../../users/permissions.js';
import { errorResponses, type DeviceView } from '../api-schemas.js';
import { bearerToken, readSessionCookie, toPrincipal } from '../auth-hook.js';
import { toDeviceView } from '../device-view.js';
import type { HttpDeps } from '../http-deps.js';

export interface StreamLimits {
  /** A `: ping` comment this often keeps proxies from closing a quiet stream; the caller is re-checked then. */
  pingMs: number;
  /** Streams end after this long; the browser reconnects by itself and signs in afresh. */
  maxLifetimeMs: number;
  /** Open streams at once, over all callers. */
  maxStreams: number;
  /** A client this far behind is cut off rather than buffered without end; it reconnects and reloads. */
  maxBufferedBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  pingMs: 15_000,
  maxLifetimeMs: 15 * 60_000,
  maxStreams: 200,
  maxBufferedBytes: 1024 * 1024,
};

interface Stream {
  /** Sends the device if the caller may read its gate. */
  offer(device: DeviceView): void;
  close(reason: string): void;
}

/**
 * `GET /api/v1/stream`: Server-Sent Events for the dashboard. One subscription to FleetEvents is
 * shared by all open streams, so each change reads the store once however many people watch.
 * Event `device` carries a DeviceView, only for devices in the caller's devices.read scope.
 */
export const streamRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps; limits?: Partial<StreamLimits> }> = async (
  app,
  { deps, limits: given },
) => {
  const limits = { ...DEFAULT_STREAM_LIMITS, ...given };
  const streams = new Set<Stream>();
  let unsubscribe: (() => void) | null = null;

  const broadcast = async (deviceId: string) => {
    const device = await deps.devices.get(deviceId);
    if (!device) return;
    const view = await viewOf(deps, device);
    for (const stream of streams) stream.offer(view);
  };
  const opened = (stream: Stream) => {
    streams.add(stream);
    unsubscribe ??= deps.events?.subscribe(broadcast) ?? null;
  };
  const closed = (stream: Stream) => {
    streams.delete(stream);
    if (streams.size > 0) return;
    unsubscribe?.();
    unsubscribe = null;
  };
  // An open stream is never idle, so the server would wait for it forever on close.
  app.addHook('preClose', async () => {
    for (const stream of [...streams]) stream.close('server stopping');
  });

  app.get(
    '/api/v1/stream',
    {
      config: { audit: { action: 'device.stream', objectType: 'device' } },
      schema: {
        summary: 'Live device updates as Server-Sent Events (event "device", data: a device view)',
        description:
          'Sent when a device in your devices.read scope changes presence, reported state or health, ' +
          'at most once per device per second. A ": ping" comment every 15 s; the stream ends after ' +
          '15 minutes and the client reconnects.',
        tags: ['devices'],
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!deps.events) throw new GatecastError('UNAVAILABLE', 'live updates are not available');
      if (streams.size >= limits.maxStreams) {
        throw new GatecastError('RATE_LIMITED', 'too many live streams are open; try again in a minute');
      }
      const principal = principalOf(request);
      reply.hijack();
      const stream = openStream(request, reply.raw, { deps, limits, principal, onClose: closed });
      opened(stream);
      request.log.info({ streams: streams.size }, 'stream opened');
    },
  );
};

async function viewOf(deps: HttpDeps, device: DeviceRecord): Promise<DeviceView> {
  return toDeviceView(device, {
    connected: deps.broker.isConnected(device.id),
    desired: await deps.desired.latest(device.id),
  });
}

interface StreamContext {
  deps: HttpDeps;
  limits: StreamLimits;
  principal: Principal;
  onClose(stream: Stream): void;
}

function openStream(request: FastifyRequest, raw: ServerResponse, ctx: StreamContext): Stream {
  const { deps, limits } = ctx;
  let scope = scopeOf(ctx.principal, 'devices.read');
  let ended = false;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store, no-transform',
    'x-content-type-options': 'nosniff',
    // Reverse proxies (nginx) would otherwise hold events back in their buffer.
    'x-accel-buffering': 'no',
    // A stream's socket is never reused: closing it with the stream lets the server stop at once.
    connection: 'close',
  });
  const write = (text: string) => {
    if (ended) return;
    if (raw.writableLength > limits.maxBufferedBytes) return stream.close('client too slow');
    raw.write(text);
  };
  const recheck = async () => {
    const principal = await currentPrincipal(request, deps);
    if (!principal) return stream.close('credentials no longer valid');
    scope = scopeOf(principal, 'devices.read');
    write(': ping\n\n');
  };
  const ping = setInterval(() => {
    recheck().catch((error) => request.log.error({ err: (error as Error).message }, 'stream ping failed'));
  }, limits.pingMs);
  const lifetime = setTimeout(() => stream.close('lifetime reached'), limits.maxLifetimeMs);
  const stream: Stream = {
    offer(device) {
      if (inScope(scope, device.gateId)) write(`event: device\ndata: ${JSON.stringify(device)}\n\n`);
    },
    close(reason) {
      if (ended) return;
      ended = true;
      clearInterval(ping);
      clearTimeout(lifetime);
      ctx.onClose(stream);
      request.log.info({ reason }, 'stream closed');
      raw.end();
    },
  };
  raw.on('close', () => stream.close('client went away'));
  raw.on('error', () => stream.close('socket error'));
  // Reconnect after 3 s when the stream drops; the comment flushes the headers at once.
  write('retry: 3000\n: connected\n\n');
  return stream;
}

/**
 * The caller as of now, from the same credentials the stream was opened with: a removed user, a
 * revoked token, an ended session or changed grants take effect within one ping.
 */
async function currentPrincipal(request: FastifyRequest, deps: HttpDeps): Promise<Principal | null> {
  const now = (deps.now ?? (() => new Date()))();
  if (request.headers.authorization !== undefined) {
    const token = bearerToken(request.headers.authorization);
    const owned = token === undefined ? undefined : await deps.tokens.identify(token);
    const user = owned && (await deps.users.getById(owned.userId));
    return user ? toPrincipal(user, 'token') : null;
  }
  const sessionId = readSessionCookie(request.headers.cookie);
  const session = sessionId === undefined ? undefined : await deps.sessions.verify(sessionId, now);
  const user = session && (await deps.users.getById(session.userId));
  return user && !user.mustChangePassword ? toPrincipal(user, 'session') : null;
}
