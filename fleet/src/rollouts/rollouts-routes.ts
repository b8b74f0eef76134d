import { GatecastError } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import { inScope, scopeOf } from '../users/permissions.js';
import type { Rollout } from './rollout-model.js';
import {
  createRolloutBodySchema,
  rollbackRolloutBodySchema,
  rolloutListSchema,
  rolloutViewSchema,
  type RolloutView,
} from './rollouts-api.js';
import type { RolloutsService } from './rollouts-service.js';
import { summaryOf, viewOf } from './rollout-view.js';

const rolloutParams = z.object({ rolloutId: z.string().min(1).max(64) });
/** Actions take no body; an empty JSON object is accepted too. */
const noBody = z.strictObject({}).nullish();

/** Rollouts of agent releases (rollouts-api.ts); gate-scoped like the screens they take. */
export const rolloutsRoutes: FastifyPluginAsyncZod<{ rollouts: RolloutsService | undefined }> = async (
  app,
  options,
) => {
  const rollouts = (): RolloutsService => {
    if (!options.rollouts) throw new GatecastError('UNAVAILABLE', 'this fleet manager runs no rollouts');
    return options.rollouts;
  };
  const view = async (rollout: Rollout | Promise<Rollout>): Promise<RolloutView> => {
    const shown = await rollout;
    const devices = await rollouts().devicesById();
    return viewOf(shown, await rollouts().screensOf(shown.id), (deviceId) => devices.get(deviceId));
  };
  /** Acting on a rollout needs rollouts.manage at every gate it touches. */
  const manage = (request: FastifyRequest, gates: readonly string[]) => {
    for (const gateId of gates) authorize(request, 'rollouts.manage', gateId);
  };
  const action = (name: string, summary: string) => ({
    schema: {
      summary,
      tags: ['rollouts'],
      params: rolloutParams,
      body: noBody,
      response: { 200: rolloutViewSchema, ...errorResponses },
    },
    config: { audit: { action: `rollout.${name}`, objectType: 'rollout', objectParam: 'rolloutId' } },
  });
  const target = async (request: FastifyRequest, rolloutId: string): Promise<Rollout> => {
    const rollout = await rollouts().get(rolloutId);
    manage(request, rollout.gates);
    noteAudit(request, { before: { state: rollout.state, currentWave: rollout.currentWave } });
    return rollout;
  };

  app.get(
    '/api/v1/rollouts',
    {
      schema: {
        summary: 'Rollouts touching a gate the caller may read, newest first',
        tags: ['rollouts'],
        response: { 200: rolloutListSchema, ...errorResponses },
      },
      config: { audit: { action: 'rollout.list', objectType: 'rollout' } },
    },
    async (request) => {
      const scope = scopeOf(principalOf(request), 'rollouts.read');
      if (scope !== 'all' && scope.length === 0) authorize(request, 'rollouts.read', null);
      const visible = (await rollouts().list()).filter((rollout) =>
        rollout.gates.some((gate) => inScope(scope, gate)),
      );
      const summaries = [];
      for (const rollout of visible)
        summaries.push(summaryOf(rollout, await rollouts().screensOf(rollout.id)));
      return { rollouts: summaries };
    },
  );

  app.post(
    '/api/v1/rollouts',
    {
      schema: {
        summary: 'Roll a published release out to screens, wave by wave',
        tags: ['rollouts'],
        body: createRolloutBodySchema,
        response: { 201: rolloutViewSchema, ...errorResponses },
      },
      config: { audit: { action: 'rollout.create', objectType: 'rollout' } },
    },
    async (request, reply) => {
      const { username } = principalOf(request);
      // Someone who may manage rollouts nowhere learns nothing about releases or screens.
      const scope = scopeOf(principalOf(request), 'rollouts.manage');
      if (scope !== 'all' && scope.length === 0) authorize(request, 'rollouts.manage', null);
      const rollout = await rollouts().create(request.body, username, (gates) => manage(request, gates));
      noteAudit(request, {
        objectId: rollout.id,
        after: { version: rollout.version, gates: rollout.gates, waves: rollout.waves },
      });
      return reply.code(201).send(await view(rollout));
    },
  );

  app.get(
    '/api/v1/rollouts/:rolloutId',
    {
      schema: {
        summary: 'One rollout with its waves and screens',
        tags: ['rollouts'],
        params: rolloutParams,
        response: { 200: rolloutViewSchema, ...errorResponses },
      },
      config: { audit: { action: 'rollout.read', objectType: 'rollout', objectParam: 'rolloutId' } },
    },
    async (request) => {
      const rollout = await rollouts().get(request.params.rolloutId);
      const scope = scopeOf(principalOf(request), 'rollouts.read');
      if (!rollout.gates.some((gate) => inScope(scope, gate))) {
        // Named like any refusal, at the rollout's first gate.
        authorize(request, 'rollouts.read', rollout.gates[0] ?? null);
      }
      return view(rollout);
    },
  );

  app.post(
    '/api/v1/rollouts/:rolloutId/pause',
    action('pause', 'Pause: no screen is handed the release until resumed'),
    async (request) => {
      await target(request, request.params.rolloutId);
      return view(rollouts().pause(request.params.rolloutId, principalOf(request).username));
    },
  );

  app.post(
    '/api/v1/rollouts/:rolloutId/resume',
    action('resume', 'Resume a paused rollout; the failures so far are accepted'),
    async (request) => {
      await target(request, request.params.rolloutId);
      return view(rollouts().resume(request.params.rolloutId));
    },
  );

  app.post(
    '/api/v1/rollouts/:rolloutId/abort',
    action('abort', 'Abort: screens not yet done are cancelled and keep (or go back to) their release'),
    async (request) => {
      await target(request, request.params.rolloutId);
      return view(await rollouts().abort(request.params.rolloutId));
    },
  );

  app.post(
    '/api/v1/rollouts/:rolloutId/rollback',
    {
      schema: {
        summary: "Take the rollout's screens to another release (newer, or a signed rollback release)",
        tags: ['rollouts'],
        params: rolloutParams,
        body: rollbackRolloutBodySchema,
        response: { 201: rolloutViewSchema, ...errorResponses },
      },
      config: { audit: { action: 'rollout.rollback', objectType: 'rollout', objectParam: 'rolloutId' } },
    },
    async (request, reply) => {
      await target(request, request.params.rolloutId);
      const { username } = principalOf(request);
      const created = await rollouts().rollback(request.params.rolloutId, request.body.to, username);
      noteAudit(request, { after: { rollout: created.id, version: created.version } });
      return reply.code(201).send(await view(created));
    },
  );
};
