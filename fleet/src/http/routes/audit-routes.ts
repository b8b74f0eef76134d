import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authorize, principalOf } from '../../auth/authorize.js';
import { auditPageSchema, auditQuerySchema } from '../../audit/audit-schemas.js';
import { scopeOf } from '../../users/permissions.js';
import { errorResponses } from '../api-schemas.js';
import type { HttpDeps } from '../http-deps.js';

/** Searching the audit log. A reader scoped to some gates sees only the entries of those gates. */
export const auditRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  app.get(
    '/api/v1/audit',
    {
      schema: {
        summary: 'Search the audit log, newest first; page on with ?before=<nextBefore>',
        tags: ['audit'],
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema, ...errorResponses },
      },
      config: { audit: { action: 'audit.read', objectType: 'audit' } },
    },
    async (request) => {
      const scope = scopeOf(principalOf(request), 'audit.read');
      const { gate } = request.query;
      // Asking for one gate, or holding the permission nowhere, is decided (and refused) like any read.
      if (gate !== undefined || (scope !== 'all' && scope.length === 0)) {
        authorize(request, 'audit.read', gate ?? null);
      }
      return deps.audit.search({ ...request.query, gates: scope });
    },
  );
};
