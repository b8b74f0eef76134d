import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { deviceParamsSchema, errorResponses } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';
import { inScope, scopeOf } from '../users/permissions.js';
import { summariseGates } from './gate-health.js';
import { gateHealthSchema, healthHistorySchema, healthQuerySchema } from './health-api-schemas.js';
import type { HealthHistory } from './health-history.js';
import { HOUR_MS } from './time-buckets.js';

/** What the health routes need besides devices and gates. */
export interface HealthHttpDeps {
  history: Pick<HealthHistory, 'query'>;
  /** When an online screen that has gone quiet counts as stale (screen-health.ts). */
  staleAfterMs?: number;
}

const DEFAULT_RANGE_MS = 6 * HOUR_MS;

/** A screen's health history for charts, and each gate's screens by health. */
export const healthRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const now = deps.now ?? (() => new Date());

  app.get(
    '/api/v1/devices/:deviceId/health',
    {
      schema: {
        summary: "A device's health over time: CPU, temperature, memory, disk, power and display",
        tags: ['devices'],
        params: deviceParamsSchema,
        querystring: healthQuerySchema,
        response: { 200: healthHistorySchema, ...errorResponses },
      },
      config: { audit: { action: 'device.health', objectType: 'device', objectParam: 'deviceId' } },
    },
    async (request) => {
      const { deviceId } = request.params;
      const device = await deps.devices.get(deviceId);
      if (!device) throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
      noteAudit(request, { gateId: device.gateId });
      authorize(request, 'devices.read', device.gateId);
      const health = deps.health;
      if (!health) throw new GatecastError('UNAVAILABLE', 'this fleet manager keeps no health history');
      const to = request.query.to ? new Date(request.query.to) : now();
      const from = request.query.from
        ? new Date(request.query.from)
        : new Date(to.getTime() - DEFAULT_RANGE_MS);
      if (from >= to) throw new GatecastError('BAD_REQUEST', '`from` must be before `to`');
      return health.history.query(deviceId, { from, to, resolution: request.query.resolution });
    },
  );

  app.get(
    '/api/v1/gates/health',
    {
      schema: {
        summary: 'Screens up, dark, stale, offline and never seen, per gate the caller may read',
        tags: ['gates'],
        response: { 200: z.object({ gates: z.array(gateHealthSchema) }), ...errorResponses },
      },
      config: { audit: { action: 'gate.health', objectType: 'gate' } },
    },
    async (request) => {
      const scope = scopeOf(principalOf(request), 'devices.read');
      const gates = (await deps.gates.list()).filter((gate) => inScope(scope, gate.id));
      const devices = (await deps.devices.list()).filter((device) => inScope(scope, device.gateId));
      const staleAfterMs = deps.health?.staleAfterMs;
      return {
        gates: summariseGates(gates, devices, { now: now(), ...(staleAfterMs ? { staleAfterMs } : {}) }),
      };
    },
  );
};
