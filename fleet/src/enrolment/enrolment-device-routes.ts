import {
  GatecastError,
  enrolmentRequestBodySchema,
  enrolmentRequestCreatedSchema,
  enrolmentRequestStatusSchema,
} from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noteAudit } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import { bearerToken } from '../http/auth-hook.js';
import type { EnrolmentService } from './enrolment-service.js';

/** The screens' side of zero-touch enrolment (enrolment-device-paths.ts says why it is public). */

const requestParams = z.object({ requestId: z.string().min(1).max(64) });

export const enrolmentDeviceRoutes: FastifyPluginAsyncZod<{
  enrolment: EnrolmentService | undefined;
}> = async (app, options) => {
  const enrolment = (): EnrolmentService => {
    if (!options.enrolment) throw new GatecastError('UNAVAILABLE', 'this fleet manager takes no enrolments');
    return options.enrolment;
  };

  app.post(
    '/api/v1/enrolment/requests',
    {
      schema: {
        summary: 'A screen asks to join with an enrolment token; it gets a pairing code to show',
        tags: ['enrolment'],
        // No user credentials: the bearer is the enrolment token, then the poll token.
        security: [],
        body: enrolmentRequestBodySchema,
        response: { 201: enrolmentRequestCreatedSchema, ...errorResponses },
      },
      config: { audit: { action: 'enrolment.request', objectType: 'enrolment-request' } },
    },
    async (request, reply) => {
      request.presentedCredentials = request.headers.authorization !== undefined;
      const created = await enrolment().ask(bearerToken(request.headers.authorization), request.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/enrolment/requests/:requestId',
    {
      schema: {
        summary: "A waiting screen's poll; the first read after approval carries its credentials",
        tags: ['enrolment'],
        // No user credentials: the bearer is the enrolment token, then the poll token.
        security: [],
        params: requestParams,
        response: { 200: enrolmentRequestStatusSchema, ...errorResponses },
      },
      config: {
        audit: { action: 'enrolment.poll', objectType: 'enrolment-request', objectParam: 'requestId' },
      },
    },
    async (request) => {
      const pollToken = bearerToken(request.headers.authorization);
      if (pollToken === undefined)
        throw new GatecastError('ENROLMENT_REFUSED', 'send the poll token as the bearer');
      const status = await enrolment().poll(request.params.requestId, pollToken);
      // The hand-over of a secret is worth a line in the audit log, without the secret.
      if (status.device)
        noteAudit(request, {
          outcome: 'ok',
          actor: null,
          gateId: status.device.gateId,
          objectId: request.params.requestId,
          after: { deviceId: status.device.id },
        });
      return status;
    },
  );
};
