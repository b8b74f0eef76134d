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
import { dailyWindowSchema, type DailyWindow } from '../../alerts/daily-window.js';
import type { Gate, GatesRepo } from '../../gates/gates-repo.js';
import { maintenanceWindowBodySchema } from '../../rollouts/rollouts-api.js';

/** A gate as the API shows it: with the maintenance window rollouts keep to (null: any time). */
const gateViewSchema = gateSchema.extend({ maintenanceWindow: dailyWindowSchema.nullable() });

type WindowStore = Pick<GatesRepo, 'maintenanceWindows' | 'maintenanceWindow' | 'setMaintenanceWindow'>;

/**
 * HttpDeps names only the gate methods older routes use; the real GatesRepo has the window ones.
 * A store without them (a test double) shows no windows and refuses to set one.
 */
function windowStoreOf(gates: HttpDeps['gates']): WindowStore | null {
  return 'maintenanceWindows' in gates ? (gates as unknown as WindowStore) : null;
}

function viewOf(gate: Gate, windows: Map<string, DailyWindow | null>): z.infer<typeof gateViewSchema> {
  return { ...gate, maintenanceWindow: windows.get(gate.id) ?? null };
}

/** Gates (an airport, a seaport) and their zones (arrivals hall, pier 2): where screens hang. */
export const gatesRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  app.get(
    '/api/v1/gates',
    {
      schema: {
        summary: 'List the gates the caller may read, with their zones',
        tags: ['gates'],
        response: { 200: z.object({ gates: z.array(gateViewSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(principalOf(request), 'gates.read');
      const windows = (await windowStoreOf(deps.gates)?.maintenanceWindows()) ?? new Map();
      return {
        gates: (await deps.gates.list())
          .filter((gate) => inScope(scope, gate.id))
          .map((gate) => viewOf(gate, windows)),
      };
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
      const gate = await deps.gates.create(request.body);
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
        response: { 200: z.object({ gate: gateViewSchema }), ...errorResponses },
      },
      config: { audit: { action: 'gate.read', objectType: 'gate', objectParam: 'gateId' } },
    },
    async (request) => {
      authorize(request, 'gates.read', request.params.gateId);
      const gate = await deps.gates.get(request.params.gateId);
      if (!gate) throw new GatecastError('NOT_FOUND', `no gate ${request.params.gateId}`);
      return { gate: viewOf(gate, (await windowStoreOf(deps.gates)?.maintenanceWindows()) ?? new Map()) };
    },
  );

  app.put(
    '/api/v1/gates/:gateId/maintenance-window',
    {
      schema: {
        summary: "Set when rollouts may hand this gate's screens a release (null: any time)",
        tags: ['gates', 'rollouts'],
        params: gateParamsSchema,
        body: maintenanceWindowBodySchema,
        response: {
          200: z.object({ gateId: z.string(), window: dailyWindowSchema.nullable() }),
          ...errorResponses,
        },
      },
      config: { audit: { action: 'gate.maintenance-window', objectType: 'gate', objectParam: 'gateId' } },
    },
    async (request) => {
      const { gateId } = request.params;
      noteAudit(request, { gateId });
      authorize(request, 'rollouts.manage', gateId);
      const store = windowStoreOf(deps.gates);
      if (!store) throw new GatecastError('UNAVAILABLE', 'this fleet manager keeps no maintenance windows');
      const before = await store.maintenanceWindow(gateId);
      const window = await store.setMaintenanceWindow(gateId, request.body.window);
      noteAudit(request, { before: { window: before }, after: { window } });
      request.log.info({ gateId, window }, 'maintenance window set');
      return { gateId, window };
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
      const zone = await deps.gates.addZone(gateId, request.body);
      noteAudit(request, { after: { name: zone.name } });
      request.log.info({ gateId: zone.gateId, zoneId: zone.id }, 'zone created');
      return reply.code(201).send({ zone });
    },
  );
};
