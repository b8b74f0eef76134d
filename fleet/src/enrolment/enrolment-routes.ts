import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import { toDeviceView } from '../http/device-view.js';
import { enrolDevice } from '../http/enrol-device.js';
import type { HttpDeps } from '../http/http-deps.js';
import { inScope, scopeOf } from '../users/permissions.js';
import {
  approveEnrolmentBodySchema,
  approvedEnrolmentSchema,
  createEnrolmentTokenBodySchema,
  createdEnrolmentTokenSchema,
  enrolmentRequestViewSchema,
  enrolmentTokenViewSchema,
  listEnrolmentRequestsQuerySchema,
} from './enrolment-api.js';
import type { EnrolmentService } from './enrolment-service.js';
import { approvalZone } from './approval-zone.js';

const tokenParams = z.object({ tokenId: z.string().min(1).max(64) });
const requestParams = z.object({ requestId: z.string().min(1).max(64) });
const noBody = z.strictObject({}).nullish();

/** People's side of enrolment: tokens for a gate, the screens waiting, approval and refusal. */
export const enrolmentRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const enrolment = (): EnrolmentService => {
    if (!deps.enrolment) throw new GatecastError('UNAVAILABLE', 'this fleet manager takes no enrolments');
    return deps.enrolment;
  };

  app.post(
    '/api/v1/enrolment-tokens',
    {
      schema: {
        summary: 'A token screens of one gate enrol with; shown only in this answer',
        tags: ['enrolment'],
        body: createEnrolmentTokenBodySchema,
        response: { 201: createdEnrolmentTokenSchema, ...errorResponses },
      },
      config: { audit: { action: 'enrolment.token-create', objectType: 'enrolment-token' } },
    },
    async (request, reply) => {
      const { gateId, zoneId, expiresInHours, note } = request.body;
      noteAudit(request, { gateId });
      const { username } = authorize(request, 'devices.enrol', gateId);
      const created = await enrolment().createToken(request.body, username);
      noteAudit(request, { objectId: created.id, after: { gateId, zoneId, expiresInHours, note } });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/enrolment-tokens',
    {
      schema: {
        summary:
          'Enrolment tokens of the gates the caller may enrol screens at (never the tokens themselves)',
        tags: ['enrolment'],
        response: { 200: z.object({ tokens: z.array(enrolmentTokenViewSchema) }), ...errorResponses },
      },
      config: { audit: { action: 'enrolment.token-list', objectType: 'enrolment-token' } },
    },
    async (request) => {
      const scope = scopeOf(principalOf(request), 'devices.enrol');
      return {
        tokens: (await enrolment().tokens()).filter((token) => inScope(scope, token.gateId)),
      };
    },
  );

  app.delete(
    '/api/v1/enrolment-tokens/:tokenId',
    {
      schema: {
        summary: 'Revoke a token: no screen can ask with it any more, and those waiting are refused',
        tags: ['enrolment'],
        params: tokenParams,
        response: { 200: enrolmentTokenViewSchema, ...errorResponses },
      },
      config: {
        audit: { action: 'enrolment.token-revoke', objectType: 'enrolment-token', objectParam: 'tokenId' },
      },
    },
    async (request) => {
      const token = await enrolment().token(request.params.tokenId);
      noteAudit(request, { gateId: token.gateId, before: { state: token.state } });
      const { username } = authorize(request, 'devices.enrol', token.gateId);
      return enrolment().revokeToken(token.id, username);
    },
  );

  app.get(
    '/api/v1/enrolment/requests',
    {
      schema: {
        summary: 'Screens that asked to join, of the gates the caller may read',
        tags: ['enrolment'],
        querystring: listEnrolmentRequestsQuerySchema,
        response: { 200: z.object({ requests: z.array(enrolmentRequestViewSchema) }), ...errorResponses },
      },
      config: { audit: { action: 'enrolment.request-list', objectType: 'enrolment-request' } },
    },
    async (request) => {
      const { state, gate } = request.query;
      if (gate !== undefined) authorize(request, 'devices.read', gate);
      const scope = scopeOf(principalOf(request), 'devices.read');
      const requests = (await enrolment().requests({ state })).filter(
        (item) => inScope(scope, item.gateId) && (gate === undefined || item.gateId === gate),
      );
      return { requests };
    },
  );

  app.post(
    '/api/v1/enrolment/approve',
    {
      schema: {
        summary: 'Approve the screen showing this pairing code; it collects its credentials itself',
        tags: ['enrolment'],
        body: approveEnrolmentBodySchema,
        response: { 201: approvedEnrolmentSchema, ...errorResponses },
      },
      config: { audit: { action: 'enrolment.approve', objectType: 'enrolment-request' } },
    },
    async (request, reply) => {
      const body = request.body;
      noteAudit(request, { gateId: body.gateId });
      const { username } = authorize(request, 'devices.enrol', body.gateId);
      const waiting = await enrolment().pendingByCode(body.pairingCode);
      noteAudit(request, { objectId: waiting.id, gateId: waiting.gateId });
      authorize(request, 'devices.enrol', waiting.gateId);
      if (waiting.gateId !== body.gateId) {
        noteAudit(request, { outcome: 'denied' });
        throw new GatecastError(
          'FORBIDDEN',
          `the screen ${body.pairingCode} enrolled with a token for gate ${waiting.gateId}; it cannot go to ${body.gateId}`,
        );
      }
      const zoneId = approvalZone(waiting, body.zoneId);
      const { device, agentConfig } = await enrolDevice(deps, {
        name: body.name,
        gateId: body.gateId,
        zoneId,
        id: body.deviceId,
      });
      const delivery = {
        id: device.id,
        secret: agentConfig.secret,
        mqttUrl: agentConfig.mqtt.url,
        name: device.name,
        gateId: device.gateId,
        zoneId: device.zoneId,
        releasePublicKeys: [...enrolment().releaseKeys],
      };
      if (!(await enrolment().recordApproval(waiting.id, delivery, username))) {
        await deps.devices.remove(device.id);
        await deps.desired.forget(device.id);
        throw new GatecastError('CONFLICT', `the screen ${body.pairingCode} was decided meanwhile`);
      }
      noteAudit(request, {
        after: { deviceId: device.id, name: device.name, gateId: device.gateId, zoneId },
      });
      request.log.info({ deviceId: device.id, requestId: waiting.id }, 'enrolment approved');
      const view = toDeviceView(device, {
        connected: deps.broker.isConnected(device.id),
        desired: await deps.desired.latest(device.id),
      });
      return reply.code(201).send({ device: view, request: await enrolment().request(waiting.id) });
    },
  );

  app.post(
    '/api/v1/enrolment/requests/:requestId/refuse',
    {
      schema: {
        summary: 'Refuse a waiting screen; it shows the refusal and may ask again',
        tags: ['enrolment'],
        params: requestParams,
        body: noBody,
        response: { 200: z.object({ request: enrolmentRequestViewSchema }), ...errorResponses },
      },
      config: {
        audit: { action: 'enrolment.refuse', objectType: 'enrolment-request', objectParam: 'requestId' },
      },
    },
    async (request) => {
      const waiting = await enrolment().request(request.params.requestId);
      noteAudit(request, { gateId: waiting.gateId });
      const { username } = authorize(request, 'devices.enrol', waiting.gateId);
      return { request: await enrolment().refuse(waiting.id, username) };
    },
  );
};
