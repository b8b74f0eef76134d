import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createGateBodySchema,
  createZoneBodySchema,
  errorResponses,
  gateParamsSchema,
  gateSchema,
  zoneSchema,
} from '../api-schemas.js';
import type { HttpDeps } from '../http-deps.js';

/** Gates (an airport, a seaport) and their zones (arrivals hall, pier 2): where screens hang. */
export const gatesRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  app.get(
    '/api/v1/gates',
    {
      schema: {
        summary: 'List gates with their zones',
        tags: ['gates'],
        response: { 200: z.object({ gates: z.array(gateSchema) }), ...errorResponses },
      },
    },
    async () => ({ gates: deps.gates.list() }),
  );

  app.post(
    '/api/v1/gates',
    {
      schema: {
        summary: 'Create a gate',
        tags: ['gates'],
        body: createGateBodySchema,
        response: { 201: z.object({ gate: gateSchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const gate = deps.gates.create(request.body);
      request.log.info({ gateId: gate.id }, 'gate created');
      return reply.code(201).send({ gate });
    },
  );

  app.get(
    '/api/v1/gates/:gateId',
    {
      schema: {
        summary: 'One gate with its zones',
        tags: ['gates'],
        params: gateParamsSchema,
        response: { 200: z.object({ gate: gateSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const gate = deps.gates.get(request.params.gateId);
      if (!gate) throw new GatecastError('NOT_FOUND', `no gate ${request.params.gateId}`);
      return { gate };
    },
  );

  app.post(
    '/api/v1/gates/:gateId/zones',
    {
      schema: {
        summary: 'Add a zone to a gate',
        tags: ['gates'],
        params: gateParamsSchema,
        body: createZoneBodySchema,
        response: { 201: z.object({ zone: zoneSchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const zone = deps.gates.addZone(request.params.gateId, request.body);
      request.log.info({ gateId: zone.gateId, zoneId: zone.id }, 'zone created');
      return reply.code(201).send({ zone });
    },
  );
};
