import type { Readable } from 'node:stream';
import {
  GatecastError,
  releaseManifestSchema,
  releaseSignatureSchema,
  releaseVersionSchema,
  sha256Schema,
} from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import { scopeOf } from '../users/permissions.js';
import type { StoredRelease } from './releases-repo.js';
import type { ReleasesService } from './releases-service.js';
import { serveArtifact } from './serve-artifact.js';

export const releaseViewSchema = z.object({
  version: z.string(),
  manifest: releaseManifestSchema,
  signature: releaseSignatureSchema,
  published: z.boolean(),
  sha256: sha256Schema,
  size: z.number().int(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
});
export type ReleaseView = z.infer<typeof releaseViewSchema>;

/** The signature is checked by the service, so a missing one is UPDATE_UNSIGNED rather than a schema error. */
const publishBodySchema = z.object({ manifest: releaseManifestSchema, signature: z.unknown().optional() });
const versionParams = z.object({ version: releaseVersionSchema });
const ARTIFACT_TYPES = ['application/octet-stream', 'application/gzip'];

/**
 * Agent releases: operators publish signed manifests and their artifacts; operators and screens
 * download artifacts with Range. Publishing is fleet-wide; reading needs releases.read somewhere.
 * Screens fetch theirs through deviceReleaseRoutes below.
 */
export const releasesRoutes: FastifyPluginAsyncZod<{ releases: ReleasesService | undefined }> = async (
  app,
  { releases },
) => {
  const service = (): ReleasesService => {
    if (!releases) throw new GatecastError('UNAVAILABLE', 'this fleet manager keeps no releases');
    return releases;
  };

  app.post(
    '/api/v1/releases',
    {
      config: { audit: { action: 'release.publish', objectType: 'release' } },
      schema: {
        summary: 'Accept a signed release manifest (its artifact follows with PUT …/artifact)',
        tags: ['releases'],
        body: publishBodySchema,
        response: { 201: releaseViewSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { username } = authorize(request, 'releases.publish', null);
      const { manifest, signature } = request.body;
      noteAudit(request, { objectId: manifest.version });
      const release = await service().accept(manifest, signature, username);
      noteAudit(request, { after: { version: release.version, sha256: release.sha256, size: release.size } });
      return reply.code(201).send(viewOf(release));
    },
  );

  // In a scope of its own: every body reaches the handler unread, as the raw request stream, which
  // the service streams to disk past the JSON body limit; the handler names the types it takes.
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.put(
      '/api/v1/releases/:version/artifact',
      {
        config: { audit: { action: 'release.upload', objectType: 'release', objectParam: 'version' } },
        schema: {
          summary:
            "Upload a release's artifact (application/octet-stream), checked against its signed size and sha256",
          tags: ['releases'],
          params: versionParams,
          response: { 200: releaseViewSchema, ...errorResponses },
        },
      },
      async (request) => {
        const { username } = authorize(request, 'releases.publish', null);
        const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        const body = request.body as Readable | undefined;
        if (!ARTIFACT_TYPES.includes(type) || !body || typeof body.iterator !== 'function') {
          throw new GatecastError('BAD_REQUEST', `body: content-type must be ${ARTIFACT_TYPES.join(' or ')}`);
        }
        return viewOf(await service().upload(request.params.version, body, username));
      },
    );
  });

  app.get(
    '/api/v1/releases',
    {
      config: { audit: { action: 'release.list', objectType: 'release' } },
      schema: {
        summary: 'Agent releases, newest version first',
        tags: ['releases'],
        response: { 200: z.object({ releases: z.array(releaseViewSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      mayRead(request);
      return { releases: (await service().list()).map(viewOf) };
    },
  );

  app.get(
    '/api/v1/releases/:version',
    {
      config: { audit: { action: 'release.show', objectType: 'release', objectParam: 'version' } },
      schema: {
        summary: 'One release: its signed manifest and whether its artifact is published',
        tags: ['releases'],
        params: versionParams,
        response: { 200: releaseViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      mayRead(request);
      return viewOf(await service().get(request.params.version));
    },
  );

  app.get(
    '/api/v1/releases/:version/artifact',
    {
      config: { audit: { action: 'release.download', objectType: 'release', objectParam: 'version' } },
      schema: {
        summary: "Download a published release's artifact (Range, If-Range; ETag = sha256)",
        tags: ['releases'],
        params: versionParams,
      },
    },
    async (request, reply) => {
      mayRead(request);
      return serveArtifact(request, reply, await service().artifact(request.params.version));
    },
  );
};

/** Whether a screen may fetch a release: only the one assigned to it (rollouts/). */
export type DeviceReleaseCheck = (deviceId: string, version: string) => Promise<boolean>;

/**
 * A release's artifact for a screen. Deny by default: a screen gets only the release a rollout
 * assigned it, so a leaked device secret does not open every release, and without a check
 * nothing is served.
 */
export const deviceReleaseRoutes: FastifyPluginAsyncZod<{
  releases: ReleasesService | undefined;
  mayFetch?: DeviceReleaseCheck;
}> = async (app, { releases, mayFetch }) => {
  app.get(
    '/api/v1/device/releases/:version/artifact',
    {
      schema: {
        summary:
          'The artifact of the release assigned to this screen (device credentials, HTTP Basic; Range)',
        tags: ['device'],
        security: [{ deviceBasic: [] }],
        params: versionParams,
      },
    },
    async (request, reply) => {
      // Unreachable past the auth hook (device namespace); kept so a misregistered route fails closed.
      if (request.deviceId === null) throw new GatecastError('UNAUTHORIZED');
      const { version } = request.params;
      if (!(await mayFetch?.(request.deviceId, version))) {
        throw new GatecastError('FORBIDDEN', `release ${version} is not assigned to ${request.deviceId}`);
      }
      if (!releases) throw new GatecastError('UNAVAILABLE', 'this fleet manager keeps no releases');
      return serveArtifact(request, reply, await releases.artifact(version));
    },
  );
};

/** Releases serve every gate: holding releases.read at any gate is enough to see them. */
function mayRead(request: FastifyRequest): void {
  const scope = scopeOf(principalOf(request), 'releases.read');
  if (scope !== 'all' && scope.length === 0) authorize(request, 'releases.read', null);
}

function viewOf(release: StoredRelease): ReleaseView {
  return {
    version: release.version,
    manifest: release.manifest,
    signature: release.signature,
    published: release.published,
    sha256: release.sha256,
    size: release.size,
    createdAt: release.createdAt,
    createdBy: release.createdBy,
    publishedAt: release.publishedAt,
    publishedBy: release.publishedBy,
  };
}
