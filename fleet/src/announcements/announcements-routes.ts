import { GatecastError } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';
import type { Announcements } from './announcements.js';
import {
  announcementParamsSchema,
  announcementViewSchema,
  fireBodySchema,
  listQuerySchema,
  receiptsViewSchema,
  reviewBodySchema,
  sendBodySchema,
} from './announcements-schemas.js';
import { capRoutes } from './cap-routes.js';
import { receiptsStreamRoute, type ReceiptStreamLimits } from './receipts-stream.js';
import { noteDone, noteTargets, requireSomewhere } from './route-guards.js';
import { templatesRoutes } from './templates-routes.js';

const tags = ['announcements'];

export interface AnnouncementsRoutesOptions {
  deps: HttpDeps;
  /** The domain; without it every route answers 503 UNAVAILABLE (after authentication). */
  announcements?: Announcements | undefined;
  streamLimits?: Partial<ReceiptStreamLimits>;
}

/**
 * Urgent announcements, their templates, per-screen receipts and the CAP 1.2 endpoint. Each route
 * needs its permission somewhere before anything is read; the service then checks it at every
 * gate the announcement targets. Every change is in the audit log.
 */
export const announcementsRoutes: FastifyPluginAsyncZod<AnnouncementsRoutesOptions> = async (
  app,
  options,
) => {
  // Without the domain (a test's small app) the routes still exist, so deny-by-default covers them.
  const domain = (): Announcements => {
    if (!options.announcements) {
      throw new GatecastError('UNAVAILABLE', 'this fleet manager serves no announcements');
    }
    return options.announcements;
  };
  const { announcements } = options;
  if (announcements) {
    app.addHook('onReady', async () => announcements.service.start());
    app.addHook('onClose', async () => announcements.service.stop());
  }

  // ---- announcements ---------------------------------------------------------------------

  app.get(
    '/api/v1/announcements',
    {
      schema: {
        summary: 'Announcements you may read, newest first',
        tags,
        querystring: listQuerySchema,
        response: { 200: z.object({ announcements: z.array(announcementViewSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = requireSomewhere(request, 'announcements.read');
      const state = request.query.state;
      return { announcements: await domain().service.list(principal, state ? { state } : {}) };
    },
  );

  app.post(
    '/api/v1/announcements/fire',
    {
      schema: {
        summary: 'Fire a published template at once (or at startAt) on the targeted screens',
        tags,
        body: fireBodySchema,
        response: { 201: announcementViewSchema, ...errorResponses },
      },
      config: { audit: { action: 'announcement.fire', objectType: 'announcement' } },
    },
    async (request, reply) => {
      const principal = requireSomewhere(request, 'announcements.fire');
      noteTargets(request, request.body.targets);
      const fired = await domain().service.fire(principal, request.body);
      noteDone(request, fired);
      return reply.code(201).send(fired);
    },
  );

  app.post(
    '/api/v1/announcements',
    {
      schema: {
        summary: 'A free-text announcement; it waits for a second person to approve it',
        tags,
        body: sendBodySchema,
        response: { 201: announcementViewSchema, ...errorResponses },
      },
      config: { audit: { action: 'announcement.send', objectType: 'announcement' } },
    },
    async (request, reply) => {
      const principal = requireSomewhere(request, 'announcements.fire');
      noteTargets(request, request.body.targets);
      const sent = await domain().service.send(principal, request.body);
      noteDone(request, sent);
      return reply.code(201).send(sent);
    },
  );

  app.get(
    '/api/v1/announcements/:announcementId',
    {
      schema: {
        summary: 'One announcement with its receipts',
        tags,
        params: announcementParamsSchema,
        response: {
          200: announcementViewSchema.extend({ receipts: receiptsViewSchema }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = requireSomewhere(request, 'announcements.read');
      const { announcementId } = request.params;
      return {
        ...(await domain().service.get(principal, announcementId)),
        receipts: await domain().service.receipts(principal, announcementId),
      };
    },
  );

  app.get(
    '/api/v1/announcements/:announcementId/receipts',
    {
      schema: {
        summary: 'Per-screen render receipts: which targeted screens showed it, when, with a screenshot hash',
        tags,
        params: announcementParamsSchema,
        response: { 200: receiptsViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = requireSomewhere(request, 'announcements.read');
      return await domain().service.receipts(principal, request.params.announcementId);
    },
  );

  for (const action of ['approve', 'reject'] as const) {
    app.post(
      `/api/v1/announcements/:announcementId/${action}`,
      {
        schema: {
          summary:
            action === 'approve'
              ? 'Approve a free text (two-person rule: not its writer); it goes out at once'
              : 'Reject a free text (two-person rule: not its writer)',
          tags,
          params: announcementParamsSchema,
          body: reviewBodySchema,
          response: { 200: announcementViewSchema, ...errorResponses },
        },
        config: {
          audit: {
            action: `announcement.${action}`,
            objectType: 'announcement',
            objectParam: 'announcementId',
          },
        },
      },
      async (request) => {
        const principal = requireSomewhere(request, 'announcements.approve');
        const { announcementId } = request.params;
        const before = await domain().service.get(principal, announcementId);
        noteTargets(request, before.targets);
        const after =
          action === 'approve'
            ? await domain().service.approve(principal, announcementId, request.body.comment)
            : await domain().service.reject(principal, announcementId, request.body.comment);
        noteDone(request, after);
        return after;
      },
    );
  }

  app.post(
    '/api/v1/announcements/:announcementId/cancel',
    {
      schema: {
        summary: 'Take an announcement off the screens now (or withdraw one awaiting approval)',
        tags,
        params: announcementParamsSchema,
        response: { 200: announcementViewSchema, ...errorResponses },
      },
      config: {
        audit: { action: 'announcement.cancel', objectType: 'announcement', objectParam: 'announcementId' },
      },
    },
    async (request) => {
      const principal = requireSomewhere(request, 'announcements.fire');
      const { announcementId } = request.params;
      noteTargets(request, (await domain().service.get(principal, announcementId)).targets);
      const cancelled = await domain().service.cancel(principal, announcementId);
      noteDone(request, cancelled);
      return cancelled;
    },
  );

  app.register(receiptsStreamRoute, {
    deps: options.deps,
    service: () => domain().service,
    requireRead: (request: FastifyRequest) => requireSomewhere(request, 'announcements.read'),
    ...(options.streamLimits ? { limits: options.streamLimits } : {}),
  });

  app.register(capRoutes, { domain });
  app.register(templatesRoutes, { domain });
};
