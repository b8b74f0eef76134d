import { GatecastError, slugSchema } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { APPROVAL_STATES } from '../approval/approval-workflow.js';
import { readableAt, registerWorkflowRoutes, stateOf } from '../approval/workflow-routes.js';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';
import { can, type Permission } from '../users/permissions.js';
import type { ContentService } from './content-service.js';
import { workIdSchema, type Work, type WorkType } from './content-specs.js';

/** A piece of work as the API shows it: the stored record plus its author's and reviewer's names. */
const workViewSchema = z.object({
  id: z.string(),
  type: z.enum(['item', 'playlist', 'schedule']),
  gateId: z.string().nullable(),
  name: z.string(),
  spec: z.record(z.string(), z.unknown()),
  state: z.enum(APPROVAL_STATES),
  revision: z.number(),
  authorId: z.string(),
  authorName: z.string().nullable(),
  reviewerId: z.string().nullable(),
  reviewerName: z.string().nullable(),
  reviewComment: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const createBodySchema = z.strictObject({
  id: workIdSchema
    // These name the lists under /api/v1/content/.
    .refine((id) => !['items', 'playlists', 'schedules'].includes(id), 'is a reserved name')
    .optional()
    .describe('own id; generated (i-…, p-…, s-…) when left out'),
  gateId: slugSchema.nullable().describe('owner gate; null for fleet-wide work'),
  name: z.string().trim().min(1).max(120),
  spec: z.record(z.string(), z.unknown()),
});

const editBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  spec: z.record(z.string(), z.unknown()).optional(),
});

const listQuerySchema = z.strictObject({
  state: z.enum(APPROVAL_STATES).optional(),
  gate: slugSchema.optional().describe('owner gate; "fleet" for fleet-wide work'),
});

const idParamsSchema = z.object({ id: workIdSchema });

const PLURAL: Record<WorkType, string> = { item: 'items', playlist: 'playlists', schedule: 'schedules' };

/**
 * Content items, playlists and schedules under approval, and the approval queue. Every change is
 * audited with the work's gate, state and revision before and after.
 */
