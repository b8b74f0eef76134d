import { createReadStream } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../http/error-reply.js';
import { decideRange, matchesEtag } from '../media/byte-range.js';
import type { ArtifactFile } from './releases-service.js';

/** Large reads: fewer trips through the event loop for a 200 MB file sent to many screens at once. */
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Sends an artifact from disk with a single Range (206, 416) and its sha256 as the ETag, so a
 * screen resumes a cut download with `Range` + `If-Range` and gets the same bytes it started with.
 */
export function serveArtifact(
  request: FastifyRequest,
  reply: FastifyReply,
  file: ArtifactFile,
): FastifyReply {
  const etag = `"${file.sha256}"`;
  reply.header('etag', etag);
  reply.header('accept-ranges', 'bytes');
  // A version's artifact never changes once published; caches may keep it.
  reply.header('cache-control', 'private, max-age=31536000, immutable');
  reply.header('content-disposition', `attachment; filename="${file.name}"`);
  if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
  const ifRange = request.headers['if-range'];
  const decision = decideRange({
    range: request.headers.range,
    ifRange: Array.isArray(ifRange) ? ifRange[0] : ifRange,
    etag,
    size: file.size,
  });
  if (decision.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${file.size}`);
    return reply.code(416).send(errorBody('BAD_REQUEST', 'the range starts past the end of the artifact'));
  }
  reply.type('application/gzip');
  if (decision.kind === 'whole') {
    reply.header('content-length', String(file.size));
    return reply.send(createReadStream(file.path, { highWaterMark: READ_CHUNK_BYTES }));
  }
  const { start, end } = decision;
  reply.code(206);
  reply.header('content-range', `bytes ${start}-${end}/${file.size}`);
  reply.header('content-length', String(end - start + 1));
  return reply.send(createReadStream(file.path, { start, end, highWaterMark: READ_CHUNK_BYTES }));
}
