import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GatecastError, sha256Schema } from '@gatecast/protocol';
import { z } from 'zod';
import { errorBody } from '../http/error-reply.js';
import { decideRange, matchesEtag } from './byte-range.js';
import type { MediaFiles } from './media-library.js';

export interface MediaRoutesOptions {
  media: MediaFiles;
}

export const DEVICE_MEDIA_ROUTE = '/api/v1/device/media/:sha256';

/**
 * Media for screens, by sha256. The content never changes under its address, so the ETag is the
 * hash itself and caches may keep it forever. Single ranges are honoured (the device cache resumes
 * with `Range` + `If-Range`). The auth hook admits only device credentials here (device-auth.ts).
 */
export const mediaRoutes: FastifyPluginAsyncZod<MediaRoutesOptions> = async (app, options) => {
  app.get(
    DEVICE_MEDIA_ROUTE,
    {
      schema: {
        summary: 'A media file for a screen, by its sha256 (device credentials, HTTP Basic)',
        tags: ['device'],
        security: [{ deviceBasic: [] }],
        params: z.object({ sha256: sha256Schema }),
      },
    },
    async (request, reply) => {
      // Unreachable past the auth hook (device namespace); kept so a misregistered route fails closed.
      if (request.deviceId === null) throw new GatecastError('UNAUTHORIZED');
      const file = await options.media.get(request.params.sha256);
      if (!file) return reply.code(404).send(errorBody('NOT_FOUND', 'no media with this sha256'));
      const etag = `"${file.sha256}"`;
      reply.header('etag', etag);
      reply.header('accept-ranges', 'bytes');
      reply.header('cache-control', 'private, max-age=31536000, immutable');
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
      const decision = decideRange({
        range: request.headers.range,
        ifRange: header(request.headers['if-range']),
        etag,
        size: file.sizeBytes,
      });
      if (decision.kind === 'unsatisfiable') {
        reply.header('content-range', `bytes */${file.sizeBytes}`);
        return reply.code(416).send(errorBody('BAD_REQUEST', 'the range starts past the end of the file'));
      }
      reply.type(file.contentType);
      if (decision.kind === 'whole') {
        reply.header('content-length', String(file.sizeBytes));
        return reply.send(createReadStream(file.path));
      }
      const { start, end } = decision;
      reply.code(206);
      reply.header('content-range', `bytes ${start}-${end}/${file.sizeBytes}`);
      reply.header('content-length', String(end - start + 1));
      return reply.send(createReadStream(file.path, { start, end }));
    },
  );
};

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