export const contentRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const service = (): ContentService => {
    if (!deps.content) throw new GatecastError('UNAVAILABLE', 'this fleet manager has no content service');
    return deps.content;
  };
  const nameOf = async (userId: string | null) =>
    userId ? ((await deps.users.getById(userId))?.username ?? null) : null;
  const view = async (work: Work) => ({
    ...work,
    spec: work.spec as Record<string, unknown>,
    authorName: await nameOf(work.authorId),
    reviewerName: await nameOf(work.reviewerId),
  });

  /** The work, if the caller holds the permission at its owner gate (fleet-wide work: on all gates). */
  const mustGet = async (request: FastifyRequest, id: string, permission: Permission): Promise<Work> => {
    const work = await service().get(id);
    noteAudit(request, { objectType: work.type, objectId: work.id, gateId: work.gateId });
    authorize(request, permission, work.gateId);
    return work;
  };

  for (const type of ['item', 'playlist', 'schedule'] as const) {
    app.get(
      `/api/v1/content/${PLURAL[type]}`,
      {
        schema: {
          summary: `List the ${PLURAL[type]} the caller may read`,
          tags: ['content'],
          querystring: listQuerySchema,
          response: { 200: z.object({ [PLURAL[type]]: z.array(workViewSchema) }), ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const { state, gate } = request.query;
        const list = ((await service().list(type)) as Work[])
          .filter((work) => readableAt(principal, work.gateId))
          .filter((work) => state === undefined || work.state === state)
          .filter((work) => gate === undefined || (work.gateId ?? 'fleet') === gate);
        return { [PLURAL[type]]: await Promise.all(list.map(view)) };
      },
    );

    app.post(
      `/api/v1/content/${PLURAL[type]}`,
      {
        schema: {
          summary: `Write a new ${type} as a draft (content.write at its gate)`,
          tags: ['content'],
          body: createBodySchema,
          response: { 201: z.object({ work: workViewSchema }), ...errorResponses },
        },
        config: { audit: { action: `content.${type}-create`, objectType: type } },
      },
      async (request, reply) => {
        const { gateId, name, spec, id } = request.body;
        noteAudit(request, { gateId, objectId: id ?? null });
        const principal = authorize(request, 'content.write', gateId);
        const work = (await service().create({ type, gateId, name, spec, id }, principal.userId)) as Work;
        noteAudit(request, { objectId: work.id, after: { name, spec: work.spec, ...stateOf(work) } });
        request.log.info({ id: work.id, type, gateId }, 'content written');
        return reply.code(201).send({ work: await view(work) });
      },
    );
  }

  app.get(
    '/api/v1/content/:id',
    {
      schema: {
        summary: 'One item, playlist or schedule, with what uses it',
        tags: ['content'],
        params: idParamsSchema,
        response: { 200: z.object({ work: workViewSchema }), ...errorResponses },
      },
      config: { audit: { action: 'content.read', objectParam: 'id' } },
    },
    async (request) => {
      const work = await service().get(request.params.id);
      if (!readableAt(principalOf(request), work.gateId)) {
        noteAudit(request, { objectType: work.type, gateId: work.gateId });
        authorize(request, 'content.read', work.gateId);
      }
      return { work: await view(work) };
    },
  );

  app.patch(
    '/api/v1/content/:id',
    {
      schema: {
        summary: 'Change work: a new draft revision, off the screens until approved and published again',
        tags: ['content'],
        params: idParamsSchema,
        body: editBodySchema,
        response: { 200: z.object({ work: workViewSchema }), ...errorResponses },
      },
      config: { audit: { action: 'content.edit', objectParam: 'id' } },
    },
    async (request) => {
      const before = await mustGet(request, request.params.id, 'content.write');
      // Withdrawing published work from the screens is publishing too.
      if (before.state === 'published') authorize(request, 'content.publish', before.gateId);
      const principal = principalOf(request);
      const after = await service().edit(before.id, request.body, principal.userId);
      noteAudit(request, {
        before: { name: before.name, spec: before.spec, ...stateOf(before) },
        after: { name: after.name, spec: after.spec, ...stateOf(after) },
      });
      return { work: await view(after) };
    },
  );

  registerWorkflowRoutes(app, {
    path: (step) => `/api/v1/content/:id/${step}`,
    tag: 'content',
    what: 'work',
    auditPrefix: 'content',
    idSchema: workIdSchema,
    answerSchema: z.object({ work: workViewSchema }),
    mustGet,
    step: (id, step, actorId, comment) => service().step(id, step, actorId, comment),
    answer: async (after) => ({ work: await view(after) }),
  });

  app.delete(
    '/api/v1/content/:id',
    {
      schema: {
        summary: 'Delete work nothing else uses (published work also needs content.publish)',
        tags: ['content'],
        params: idParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...errorResponses },
      },
      config: { audit: { action: 'content.remove', objectParam: 'id' } },
    },
    async (request, reply) => {
      const work = await mustGet(request, request.params.id, 'content.write');
      if (work.state === 'published') authorize(request, 'content.publish', work.gateId);
      noteAudit(request, { before: { name: work.name, spec: work.spec, ...stateOf(work) } });
      await service().remove(work.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/approvals',
    {
      schema: {
        summary: 'What waits for the caller: work to approve or reject (not their own), work to publish',
        tags: ['content'],
        response: {
          200: z.object({ toReview: z.array(workViewSchema), toPublish: z.array(workViewSchema) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const all = await service().all();
      const toReview = all.filter(
        (work) =>
          work.state === 'submitted' &&
          work.authorId !== principal.userId &&
          can(principal, 'content.approve', work.gateId),
      );
      const toPublish = all.filter(
        (work) => work.state === 'approved' && can(principal, 'content.publish', work.gateId),
      );
      return {
        toReview: await Promise.all(toReview.map(view)),
        toPublish: await Promise.all(toPublish.map(view)),
      };
    },
  );
};
