import { DEVICE_PROFILES, GatecastError, deviceIdSchema } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';
import type { Permission } from '../users/permissions.js';
import type { InfoService } from './info-service.js';

const profileReply = z.object({ deviceId: z.string(), profile: z.enum(DEVICE_PROFILES) });

/**
 * What a screen is for: signage (the schedule), a lookup kiosk or a counter screen. Changing it
 * changes what the screen runs, so it takes devices.enrol at the screen's gate, like enrolling it.
 */
export const deviceProfileRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const service = (): InfoService => {
    if (!deps.info) throw new GatecastError('UNAVAILABLE', 'this fleet manager has no screen profiles');
    return deps.info;
  };
  const mustGet = async (request: FastifyRequest, deviceId: string, permission: Permission) => {
    const device = await deps.devices.get(deviceId);
    if (!device) throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
    noteAudit(request, { objectType: 'device', objectId: deviceId, gateId: device.gateId });
    authorize(request, permission, device.gateId);
    return device;
  };
  const params = z.object({ deviceId: deviceIdSchema });

  app.get(
    '/api/v1/devices/:deviceId/profile',
    {
      schema: {
        summary: "A screen's profile: signage, lookup or counter (devices.read at its gate)",
        tags: ['devices'],
        params,
        response: { 200: profileReply, ...errorResponses },
      },
    },
    async (request) => {
      const device = await mustGet(request, request.params.deviceId, 'devices.read');
      return { deviceId: device.id, profile: await service().profileOf(device.id) };
    },
  );

  app.put(
    '/api/v1/devices/:deviceId/profile',
    {
      schema: {
        summary: "Set a screen's profile (devices.enrol at its gate); the screen is recomposed",
        tags: ['devices'],
        params,
        body: z.strictObject({ profile: z.enum(DEVICE_PROFILES) }),
        response: { 200: profileReply, ...errorResponses },
      },
      config: { audit: { action: 'devices.profile', objectParam: 'deviceId', objectType: 'device' } },
    },
    async (request) => {
      const device = await mustGet(request, request.params.deviceId, 'devices.enrol');
      const { profile } = request.body;
      const before = await service().setProfile(device.id, profile);
      noteAudit(request, { before: { profile: before }, after: { profile } });
      return { deviceId: device.id, profile };
    },
  );
};
