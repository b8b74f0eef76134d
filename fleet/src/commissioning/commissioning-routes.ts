import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { deviceParamsSchema, errorResponses, gateParamsSchema } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';
import { scopeOf } from '../users/permissions.js';
import type { CommissioningService } from './commissioning-service.js';
import { gateCommissioningSchema, latestSelfTestSchema, releaseKeysSchema } from './commissioning-schemas.js';

interface Options {
  deps: HttpDeps;
  commissioning: CommissioningService | undefined;
}

/** Self-test reports per screen and per gate, and the release keys a provisioned screen pins. */
export const commissioningRoutes: FastifyPluginAsyncZod<Options> = async (app, { deps, commissioning }) => {
  const service = (): CommissioningService => {
    if (!commissioning)
      throw new GatecastError('UNAVAILABLE', 'this fleet manager keeps no self-test reports');
    return commissioning;
  };

  app.get(
    '/api/v1/devices/:deviceId/self-test',
    {
      schema: {
        summary: "A screen's latest commissioning self-test report, or null when it never ran",
        tags: ['devices'],
        params: deviceParamsSchema,
        response: { 200: latestSelfTestSchema, ...errorResponses },
      },
      config: { audit: { action: 'device.self-test', objectType: 'device', objectParam: 'deviceId' } },
    },
    async (request) => {
      const { deviceId } = request.params;
      const device = await deps.devices.get(deviceId);
      if (!device) throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
      noteAudit(request, { gateId: device.gateId });
      authorize(request, 'devices.read', device.gateId);
      return service().latest(deviceId);
    },
  );

  app.get(
    '/api/v1/gates/:gateId/commissioning',
    {
      schema: {
        summary: 'Every screen of a gate with its latest self-test: the printable commissioning sheet',
        tags: ['gates'],
        params: gateParamsSchema,
        response: { 200: gateCommissioningSchema, ...errorResponses },
      },
      config: { audit: { action: 'gate.commissioning', objectType: 'gate', objectParam: 'gateId' } },
    },
    async (request) => {
      const { gateId } = request.params;
      noteAudit(request, { gateId });
      authorize(request, 'devices.read', gateId);
      return service().gate(gateId);
    },
  );

  app.get(
    '/api/v1/releases/keys',
    {
      schema: {
        summary: 'The release-signing public keys the fleet trusts, for screens to pin at provisioning',
        tags: ['releases'],
        response: { 200: releaseKeysSchema, ...errorResponses },
      },
      config: { audit: { action: 'release.keys', objectType: 'release' } },
    },
    async (request) => {
      // Public keys, but only for callers who may read releases somewhere.
      const scope = scopeOf(principalOf(request), 'releases.read');
      if (scope !== 'all' && scope.length === 0) authorize(request, 'releases.read', null);
      return { keys: service().releaseKeys() };
    },
  );
};
