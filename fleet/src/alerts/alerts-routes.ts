import { GatecastError, slugSchema } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';
import { inScope, scopeOf } from '../users/permissions.js';
import { policyOverrideSchema } from './alert-policy.js';
import {
  alertDetailSchema,
  alertViewSchema,
  resolvedPolicySchema,
  storedOverrideSchema,
  toAlertView,
  toTransitionView,
} from './alert-view.js';
import type { AlertsService } from './alerts-service.js';

export const alertsQuerySchema = z.strictObject({
  state: z.enum(['open', 'resolved', 'all']).default('open'),
  gateId: slugSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().min(1).max(256).optional().describe('nextBefore of the previous page'),
});

const alertParamsSchema = z.object({ alertId: z.string().min(1).max(64) });
const gatePolicyParamsSchema = z.object({ gateId: slugSchema });
const zonePolicyParamsSchema = z.object({ gateId: slugSchema, zoneId: slugSchema });
const ackBodySchema = z.strictObject({ note: z.string().trim().max(500).optional() });
const effectiveQuerySchema = z.strictObject({ gateId: slugSchema, zoneId: slugSchema.optional() });

/** Alerts (list, detail, acknowledgement) and their policies per gate and zone. */
export const alertsRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const service = (): AlertsService => {
    if (!deps.alerts) throw new GatecastError('UNAVAILABLE', 'this fleet manager runs no alert engine');
    return deps.alerts;
  };

  app.get(
    '/api/v1/alerts',
    {
      schema: {
        summary: 'Alerts, newest first, in the gates the caller may read',
        tags: ['alerts'],
        querystring: alertsQuerySchema,
        response: {
          200: z.object({ alerts: z.array(alertViewSchema), nextBefore: z.string().nullable() }),
          ...errorResponses,
        },
      },
      config: { audit: { action: 'alert.list', objectType: 'alert' } },
    },
    async (request) => {
      const { state, gateId, limit, before } = request.query;
      const gates = readableGates(request, gateId);
      const page = await service().list({
        state,
        gates,
        limit,
        ...(gateId ? { gateId } : {}),
        ...(before ? { before } : {}),
      });
      return { alerts: page.alerts.map(toAlertView), nextBefore: page.nextBefore };
    },
  );

  app.get(
    '/api/v1/alerts/:alertId',
    {
      schema: {
        summary: 'One alert with its transitions, oldest first',
        tags: ['alerts'],
        params: alertParamsSchema,
        response: { 200: alertDetailSchema, ...errorResponses },
      },
      config: { audit: { action: 'alert.read', objectType: 'alert', objectParam: 'alertId' } },
    },
    async (request) => {
      const alert = await service().get(request.params.alertId);
      noteAudit(request, { gateId: alert.gate.id });
      authorize(request, 'alerts.read', alert.gate.id);
      const transitions = await service().transitions(alert.id);
      return { ...toAlertView(alert), transitions: transitions.map(toTransitionView) };
    },
  );

  app.post(
    '/api/v1/alerts/:alertId/ack',
    {
      schema: {
        summary: 'Acknowledge an alert: no escalation; an update failure clears',
        tags: ['alerts'],
        params: alertParamsSchema,
        body: ackBodySchema.nullish(),
        response: { 200: alertViewSchema, ...errorResponses },
      },
      config: { audit: { action: 'alert.ack', objectType: 'alert', objectParam: 'alertId' } },
    },
    async (request) => {
      const alert = await service().get(request.params.alertId);
      noteAudit(request, { gateId: alert.gate.id });
      const principal = authorize(request, 'alerts.ack', alert.gate.id);
      const note = request.body?.note || null;
      const acked = await service().acknowledge(alert.id, principal.username, note);
      noteAudit(request, { after: { acknowledged: true, note } });
      return toAlertView(acked);
    },
  );

  app.get(
    '/api/v1/alert-policies',
    {
      schema: {
        summary: 'The default alert policy and the overrides per gate and zone the caller may read',
        tags: ['alerts'],
        response: {
          200: z.object({ defaults: resolvedPolicySchema, overrides: z.array(storedOverrideSchema) }),
          ...errorResponses,
        },
      },
      config: { audit: { action: 'alert.policy-list', objectType: 'alert-policy' } },
    },
    async (request) => {
      const scope = readScope(request);
      const overrides = (await service().overrides()).filter((override) => inScope(scope, override.gateId));
      return { defaults: service().defaults(), overrides };
    },
  );

  app.get(
    '/api/v1/alert-policies/effective',
    {
      schema: {
        summary: 'The alert policy as it applies to a gate, or to a zone of it',
        tags: ['alerts'],
        querystring: effectiveQuerySchema,
        response: { 200: resolvedPolicySchema, ...errorResponses },
      },
      config: { audit: { action: 'alert.policy-read', objectType: 'alert-policy' } },
    },
    async (request) => {
      const { gateId, zoneId } = request.query;
      noteAudit(request, { gateId });
      authorize(request, 'alerts.read', gateId);
      return service().effective(gateId, zoneId ?? null);
    },
  );

  for (const level of ['gate', 'zone'] as const) {
    const url =
      level === 'gate' ? '/api/v1/alert-policies/:gateId' : '/api/v1/alert-policies/:gateId/zones/:zoneId';
    const params = level === 'gate' ? gatePolicyParamsSchema : zonePolicyParamsSchema;
    const zoneOf = (request: FastifyRequest): string | null =>
      level === 'zone' ? (request.params as { zoneId: string }).zoneId : null;

    app.put(
      url,
      {
        schema: {
          summary: `Set the alert policy override of a ${level} (replaces the previous one)`,
          tags: ['alerts'],
          params,
          body: policyOverrideSchema,
          response: { 200: storedOverrideSchema, ...errorResponses },
        },
        config: { audit: { action: 'alert.policy-set', objectType: 'alert-policy', objectParam: 'gateId' } },
      },
      async (request) => {
        const { gateId } = request.params;
        noteAudit(request, { gateId, objectId: policyId(gateId, zoneOf(request)) });
        const principal = authorize(request, 'alerts.manage', gateId);
        const stored = await service().setOverride(gateId, zoneOf(request), request.body, principal.username);
        noteAudit(request, { after: request.body });
        return stored;
      },
    );

    app.delete(
      url,
      {
        schema: {
          summary: `Remove the alert policy override of a ${level}`,
          tags: ['alerts'],
          params,
          response: { 204: z.null().describe('Removed'), ...errorResponses },
        },
        config: {
          audit: { action: 'alert.policy-remove', objectType: 'alert-policy', objectParam: 'gateId' },
        },
      },
      async (request, reply) => {
        const { gateId } = request.params;
        noteAudit(request, { gateId, objectId: policyId(gateId, zoneOf(request)) });
        authorize(request, 'alerts.manage', gateId);
        await service().removeOverride(gateId, zoneOf(request));
        return reply.code(204).send(null);
      },
    );
  }
};

/** How the audit log names a policy override: its gate, or gate/zone. */
function policyId(gateId: string, zoneId: string | null): string {
  return zoneId === null ? gateId : `${gateId}/${zoneId}`;
}

/** One gate asked for is checked like any read; otherwise every gate in the caller's scope. */
function readableGates(request: FastifyRequest, gateId: string | undefined): 'all' | string[] {
  if (gateId !== undefined) {
    noteAudit(request, { gateId });
    authorize(request, 'alerts.read', gateId);
    return [gateId];
  }
  return readScope(request);
}

function readScope(request: FastifyRequest): 'all' | string[] {
  const scope = scopeOf(principalOf(request), 'alerts.read');
  if (scope !== 'all' && scope.length === 0) authorize(request, 'alerts.read', null);
  return scope;
}
