import type { ServerResponse } from 'node:http';
import { GatecastError } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';
import type { Principal } from '../users/permissions.js';
import { announcementParamsSchema } from './announcements-schemas.js';
import type { AnnouncementsService } from './announcements-service.js';

export interface ReceiptStreamLimits {
  /**
   * How often the receipts are read again. Receipts are device events, which the inbox stores
   * without telling anyone; a device's reported state (which changes when it shows the
   * announcement) also triggers a read at once.
   */
  pollMs: number;
  pingMs: number;
  maxLifetimeMs: number;
  maxStreams: number;
}

export const DEFAULT_RECEIPT_STREAM_LIMITS: ReceiptStreamLimits = {
  pollMs: 500,
  pingMs: 15_000,
  maxLifetimeMs: 15 * 60_000,
  maxStreams: 100,
};

interface Options {
  deps: HttpDeps;
  service(): AnnouncementsService;
  requireRead(request: FastifyRequest): Principal;
  limits?: Partial<ReceiptStreamLimits>;
}

/**
 * `GET /api/v1/announcements/:id/receipts/stream`: Server-Sent Events, event `receipts` with the
 * whole receipts view each time it changes (a handful of screens per gate: small enough to resend).
 */
export const receiptsStreamRoute: FastifyPluginAsyncZod<Options> = async (app, options) => {
  const limits = { ...DEFAULT_RECEIPT_STREAM_LIMITS, ...options.limits };
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });

  app.get(
    '/api/v1/announcements/:announcementId/receipts/stream',
    {
      schema: {
        summary: 'Live receipts as Server-Sent Events (event "receipts": the receipts view, on each change)',
        tags: ['announcements'],
        params: announcementParamsSchema,
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = options.requireRead(request);
      const { announcementId } = request.params;
      // Checked before the stream opens: an unknown or unreadable id is a plain 404.
      await options.service().readable(principal, announcementId);
      if (open.size >= limits.maxStreams) {
        throw new GatecastError(
          'RATE_LIMITED',
          'too many live receipt streams are open; try again in a minute',
        );
      }
      reply.hijack();
      const close = stream(reply.raw, async () => {
        const service = options.service();
        return JSON.stringify(await service.receiptsView(await service.readable(principal, announcementId)));
      });
      open.add(close);
      reply.raw.on('close', () => open.delete(close));
    },
  );

  function stream(raw: ServerResponse, read: () => Promise<string>): () => void {
    let last = '';
    let ended = false;
    // One read at a time: a change during a read asks for one more read after it.
    let reading = false;
    let again = false;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store, no-transform',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no',
      connection: 'close',
    });
    const readAll = async () => {
      try {
        do {
          again = false;
          const data = await read();
          if (ended || data === last) continue;
          last = data;
          raw.write(`event: receipts\ndata: ${data}\n\n`);
        } while (again && !ended);
      } finally {
        reading = false;
      }
    };
    const check = () => {
      if (ended) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      readAll().catch((error: unknown) => {
        app.log.info({ err: (error as Error).message }, 'receipt stream ended');
        close();
      });
    };
    const poll = setInterval(check, limits.pollMs);
    const ping = setInterval(() => !ended && raw.write(': ping\n\n'), limits.pingMs);
    const lifetime = setTimeout(() => close(), limits.maxLifetimeMs);
    const unsubscribe = options.deps.events?.subscribe(() => check()) ?? (() => undefined);
    const close = () => {
      if (ended) return;
      ended = true;
      clearInterval(poll);
      clearInterval(ping);
      clearTimeout(lifetime);
      unsubscribe();
      raw.end();
    };
    raw.on('close', close);
    raw.on('error', close);
    raw.write('retry: 3000\n: connected\n\n');
    check();
    return close;
  }
};
