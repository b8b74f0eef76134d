import { ERROR_CODES, GatecastError, languageOwnName } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import { can } from '../users/permissions.js';
import {
  codeAnswerSchema,
  counterParamsSchema,
  countersAnswerSchema,
  listCountersQuerySchema,
  pairAnswerSchema,
  pairBodySchema,
  pairingAnswerSchema,
  pairingParamsSchema,
  pushBodySchema,
  sessionAnswerSchema,
  shownAnswerSchema,
  tokenBodySchema,
} from './counters-schemas.js';
import {
  PUSH_MINUTES,
  tabletActor,
  type CountersService,
  type CounterView,
  type PairedTablet,
} from './counters-service.js';

const TABLET_TAG = 'counter tablet';

/**
 * Information counters: the staff tablet's pairing, tree, push and clear, and the operators'
 * list, new code and unpair. Every tablet action is in the audit log as "counter tablet <id> of
 * <screen>", refused ones too.
 */
export const countersRoutes: FastifyPluginAsyncZod<{ counters: CountersService | undefined }> = async (
  app,
  options,
) => {
  // Always registered, so deny-by-default covers them; without the service they answer 503.
  const need = () => {
    if (!options.counters) throw new GatecastError('UNAVAILABLE', 'information counters are not configured');
    return options.counters;
  };

  app.post(
    '/api/v1/counter/pair',
    {
      // Declared for the route table; the handler notes the tablet as the actor.
      config: { audit: { action: 'counter.pair', objectType: 'device' } },
      schema: {
        summary: 'Pair a tablet with the counter screen showing this code (no account needed)',
        description: `Wrong codes are limited per device: after a few, it is locked for a while (RATE_LIMITED).`,
        tags: [TABLET_TAG],
        security: [],
        body: pairBodySchema,
        response: { 200: pairAnswerSchema, ...errorResponses },
      },
    },
    async (request) =>
      tabletAudited(request, 'counter.pair', null, async () => {
        const { token, tablet } = await need().pair(request.body.code, request.ip);
        noteTablet(request, tablet);
        return { token, pairingId: tablet.pairing.id, screen: screenOf(tablet) };
      }),
  );

  app.post(
    '/api/v1/counter/session',
    {
      // Declared for the route table; the handler notes the tablet as the actor.
      config: { audit: { action: 'counter.session', objectType: 'device' } },
      schema: {
        summary: "The paired screen, its gate's languages and published tree, and what it shows now",
        tags: [TABLET_TAG],
        security: [],
        body: tokenBodySchema,
        response: { 200: sessionAnswerSchema, ...errorResponses },
      },
    },
    async (request) => {
      const counters = need();
      // Reads are audited only when refused: a tablet polls what its screen shows.
      const tablet = await refusedReadsAudited(request, () => counters.tablet(request.body.token));
      const bundle = await counters.tree(tablet);
      return {
        pairingId: tablet.pairing.id,
        screen: screenOf(tablet),
        languages: tablet.gate.languages.map((tag) => ({ tag, name: languageOwnName(tag) })),
        minutes: [...PUSH_MINUTES],
        shown: await counters.shownOn(tablet.device.id),
        tree: bundle
          ? {
              version: bundle.version,
              nodes: bundle.nodes.map((node) => ({
                id: node.id,
                parentId: node.parentId,
                kind: node.kind,
                title: node.title,
                ...(node.summary ? { summary: node.summary } : {}),
                missing: node.missing,
                sample: node.sample,
              })),
            }
          : null,
      };
    },
  );

  app.post(
    '/api/v1/counter/push',
    {
      // Declared for the route table; the handler notes the tablet as the actor.
      config: { audit: { action: 'counter.push', objectType: 'device' } },
      schema: {
        summary: 'Show a page of the published tree on the paired screen, for some minutes or until cleared',
        tags: [TABLET_TAG],
        security: [],
        body: pushBodySchema,
        response: { 200: shownAnswerSchema, ...errorResponses },
      },
    },
    async (request) =>
      tabletAudited(request, 'counter.push', request.body.token, async (tablet) => {
        const { nodeId, language, minutes } = request.body;
        const shown = await need().push(tablet as PairedTablet, { nodeId, language, minutes });
        noteAudit(request, { after: shown });
        return { shown };
      }),
  );

  app.post(
    '/api/v1/counter/clear',
    {
      // Declared for the route table; the handler notes the tablet as the actor.
      config: { audit: { action: 'counter.clear', objectType: 'device' } },
      schema: {
        summary: 'Take the pushed page off the paired screen',
        tags: [TABLET_TAG],
        security: [],
        body: tokenBodySchema,
        response: { 200: shownAnswerSchema, ...errorResponses },
      },
    },
    async (request) =>
      tabletAudited(request, 'counter.clear', request.body.token, async (tablet) => {
        const before = await need().clear(tablet as PairedTablet);
        noteAudit(request, { before });
        return { shown: null };
      }),
  );

  app.post(
    '/api/v1/counter/unpair',
    {
      // Declared for the route table; the handler notes the tablet as the actor.
      config: { audit: { action: 'counter.unpair', objectType: 'device' } },
      schema: {
        summary: 'Revoke the pairing of the tablet sending it (staff hand the tablet back)',
        tags: [TABLET_TAG],
        security: [],
        body: tokenBodySchema,
        response: { 200: shownAnswerSchema, ...errorResponses },
      },
    },
    async (request) =>
      tabletAudited(request, 'counter.unpair', request.body.token, async (tablet) => {
        const paired = tablet as PairedTablet;
        await need().unpair(paired.pairing.id, tabletActor(paired).name);
        return { shown: await need().shownOn(paired.device.id) };
      }),
  );

  /** Runs a tablet's change, noting its actor and outcome: the audit hook records only noted outcomes for callers without an account. */
  async function tabletAudited<T>(
    request: FastifyRequest,
    action: string,
    token: string | null,
    work: (tablet: PairedTablet | null) => Promise<T>,
  ): Promise<T> {
    noteAudit(request, { action, objectType: 'device', actor: null });
    try {
      let tablet: PairedTablet | null = null;
      if (token !== null) {
        tablet = await need().tablet(token);
        noteTablet(request, tablet);
      }
      const result = await work(tablet);
      noteAudit(request, { outcome: 'ok' });
      return result;
    } catch (error) {
      noteAudit(request, { outcome: outcomeOf(error) });
      throw error;
    }
  }

  async function refusedReadsAudited(
    request: FastifyRequest,
    work: () => Promise<PairedTablet>,
  ): Promise<PairedTablet> {
    try {
      return await work();
    } catch (error) {
      noteAudit(request, {
        action: 'counter.session',
        objectType: 'device',
        actor: null,
        outcome: outcomeOf(error),
      });
      throw error;
    }
  }

  // ---- operators -----------------------------------------------------------------------------

  app.get(
    '/api/v1/counters',
    {
      schema: {
        summary: 'Counter screens with their pushed page and pairings (devices.read at the gate)',
        description: 'Their current pairing code is included for callers with devices.command at the gate.',
        tags: ['counters'],
        querystring: listCountersQuerySchema,
        response: { 200: countersAnswerSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { gate } = request.query;
      if (gate !== undefined) authorize(request, 'devices.read', gate);
      const principal = principalOf(request);
      const counters = (await need().list(gate))
        .filter((view) => can(principal, 'devices.read', view.gateId))
        .map((view) => withCodeFor(view, can(principal, 'devices.command', view.gateId)));
      return { counters };
    },
  );

  app.post(
    '/api/v1/counters/:deviceId/new-code',
    {
      schema: {
        summary: "Replace a counter screen's pairing code (devices.command at its gate)",
        tags: ['counters'],
        params: counterParamsSchema,
        response: { 200: codeAnswerSchema, ...errorResponses },
      },
      config: { audit: { action: 'counter.new-code', objectType: 'device', objectParam: 'deviceId' } },
    },
    async (request) => {
      const counters = need();
      const view = await counters.counter(request.params.deviceId);
      noteAudit(request, { gateId: view.gateId });
      authorize(request, 'devices.command', view.gateId);
      const code = await counters.newCode(view.deviceId);
      // The code itself stays out of the audit log: it is as good as a password for 10 minutes.
      noteAudit(request, { after: { expiresAt: code.expiresAt } });
      return { deviceId: view.deviceId, code: code.code, expiresAt: code.expiresAt };
    },
  );

  app.delete(
    '/api/v1/counters/pairings/:pairingId',
    {
      schema: {
        summary: "Revoke a tablet's pairing (devices.command at the screen's gate)",
        tags: ['counters'],
        params: pairingParamsSchema,
        response: { 200: pairingAnswerSchema, ...errorResponses },
      },
      config: {
        audit: { action: 'counter.unpair', objectType: 'counter-pairing', objectParam: 'pairingId' },
      },
    },
    async (request) => {
      const counters = need();
      const pairing = await counters.pairing(request.params.pairingId);
      if (!pairing)
        throw new GatecastError('NOT_FOUND', `pairing ${request.params.pairingId} does not exist`);
      const gateId = await counters.gateOf(pairing.deviceId);
      noteAudit(request, { gateId });
      const principal = authorize(request, 'devices.command', gateId);
      const revoked = await counters.unpair(pairing.id, principal.username);
      const after = (await counters.pairing(pairing.id)) ?? pairing;
      noteAudit(request, { after: { deviceId: after.deviceId, revokedAt: after.revokedAt } });
      return { pairing: after, revoked };
    },
  );
};

function screenOf(tablet: PairedTablet) {
  return { deviceId: tablet.device.id, name: tablet.device.name, gateId: tablet.gate.id };
}

function noteTablet(request: FastifyRequest, tablet: PairedTablet): void {
  noteAudit(request, { actor: tabletActor(tablet), objectId: tablet.device.id, gateId: tablet.gate.id });
}

function outcomeOf(error: unknown): 'denied' | 'failed' {
  const status = error instanceof GatecastError ? ERROR_CODES[error.code].http : 500;
  return status === 401 || status === 403 || status === 429 ? 'denied' : 'failed';
}

function withCodeFor(view: CounterView, mayCommand: boolean) {
  const { code, ...rest } = view;
  return mayCommand ? { ...rest, code: code && { code: code.code, expiresAt: code.expiresAt } } : rest;
}
