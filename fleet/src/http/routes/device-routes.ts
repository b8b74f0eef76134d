import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_SCREENSHOT_BYTES } from '../../screenshots/screenshot-store.js';
import { errorResponses } from '../api-schemas.js';
import type { HttpDeps } from '../http-deps.js';

const screenshotReceiptSchema = z.object({
  screenshotId: z.string(),
  bytes: z.number().int(),
  receivedAt: z.string(),
});

/**
 * Routes for screens themselves, under /api/v1/device/. The auth hook lets in only a device's own
 * Basic credentials here and sets `request.deviceId`; a device acts only on itself.
 */
export const deviceRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  // Raw bytes, only in this plugin's scope: the rest of the API stays JSON-only.
  app.addContentTypeParser(
    'image/png',
    { parseAs: 'buffer', bodyLimit: MAX_SCREENSHOT_BYTES },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/api/v1/device/screenshots',
    {
      bodyLimit: MAX_SCREENSHOT_BYTES,
      // Uploads by a proven device are not operator changes; refused attempts are audited under this name.
      config: { audit: { action: 'screenshot.upload', objectType: 'device' } },
      schema: {
        summary: 'Upload a screenshot of this screen (device credentials, HTTP Basic; image/png, max 8 MiB)',
        tags: ['device'],
        response: { 200: screenshotReceiptSchema, ...errorResponses },
      },
    },
    async (request) => {
      const deviceId = request.deviceId;
      // Unreachable past the auth hook; kept so a misregistered route fails closed.
      if (deviceId === null) throw new GatecastError('UNAUTHORIZED');
      if (!deps.screenshots) throw new GatecastError('UNAVAILABLE', 'screenshots are not stored here');
      if (!Buffer.isBuffer(request.body)) {
        throw new GatecastError('BAD_REQUEST', 'body: content-type must be image/png');
      }
      const stored = await deps.screenshots.save(deviceId, request.body);
      return { screenshotId: stored.screenshotId, bytes: stored.bytes, receivedAt: stored.receivedAt };
    },
  );
};
