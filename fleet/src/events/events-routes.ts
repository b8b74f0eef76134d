import { GatecastError, eventSchema, isoTimeSchema } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit } from '../auth/authorize.js';
import { deviceParamsSchema, errorResponses } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';
import { DEFAULT_EVENT_PAGE, MAX_EVENT_PAGE, type EventKind } from './device-events-repo.js';

export const EVENT_KINDS = [
  'agent-started',
  'desired-applied',
  'desired-rejected',
  'error',
  'proof-of-play',
  'announcement-shown',
  'kiosk-usage',
  'update-failed',
  'self-test',
] as const satisfies readonly EventKind[];

export const eventsQuerySchema = z.strictObject({
  kind: z.enum(EVENT_KINDS).optional(),
  since: isoTimeSchema.optional().describe('inclusive, on the time the device gave the event'),
  until: isoTimeSchema.optional().describe('exclusive'),
  before: z.string().min(1).max(256).optional().describe('nextBefore of the previous page'),
  limit: z.coerce.number().int().min(1).max(MAX_EVENT_PAGE).default(DEFAULT_EVENT_PAGE),
});

export const storedEventSchema = z.object({
  id: z.string(),
  kind: z.enum(EVENT_KINDS),
  at: z.string(),
  receivedAt: z.string(),
  event: eventSchema,
});

export const eventsPageSchema = z.object({
  events: z.array(storedEventSchema),
  nextBefore: z.string().nullable().describe('pass as `before` for the next (older) page; null at the end'),
});

/** A device's events, newest first: proof of play for reports, applied versions, errors. */
export const eventsRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  app.get(
    '/api/v1/devices/:deviceId/events',
    {
      schema: {
        summary: "A device's events, newest first; kept after the device is removed",
        tags: ['devices'],
        params: deviceParamsSchema,
        querystring: eventsQuerySchema,
        response: { 200: eventsPageSchema, ...errorResponses },
      },
      config: { audit: { action: 'device.events', objectType: 'device', objectParam: 'deviceId' } },
    },
    async (request) => {
      const repo = deps.deviceEvents;
      if (!repo) throw new GatecastError('UNAVAILABLE', 'this fleet manager stores no device events');
      const { deviceId } = request.params;
      // A removed device's events stay readable by whoever may read the gate they came from.
      const gateId = (await deps.devices.get(deviceId))?.gateId ?? (await repo.gateOf(deviceId));
      if (gateId === undefined) throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
      noteAudit(request, { gateId });
      authorize(request, 'devices.read', gateId);
      return repo.list(deviceId, request.query);
    },
  );
};
