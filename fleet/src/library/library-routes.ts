import { createReadStream } from 'node:fs';
import { GatecastError, sha256Schema } from '@gatecast/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import { scopeOf, type Permission } from '../users/permissions.js';
import { mediaProbeSchema, type StoredMedia } from './library-repo.js';
import type { LibraryMediaView } from './media-catalog.js';
import type { LibraryActor, LibraryService, UploadStatus } from './library-service.js';
import { parseUploadMetadata } from './upload-metadata.js';

export const UPLOADS_ROUTE = '/api/v1/library/uploads';
export const MEDIA_ROUTE = '/api/v1/library/media';
const TUS_VERSION = '1.0.0';
const OFFSET_TYPE = 'application/offset+octet-stream';

export const libraryMediaViewSchema = z.object({
  sha256: z.string(),
  name: z.string(),
  kind: z.enum(['image', 'video', 'html-package']),
  contentType: z.string(),
  sizeBytes: z.number(),
  probe: mediaProbeSchema.nullable(),
  warnings: z.array(z.string()),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
  /** For the dashboard, with the caller's credentials; null for a package. */
  thumbnailUrl: z.string().nullable(),
});

const uploadStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  sizeBytes: z.number(),
  offset: z.number(),
  state: z.enum(['receiving', 'complete', 'refused']),
  mediaSha256: z.string().nullable(),
  refusal: z.string().nullable(),
  expiresAt: z.string(),
});

const uploadParams = z.object({ uploadId: z.string().max(64) });
const mediaParams = z.object({ sha256: sha256Schema });

export function mediaView(media: StoredMedia): LibraryMediaView {
  const { thumbnailType, ...plain } = media;
  return { ...plain, thumbnailUrl: thumbnailType ? `${MEDIA_ROUTE}/${media.sha256}/thumbnail` : null };
}

/** FORBIDDEN unless the caller holds the permission at some gate: the library is fleet-wide. */
function requireSomewhere(request: FastifyRequest, permission: Permission): LibraryActor {
  const principal = principalOf(request);
  const scope = scopeOf(principal, permission);
  if (scope !== 'all' && scope.length === 0) authorize(request, permission, null);
  return { userId: principal.userId, username: principal.username };
}

function tusHeaders(reply: FastifyReply, status: UploadStatus): void {
  reply.header('tus-resumable', TUS_VERSION);
  reply.header('upload-offset', String(status.offset));
  reply.header('upload-length', String(status.sizeBytes));
  reply.header('upload-expires', new Date(status.expiresAt).toUTCString());
  reply.header('cache-control', 'no-store');
}

function checkTusVersion(request: FastifyRequest): void {
  const version = request.headers['tus-resumable'];
  if (version !== undefined && version !== TUS_VERSION) {
    throw new GatecastError(
      'BAD_REQUEST',
      `Tus-Resumable ${String(version)} is not supported; use ${TUS_VERSION}`,
    );
  }
}

function wholeNumberHeader(request: FastifyRequest, name: string): number {
  const value = request.headers[name];
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) {
    throw new GatecastError('BAD_REQUEST', `${name} must be a whole number of bytes`);
  }
  return Number(value);
}

/**
 * The media library over HTTP: resumable uploads speaking the tus 1.0 core protocol (creation,
 * termination and expiration extensions), and the operators' list, show, thumbnail and delete.
 */
