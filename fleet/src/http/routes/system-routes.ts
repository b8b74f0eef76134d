import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, healthSchema } from '../api-schemas.js';
import type { FleetMetrics } from '../fleet-metrics.js';
import type { HttpDeps } from '../http-deps.js';

export interface SystemRoutesOptions {
  deps: HttpDeps;
  metrics: FleetMetrics;
  startedAt: Date;
  openApiDocument: () => unknown;
}

/** Health for load balancers, metrics for Prometheus, and the API's own description. */
export const systemRoutes: FastifyPluginAsyncZod<SystemRoutesOptions> = async (app, options) => {
  const now = options.deps.now ?? (() => new Date());

  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness of the fleet manager (no token needed)',
        tags: ['system'],
        security: [],
        response: { 200: healthSchema, ...errorResponses },
      },
    },
    async () => ({
      status: 'ok' as const,
      uptimeSec: Math.max(0, Math.floor((now().getTime() - options.startedAt.getTime()) / 1000)),
      connectedDevices: options.deps.broker.stats().connectedDevices,
    }),
  );

  app.get(
    '/metrics',
    {
      schema: {
        summary:
          'Prometheus metrics (bearer token required, like every route but /healthz and the OpenAPI document)',
        tags: ['system'],
        response: {
          200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => {
      const text = await options.metrics.registry.metrics();
      return reply.type(options.metrics.registry.contentType).send(text);
    },
  );

  app.get(
    '/api/v1/openapi.json',
    {
      schema: {
        summary: 'This API as an OpenAPI 3.1 document (no token needed)',
        tags: ['system'],
        security: [],
      },
    },
    async () => options.openApiDocument(),
  );
};
