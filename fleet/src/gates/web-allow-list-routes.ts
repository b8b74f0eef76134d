import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit } from '../auth/authorize.js';
import { errorResponses, gateParamsSchema } from '../http/api-schemas.js';
import type { GatesRepo } from './gates-repo.js';

const allowListViewSchema = z.object({ gateId: z.string(), allowList: z.array(z.string()) });

/** Which web pages web items at a gate may show: origins or host wildcards, per gate. */
export const webAllowListRoutes: FastifyPluginAsyncZod<{
  gates: Pick<GatesRepo, 'webAllowList' | 'setWebAllowList'> | undefined;
  /** Recomposes the gate's screens: a web item no longer allowed must leave them at once. */
  afterChange?: ((gateId: string) => Promise<void>) | undefined;
}> = async (app, options) => {
  // Always registered, so deny-by-default covers them; without the repo they answer 503.
  const need = () => {
    if (!options.gates) throw new GatecastError('UNAVAILABLE', 'web allow-lists are not configured');
    return options.gates;
  };
  app.get(
    '/api/v1/gates/:gateId/web-allow-list',
    {
      schema: {
        summary: "The gate's web allow-list (gates.read at the gate)",
        tags: ['gates'],
        params: gateParamsSchema,
        response: { 200: allowListViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { gateId } = request.params;
      authorize(request, 'gates.read', gateId);
      return { gateId, allowList: await need().webAllowList(gateId) };
    },
  );

  app.put(
    '/api/v1/gates/:gateId/web-allow-list',
    {
      schema: {
        summary: "Replace the gate's web allow-list (gates.write)",
        description:
          'Entries: origins like https://www.haiphong.gov.vn or wildcards like https://*.haiphong.gov.vn.',
        tags: ['gates'],
        params: gateParamsSchema,
        body: z.strictObject({ allowList: z.array(z.string().max(300)).max(200) }),
        response: { 200: allowListViewSchema, ...errorResponses },
      },
      config: { audit: { action: 'gate.web-allow-list', objectType: 'gate', objectParam: 'gateId' } },
    },
    async (request) => {
      const { gateId } = request.params;
      noteAudit(request, { gateId });
      authorize(request, 'gates.write', gateId);
      const before = await need().webAllowList(gateId);
      const allowList = await need().setWebAllowList(gateId, request.body.allowList);
      noteAudit(request, { before, after: allowList });
      await options.afterChange?.(gateId);
      return { gateId, allowList };
    },
  );
};
