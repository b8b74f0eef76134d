import { GatecastError, infoBundleSchema, infoTreeRefSchema, slugSchema } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { APPROVAL_STATES } from '../approval/approval-workflow.js';
import { readableAt, registerWorkflowRoutes, stateOf } from '../approval/workflow-routes.js';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import type { HttpDeps } from '../http/http-deps.js';
import type { Permission } from '../users/permissions.js';
import { SAMPLE_AUTHOR, type InfoService } from './info-service.js';
import { infoNodeIdSchema, type InfoNodeRecord } from './info-specs.js';

/** A node as the API shows it: the record, its authors' names, missing languages, and whether it shows. */
export const infoNodeViewSchema = z.object({
  id: z.string(),
  gateId: z.string().nullable(),
  parentId: z.string().nullable(),
  kind: z.enum(['category', 'page']),
  order: z.number().int(),
  title: z.record(z.string(), z.string()),
  summary: z.record(z.string(), z.string()).nullable(),
  blocks: z.array(z.record(z.string(), z.unknown())),
  sample: z.boolean(),
  state: z.enum(APPROVAL_STATES),
  revision: z.number(),
  authorId: z.string(),
  authorName: z.string().nullable(),
  reviewerId: z.string().nullable(),
  reviewerName: z.string().nullable(),
  reviewComment: z.string().nullable(),
  /** Gate languages some text of the node lacks; screens fall back to en, then vi. */
  missing: z.array(z.string()),
  /** Published with every ancestor published: on the screens now. */
  shown: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const texts = z.record(z.string(), z.unknown());

const createBodySchema = z.strictObject({
  id: infoNodeIdSchema.optional().describe('own id (a slug); generated (n-…) when left out'),
  gateId: slugSchema.nullable().describe('owner gate; null for a fleet-wide node shown at every gate'),
  parentId: infoNodeIdSchema.nullable().describe('a category; null for the top level'),
  kind: z.enum(['category', 'page']),
  order: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  title: texts,
  summary: texts.optional(),
  blocks: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
});

const editBodySchema = z.strictObject({
  parentId: infoNodeIdSchema.nullable().optional(),
  order: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  title: texts.optional(),
  summary: texts.nullable().optional().describe('null removes the summary'),
  blocks: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
});

const idParamsSchema = z.object({ id: infoNodeIdSchema });
const listQuerySchema = z.strictObject({
  gate: slugSchema.optional().describe('owner gate; "fleet" for fleet-wide nodes'),
  state: z.enum(APPROVAL_STATES).optional(),
});

/**
 * The information tree under approval, the starter tree and the built bundle. Every change is
 * audited with the node's gate, state and revision before and after.
 */
export const infoRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const service = (): InfoService => {
    if (!deps.info) throw new GatecastError('UNAVAILABLE', 'this fleet manager has no information tree');
    return deps.info;
  };
  // The starter tree's author is no user: it keeps its own name.
  const nameOf = async (userId: string | null) =>
    userId === SAMPLE_AUTHOR
      ? SAMPLE_AUTHOR
      : userId
        ? ((await deps.users.getById(userId))?.username ?? null)
        : null;
  const view = async (node: InfoNodeRecord, tree?: ReadonlyMap<string, InfoNodeRecord>) => ({
    id: node.id,
    gateId: node.gateId,
    parentId: node.parentId,
    kind: node.kind,
    order: node.order,
    title: node.spec.title,
    summary: node.spec.summary ?? null,
    blocks: node.spec.blocks as Array<Record<string, unknown>>,
    sample: node.sample,
    state: node.state,
    revision: node.revision,
    authorId: node.authorId,
    authorName: await nameOf(node.authorId),
    reviewerId: node.reviewerId,
    reviewerName: await nameOf(node.reviewerId),
    reviewComment: node.reviewComment,
    missing: await service().missingOf(node),
    shown: await service().isShown(node, tree),
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
  });
  const mustGet = async (
    request: FastifyRequest,
    id: string,
    permission: Permission,
  ): Promise<InfoNodeRecord> => {
    const node = await service().get(id);
    noteAudit(request, { objectType: 'info-node', objectId: node.id, gateId: node.gateId });
    authorize(request, permission, node.gateId);
    return node;
  };
  const nodeReply = { 200: z.object({ node: infoNodeViewSchema }), ...errorResponses };

  app.get(
    '/api/v1/info/nodes',
    {
      schema: {
        summary: 'The information nodes the caller may read (content.read), in tree order',
        tags: ['info'],
        querystring: listQuerySchema,
        response: { 200: z.object({ nodes: z.array(infoNodeViewSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { gate, state } = request.query;
      const all = await service().all();
      const tree = new Map(all.map((node) => [node.id, node]));
      const nodes = all
        .filter((node) => readableAt(principal, node.gateId))
        .filter((node) => gate === undefined || (node.gateId ?? 'fleet') === gate)
        .filter((node) => state === undefined || node.state === state);
      return { nodes: await Promise.all(nodes.map((node) => view(node, tree))) };
    },
  );

  app.get(
    '/api/v1/info/nodes/:id',
    {
      schema: {
        summary: 'One information node',
        tags: ['info'],
        params: idParamsSchema,
        response: nodeReply,
      },
    },
    async (request) => {
      const node = await service().get(request.params.id);
      if (!readableAt(principalOf(request), node.gateId)) {
        noteAudit(request, { objectType: 'info-node', objectId: node.id, gateId: node.gateId });
        authorize(request, 'content.read', node.gateId);
      }
      return { node: await view(node) };
    },
  );

  app.post(
    '/api/v1/info/nodes',
    {
      schema: {
        summary: 'Write a new category or page as a draft (content.write at its gate)',
        tags: ['info'],
        body: createBodySchema,
        response: { 201: z.object({ node: infoNodeViewSchema }), ...errorResponses },
      },
      config: { audit: { action: 'info.create', objectType: 'info-node' } },
    },
    async (request, reply) => {
      const body = request.body;
      noteAudit(request, { gateId: body.gateId, objectId: body.id ?? null });
      const principal = authorize(request, 'content.write', body.gateId);
      const node = await service().create(body, principal.userId);
      noteAudit(request, {
        objectId: node.id,
        after: { spec: node.spec, parentId: node.parentId, ...stateOf(node) },
      });
      return reply.code(201).send({ node: await view(node) });
    },
  );

  app.patch(
    '/api/v1/info/nodes/:id',
    {
      schema: {
        summary: 'Change a node: a new draft revision, off the screens until approved and published again',
        tags: ['info'],
        params: idParamsSchema,
        body: editBodySchema,
        response: nodeReply,
      },
      config: { audit: { action: 'info.edit', objectParam: 'id', objectType: 'info-node' } },
    },
    async (request) => {
      const before = await mustGet(request, request.params.id, 'content.write');
      // Taking published text off the screens is publishing too.
      if (before.state === 'published') authorize(request, 'content.publish', before.gateId);
      const after = await service().edit(before.id, request.body, principalOf(request).userId);
      noteAudit(request, {
        before: { spec: before.spec, parentId: before.parentId, order: before.order, ...stateOf(before) },
        after: { spec: after.spec, parentId: after.parentId, order: after.order, ...stateOf(after) },
      });
      return { node: await view(after) };
    },
  );

  registerWorkflowRoutes(app, {
    path: (step) => `/api/v1/info/nodes/:id/${step}`,
    tag: 'info',
    what: 'a node',
    auditPrefix: 'info',
    objectType: 'info-node',
    idSchema: infoNodeIdSchema,
    answerSchema: z.object({ node: infoNodeViewSchema }),
    mustGet,
    step: (id, step, actorId, comment) => service().step(id, step, actorId, comment),
    answer: async (after) => ({ node: await view(after) }),
  });

  app.delete(
    '/api/v1/info/nodes/:id',
    {
      schema: {
        summary: 'Delete a node with nothing under it (a published one also needs content.publish)',
        tags: ['info'],
        params: idParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...errorResponses },
      },
      config: { audit: { action: 'info.remove', objectParam: 'id', objectType: 'info-node' } },
    },
    async (request, reply) => {
      const node = await mustGet(request, request.params.id, 'content.write');
      if (node.state === 'published') authorize(request, 'content.publish', node.gateId);
      noteAudit(request, { before: { spec: node.spec, parentId: node.parentId, ...stateOf(node) } });
      await service().remove(node.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/info/seed-sample',
    {
      schema: {
        summary: 'Seed the starter tree (sample text, published) at a gate without a tree (content.publish)',
        tags: ['info'],
        body: z.strictObject({ gateId: slugSchema }),
        response: { 201: z.object({ nodes: z.array(infoNodeViewSchema) }), ...errorResponses },
      },
      config: { audit: { action: 'info.seed-sample', objectType: 'gate' } },
    },
    async (request, reply) => {
      const { gateId } = request.body;
      noteAudit(request, { gateId, objectId: gateId });
      authorize(request, 'content.publish', gateId);
      const nodes = await service().seedSample(gateId);
      noteAudit(request, { after: { nodes: nodes.map((node) => node.id) } });
      return reply.code(201).send({ nodes: await Promise.all(nodes.map((node) => view(node))) });
    },
  );

  app.get(
    '/api/v1/info/bundle',
    {
      schema: {
        summary: "A gate's built information bundle, as its screens get it (content.read at the gate)",
        tags: ['info'],
        querystring: z.strictObject({ gate: slugSchema }),
        response: { 200: z.object({ bundle: infoBundleSchema, ref: infoTreeRefSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const { gate } = request.query;
      authorize(request, 'content.read', gate);
      if (!(await deps.gates.get(gate))) throw new GatecastError('NOT_FOUND', `no gate ${gate}`);
      const bundle = await service().bundle(gate);
      const ref = await service().treeRef(gate);
      if (!bundle || !ref) throw new GatecastError('NOT_FOUND', `gate ${gate} shows no information node yet`);
      return { bundle, ref };
    },
  );
};
