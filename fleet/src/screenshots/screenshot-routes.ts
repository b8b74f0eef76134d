import { readFile } from 'node:fs/promises';
import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authorize, noteAudit } from '../auth/authorize.js';
import { deviceParamsSchema } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';

/** What operators see of the screenshots their screens uploaded. */
export const screenshotRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  app.get(
    '/api/v1/devices/:deviceId/screenshots/latest',
    {
      schema: {
        summary: 'The latest screenshot of a screen, as image/png (take one with the screenshot command)',
        tags: ['devices'],
        params: deviceParamsSchema,
      },
    },
    async (request, reply) => {
      const { deviceId } = request.params;
      const device = await deps.devices.get(deviceId);
      if (!device) throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
      noteAudit(request, { gateId: device.gateId });
      authorize(request, 'devices.read', device.gateId);
      if (!deps.screenshots) throw new GatecastError('UNAVAILABLE', 'screenshots are not stored here');
      const latest = await deps.screenshots.latest(deviceId);
      // Read whole (at most 8 MiB): a newer upload may prune this file while it is being sent.
      const png = latest && (await readFile(latest.path).catch(() => null));
      if (!latest || !png) throw new GatecastError('NOT_FOUND', `no screenshot of ${deviceId} yet`);
      return reply
        .type('image/png')
        .header('cache-control', 'private, no-cache')
        .header('x-screenshot-id', latest.screenshotId)
        .header('last-modified', new Date(latest.receivedAt).toUTCString())
        .send(png);
    },
  );
};
