import {
  GatecastError,
  deviceIdSchema,
  isoTimeSchema,
  layoutSchema,
  slugSchema,
  type DesiredDocument,
} from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { MAX_PREVIEW_HOURS, previewTimeline, type DevicePreview } from '../desired/preview-timeline.js';
import { deviceParamsSchema, errorResponses } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';
import { inScope, scopeOf } from '../users/permissions.js';
import type { ContentService } from './content-service.js';

const layoutSettingSchema = z.object({
  gateId: z.string(),
  zoneId: z.string().nullable(),
  deviceId: z.string().nullable(),
  layout: layoutSchema,
  updatedBy: z.string(),
  updatedAt: z.string(),
});

const scopeSchema = z.strictObject({
  gateId: slugSchema,
  zoneId: slugSchema.nullable().default(null),
  deviceId: deviceIdSchema.nullable().default(null),
});

const layoutQuerySchema = z.strictObject({
  gate: slugSchema,
  zone: slugSchema.optional(),
  device: deviceIdSchema.optional(),
});

const segmentSchema = z.object({
  zone: z.string(),
  from: z.string(),
  to: z.string(),
  itemId: z.string(),
  kind: z.string(),
  label: z.string(),
  layer: z.string().nullable(),
  entryId: z.string().nullable(),
  source: z.enum(['schedule', 'default']),
});

const previewQuerySchema = z.strictObject({
  at: isoTimeSchema.optional().describe('start of the preview; now when left out'),
  hours: z.coerce.number().min(0.25).max(MAX_PREVIEW_HOURS).default(24),
});

/** Layouts per gate, zone or device, and the preview of what a screen shows over a period. */
export const layoutRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const service = (): ContentService => {
    if (!deps.content) throw new GatecastError('UNAVAILABLE', 'this fleet manager has no content service');
    return deps.content;
  };

  app.get(
    '/api/v1/layouts',
    {
      schema: {
        summary: 'Layouts set for gates, zones and devices the caller may read',
        tags: ['content'],
        response: { 200: z.object({ layouts: z.array(layoutSettingSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(principalOf(request), 'content.read');
      return {
        layouts: (await service().layouts()).filter((setting) => inScope(scope, setting.gateId)),
      };
    },
  );

  app.put(
    '/api/v1/layouts',
    {
      schema: {
        summary:
          'Set the layout of a gate, a zone or one device (content.publish at the gate): on screens at once',
        tags: ['content'],
        body: scopeSchema.extend({ layout: layoutSchema }),
        response: { 200: z.object({ layout: layoutSettingSchema }), ...errorResponses },
      },
      config: { audit: { action: 'layout.set', objectType: 'layout' } },
    },
    async (request) => {
      const { layout, ...scope } = request.body;
      noteAudit(request, { gateId: scope.gateId, objectId: scopeName(scope) });
      const principal = authorize(request, 'content.publish', scope.gateId);
      const setting = await service().setLayout(scope, layout, principal.userId);
      noteAudit(request, { after: layout });
      return { layout: setting };
    },
  );

  app.delete(
    '/api/v1/layouts',
    {
      schema: {
        summary: 'Remove a layout setting: the zone or gate layout (or full screen) applies again',
        tags: ['content'],
        querystring: layoutQuerySchema,
        response: { 204: z.null().describe('Removed'), ...errorResponses },
      },
      config: { audit: { action: 'layout.remove', objectType: 'layout' } },
    },
    async (request, reply) => {
      const scope = {
        gateId: request.query.gate,
        zoneId: request.query.zone ?? null,
        deviceId: request.query.device ?? null,
      };
      noteAudit(request, { gateId: scope.gateId, objectId: scopeName(scope) });
      authorize(request, 'content.publish', scope.gateId);
      if (!(await service().removeLayout(scope))) {
        throw new GatecastError('NOT_FOUND', `no layout set for ${scopeName(scope)}`);
      }
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/devices/:deviceId/preview',
    {
      schema: {
        summary: 'What the screen shows from `at` for `hours`, per zone, from its desired document',
        tags: ['content'],
        params: deviceParamsSchema,
        querystring: previewQuerySchema,
        response: {
          200: z.object({
            deviceId: z.string(),
            version: z.number(),
            from: z.string(),
            to: z.string(),
            timeZone: z.string(),
            layout: layoutSchema,
            segments: z.array(segmentSchema),
            truncated: z.boolean(),
          }),
          ...errorResponses,
        },
      },
      config: { audit: { action: 'device.preview', objectType: 'device', objectParam: 'deviceId' } },
    },
    async (request): Promise<DevicePreview> => {
      const device = await deps.devices.get(request.params.deviceId);
      if (!device) throw new GatecastError('NOT_FOUND', `no device ${request.params.deviceId}`);
      noteAudit(request, { gateId: device.gateId });
      authorize(request, 'content.read', device.gateId);
      // What the screen was sent: the fleet publishes at every change, so it is also what it composes now.
      const document = (await deps.desired.latest(device.id)) ?? (await deps.desired.refresh(device.id));
      const at = request.query.at ? new Date(request.query.at) : (deps.now?.() ?? new Date());
      const durations = await videoDurations(document, deps.content);
      const timeline = previewTimeline(document, at, request.query.hours, (item) =>
        item.kind === 'video' ? (durations.get(item.sha256) ?? null) : null,
      );
      return { ...timeline, layout: document.content.layout };
    },
  );
};

/** The library's probe of each video the document plays, read before the (synchronous) timeline. */
async function videoDurations(
  document: DesiredDocument,
  content: Pick<ContentService, 'mediaDuration'> | undefined,
): Promise<Map<string, number | null>> {
  const durations = new Map<string, number | null>();
  if (!content) return durations;
  const items = [
    ...document.content.defaultLoop,
    ...document.content.schedule.flatMap((entry) => entry.items),
  ];
  for (const item of items) {
    if (item.kind === 'video' && !durations.has(item.sha256))
      durations.set(item.sha256, await content.mediaDuration(item.sha256));
  }
  return durations;
}

function scopeName(scope: { gateId: string; zoneId: string | null; deviceId: string | null }): string {
  if (scope.deviceId !== null) return `device ${scope.deviceId}`;
  if (scope.zoneId !== null) return `zone ${scope.gateId}/${scope.zoneId}`;
  return `gate ${scope.gateId}`;
}
