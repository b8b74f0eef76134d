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
import { authorize, noteAudit, principalOf } from '../../auth/authorize.js';
import { inScope, scopeOf } from '../../users/permissions.js';
import type { HttpDeps } from '../http-deps.js';

/** Gates (an airport, a seaport) and their zones (arrivals hall, pier 2): where screens hang. */
export const gatesRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  app.get(
    '/api/v1/gates',
    {
      schema: {
        summary: 'List the gates the caller may read, with their zones',
        tags: ['gates'],
        response: { 200: z.object({ gates: z.array(gateSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(principalOf(request), 'gates.read');
      return { gates: deps.gates.list().filter((gate) => inScope(scope, gate.id)) };
    },
  );

  app.post(
    '/api/v1/gates',
    {
      schema: {
        summary: 'Create a gate (gates.write on all gates)',
        tags: ['gates'],
        body: createGateBodySchema,
        response: { 201: z.object({ gate: gateSchema }), ...errorResponses },
      },
      config: { audit: { action: 'gate.create', objectType: 'gate' } },
    },
    async (request, reply) => {
      noteAudit(request, { objectId: request.body.id, gateId: request.body.id });
      authorize(request, 'gates.write', null);
      const gate = deps.gates.create(request.body);
      noteAudit(request, { after: { name: gate.name, timeZone: gate.timeZone, languages: gate.languages } });
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
      config: { audit: { action: 'gate.read', objectType: 'gate', objectParam: 'gateId' } },
    },
    async (request) => {
      authorize(request, 'gates.read', request.params.gateId);
      const gate = deps.gates.get(request.params.gateId);
      if (!gate) throw new GatecastError('NOT_FOUND', `no gate ${request.params.gateId}`);
      return { gate };
    },
  );

  app.post(
    '/api/v1/gates/:gateId/zones',
    {
      schema: {
        summary: 'Add a zone to a gate (gates.write on all gates)',
        tags: ['gates'],
        params: gateParamsSchema,
        body: createZoneBodySchema,
        response: { 201: z.object({ zone: zoneSchema }), ...errorResponses },
      },
      config: { audit: { action: 'zone.create', objectType: 'zone' } },
    },
    async (request, reply) => {
      const { gateId } = request.params;
      noteAudit(request, { objectId: `${gateId}/${request.body.id}`, gateId });
      authorize(request, 'gates.write', null);
      const zone = deps.gates.addZone(gateId, request.body);
      noteAudit(request, { after: { name: zone.name } });
      request.log.info({ gateId: zone.gateId, zoneId: zone.id }, 'zone created');
      return reply.code(201).send({ zone });
    },
  );
};