export const libraryRoutes: FastifyPluginAsyncZod<{ library: LibraryService | undefined }> = async (
  app,
  options,
) => {
  // Chunks are streamed to disk as they arrive: never parsed, never held in memory, no body limit.
  app.addContentTypeParser(OFFSET_TYPE, (_request, _payload, done) => done(null));
  const configured = options.library;
  if (configured) app.addHook('onClose', async () => configured.stop());
  // The routes always exist (deny by default is tested on every one); without a library they answer 503.
  const need = (): LibraryService => {
    if (!configured) throw new GatecastError('UNAVAILABLE', 'the media library is not configured');
    return configured;
  };

  app.options(
    UPLOADS_ROUTE,
    { schema: { summary: 'What the tus server supports', tags: ['library'] } },
    async (request, reply) => {
      requireSomewhere(request, 'content.write');
      reply.header('tus-resumable', TUS_VERSION);
      reply.header('tus-version', TUS_VERSION);
      reply.header('tus-extension', 'creation,termination,expiration');
      reply.header('tus-max-size', String(need().maxUploadBytes));
      return reply.code(204).send();
    },
  );

  app.post(
    UPLOADS_ROUTE,
    {
      schema: {
        summary: 'Start a resumable upload (tus creation; content.write at some gate)',
        description:
          'Headers: Tus-Resumable 1.0.0, Upload-Length, Upload-Metadata (filename, filetype, sha256 optional). ' +
          'Answers 201 with Location; then PATCH the bytes.',
        tags: ['library'],
        response: { 201: z.object({ upload: uploadStatusSchema }), ...errorResponses },
      },
      config: { audit: { action: 'media.upload-start', objectType: 'upload' } },
    },
    async (request, reply) => {
      const actor = requireSomewhere(request, 'content.write');
      checkTusVersion(request);
      if (request.headers['upload-defer-length'] !== undefined) {
        throw new GatecastError('BAD_REQUEST', 'Upload-Defer-Length is not supported: send Upload-Length');
      }
      const size = wholeNumberHeader(request, 'upload-length');
      const metadata = parseUploadMetadata(request.headers['upload-metadata'] as string | undefined);
      const upload = await need().createUpload({
        name: metadata.filename ?? metadata.name ?? '',
        sizeBytes: size,
        declaredType: metadata.filetype ?? metadata.type ?? null,
        declaredSha256: metadata.sha256 ?? null,
        actor,
      });
      noteAudit(request, { objectId: upload.id, after: { name: upload.name, sizeBytes: upload.sizeBytes } });
      tusHeaders(reply, upload);
      reply.header('location', `${UPLOADS_ROUTE}/${upload.id}`);
      return reply.code(201).send({ upload });
    },
  );

  app.route({
    method: 'HEAD',
    url: `${UPLOADS_ROUTE}/:uploadId`,
    // The app hides HEAD routes from its OpenAPI document by default; this one is the tus protocol's.
    config: { swagger: { exposeHeadRoute: true } },
    schema: {
      summary: 'Where an upload stands (tus HEAD: Upload-Offset)',
      tags: ['library'],
      params: uploadParams,
    },
    handler: async (request, reply) => {
      const actor = requireSomewhere(request, 'content.write');
      tusHeaders(reply, await need().status(request.params.uploadId, actor, { settle: true }));
      return reply.code(200).send();
    },
  });

  app.get(
    `${UPLOADS_ROUTE}/:uploadId`,
    {
      schema: {
        summary: 'An upload and, once complete, the media it became',
        tags: ['library'],
        params: uploadParams,
        response: {
          200: z.object({ upload: uploadStatusSchema, media: libraryMediaViewSchema.nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const actor = requireSomewhere(request, 'content.write');
      const upload = await need().status(request.params.uploadId, actor);
      tusHeaders(reply, upload);
      const media = upload.mediaSha256 ? await need().getStored(upload.mediaSha256) : undefined;
      return { upload, media: media ? mediaView(media) : null };
    },
  );

  app.patch(
    `${UPLOADS_ROUTE}/:uploadId`,
    {
      schema: {
        summary: 'Append bytes at Upload-Offset (tus PATCH, application/offset+octet-stream)',
        description:
          'The last chunk completes the upload: the file is checked (type by its bytes, SVG script, ' +
          'package paths, video playability) and answers 422 CONTENT_REFUSED with the reason, or 204 ' +
          'with Gatecast-Media-Sha256.',
        tags: ['library'],
        params: uploadParams,
      },
      config: { audit: { action: 'media.upload-chunk', objectType: 'upload', objectParam: 'uploadId' } },
    },
    async (request, reply) => {
      const actor = requireSomewhere(request, 'content.write');
      checkTusVersion(request);
      const type = request.headers['content-type'];
      const hasBody = request.headers['content-length'] !== '0';
      if (hasBody && type?.split(';')[0]?.trim() !== OFFSET_TYPE) {
        throw new GatecastError('BAD_REQUEST', `content-type must be ${OFFSET_TYPE}`);
      }
      const offset = wholeNumberHeader(request, 'upload-offset');
      let result;
      try {
        result = await need().append(request.params.uploadId, offset, request.raw, actor);
      } catch (error) {
        // The rest of a refused chunk is not wanted: closing stops the client sending gigabytes for nothing.
        if (!request.raw.readableEnded) reply.header('connection', 'close');
        throw error;
      }
      const { status, media } = result;
      tusHeaders(reply, status);
      if (media) {
        reply.header('gatecast-media-sha256', media.sha256);
        noteAudit(request, {
          action: 'media.upload',
          objectType: 'media',
          objectId: media.sha256,
          after: { name: media.name, kind: media.kind, sizeBytes: media.sizeBytes, warnings: media.warnings },
        });
      }
      return reply.code(204).send();
    },
  );

  app.delete(
    `${UPLOADS_ROUTE}/:uploadId`,
    {
      schema: { summary: 'Abandon an upload (tus termination)', tags: ['library'], params: uploadParams },
      config: { audit: { action: 'media.upload-abandon', objectType: 'upload', objectParam: 'uploadId' } },
    },
    async (request, reply) => {
      const actor = requireSomewhere(request, 'content.write');
      await need().removeUpload(request.params.uploadId, actor);
      reply.header('tus-resumable', TUS_VERSION);
      return reply.code(204).send();
    },
  );

  app.get(
    MEDIA_ROUTE,
    {
      schema: {
        summary: 'The media library (content.read at some gate)',
        tags: ['library'],
        response: { 200: z.object({ media: z.array(libraryMediaViewSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      requireSomewhere(request, 'content.read');
      return { media: (await need().list()).map(mediaView) };
    },
  );

  app.get(
    `${MEDIA_ROUTE}/:sha256`,
    {
      schema: {
        summary: 'One media file, with the content that uses it',
        tags: ['library'],
        params: mediaParams,
        response: {
          200: z.object({ media: libraryMediaViewSchema, usedBy: z.array(z.string()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      requireSomewhere(request, 'content.read');
      const media = await need().getStored(request.params.sha256);
      if (!media) throw new GatecastError('NOT_FOUND', `no media ${request.params.sha256}`);
      return { media: mediaView(media), usedBy: await need().whoUses(media.sha256) };
    },
  );

  app.get(
    `${MEDIA_ROUTE}/:sha256/thumbnail`,
    {
      schema: { summary: 'A small JPEG of an image or video', tags: ['library'], params: mediaParams },
    },
    async (request, reply) => {
      requireSomewhere(request, 'content.read');
      const thumbnail = await need().thumbnail(request.params.sha256);
      if (!thumbnail) throw new GatecastError('NOT_FOUND', 'no thumbnail for this media');
      reply.type(thumbnail.contentType);
      reply.header('cache-control', 'private, max-age=86400');
      reply.header('x-content-type-options', 'nosniff');
      return reply.send(createReadStream(thumbnail.path));
    },
  );

  app.delete(
    `${MEDIA_ROUTE}/:sha256`,
    {
      schema: {
        summary:
          'Delete a media file (content.write on all gates, or its uploader); CONFLICT while content uses it',
        tags: ['library'],
        params: mediaParams,
      },
      config: { audit: { action: 'media.delete', objectType: 'media', objectParam: 'sha256' } },
    },
    async (request, reply) => {
      const actor = requireSomewhere(request, 'content.write');
      const media = await need().getStored(request.params.sha256);
      if (!media) throw new GatecastError('NOT_FOUND', `no media ${request.params.sha256}`);
      if (media.uploadedBy !== actor.username) authorize(request, 'content.write', null);
      await need().remove(media.sha256);
      noteAudit(request, { before: { name: media.name, kind: media.kind, sizeBytes: media.sizeBytes } });
      return reply.code(204).send();
    },
  );
};
