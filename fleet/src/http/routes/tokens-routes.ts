import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../../auth/authorize.js';
import { createTokenBodySchema, tokenParamsSchema, tokenViewSchema } from '../../users/user-schemas.js';
import { errorResponses } from '../api-schemas.js';
import type { HttpDeps } from '../http-deps.js';

/** Each user's own API tokens, for the CLI and scripts. The secret is shown once; only its hash is kept. */
export const tokensRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  app.get(
    '/api/v1/tokens',
    {
      schema: {
        summary: "The caller's own tokens, revoked ones included",
        tags: ['tokens'],
        response: { 200: z.object({ tokens: z.array(tokenViewSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ tokens: await deps.tokens.listOf(principalOf(request).userId) }),
  );

  app.post(
    '/api/v1/tokens',
    {
      schema: {
        summary: 'Create a token for the caller; the answer holds its secret, shown only this once',
        tags: ['tokens'],
        body: createTokenBodySchema,
        response: {
          201: z.object({
            token: tokenViewSchema.pick({ id: true, name: true, createdAt: true }),
            secret: z.string(),
          }),
          ...errorResponses,
        },
      },
      config: { audit: { action: 'token.create', objectType: 'token' } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { id, token } = await deps.tokens.create(request.body.name, principal.userId);
      const created = await deps.tokens.get(id);
      if (!created) throw new GatecastError('INTERNAL', 'the new token was not stored');
      noteAudit(request, { objectId: id, after: { name: created.name, owner: principal.username } });
      request.log.info({ tokenId: id }, 'token created');
      const { name, createdAt } = created;
      return reply.code(201).send({ token: { id, name, createdAt }, secret: token });
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        summary: 'Revoke a token: the own ones, or any with users.manage on all gates',
        tags: ['tokens'],
        params: tokenParamsSchema,
        response: { 204: z.null().describe('Revoked'), ...errorResponses },
      },
      config: { audit: { action: 'token.revoke', objectType: 'token', objectParam: 'id' } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const token = await deps.tokens.get(request.params.id);
      if (token?.userId !== principal.userId) authorize(request, 'users.manage', null);
      if (!token || !(await deps.tokens.revoke(token.id))) {
        throw new GatecastError('NOT_FOUND', `no active token ${request.params.id}`);
      }
      noteAudit(request, { before: { name: token.name }, after: { revoked: true } });
      request.log.info({ tokenId: token.id }, 'token revoked');
      return reply.code(204).send(null);
    },
  );
};
