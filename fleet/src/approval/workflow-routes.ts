import { GatecastError } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noteAudit, principalOf } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import { scopeOf, type Permission, type Principal } from '../users/permissions.js';
import type { ApprovalAction, ApprovalState } from './approval-workflow.js';

export type WorkflowStep = Exclude<ApprovalAction, 'edit'>;
export const WORKFLOW_STEPS: readonly WorkflowStep[] = [
  'submit',
  'approve',
  'reject',
  'publish',
  'unpublish',
];

/** Which permission each workflow step needs at the record's owner gate (content and the info tree alike). */
export const STEP_PERMISSION: Record<WorkflowStep, Permission> = {
  submit: 'content.write',
  approve: 'content.approve',
  reject: 'content.approve',
  publish: 'content.publish',
  unpublish: 'content.publish',
};

type ZodApp = Parameters<FastifyPluginAsyncZod>[0];

const stepBodySchema = z.strictObject({ comment: z.string().max(2000).optional() }).default({});

/** What the step routes need of a record under approval. */
export interface GatedRecord {
  id: string;
  gateId: string | null;
  state: ApprovalState;
  revision: number;
}

export const stateOf = (record: GatedRecord) => ({ state: record.state, revision: record.revision });

export interface WorkflowRoutesOptions<R extends GatedRecord, V> {
  /** The step's path, e.g. `/api/v1/content/:id/submit`. */
  path: (step: WorkflowStep) => string;
  tag: string;
  /** How the summary names the record: 'work', 'a node'. */
  what: string;
  /** The audit action is `<auditPrefix>.<step>`. */
  auditPrefix: string;
  /** The audit object type, when the route declares one. */
  objectType?: string;
  idSchema: z.ZodType<string>;
  /** The 200 answer's schema, e.g. `z.object({ work: workViewSchema })`. */
  answerSchema: z.ZodType<V>;
  /** Loads the record, notes it for the audit and authorises the permission at its gate. */
  mustGet: (request: FastifyRequest, id: string, permission: Permission) => R;
  step: (id: string, step: WorkflowStep, actorId: string, comment: string | undefined) => Promise<R>;
  answer: (after: R) => V | Promise<V>;
}

/**
 * Registers POST `<path>/submit|approve|reject|publish|unpublish`: the step's permission at the
 * record's gate, the audit of state and revision before and after, and a refusal of an author
 * approving their own work audited as denied.
 */
export function registerWorkflowRoutes<R extends GatedRecord, V>(
  app: ZodApp,
  options: WorkflowRoutesOptions<R, V>,
): void {
  const params = z.object({ id: options.idSchema });
  // V ties answer() to answerSchema in the options' type; fastify cannot resolve a generic schema.
  const answerSchema: z.ZodType = options.answerSchema;
  for (const action of WORKFLOW_STEPS) {
    app.post(
      options.path(action),
      {
        schema: {
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} ${options.what} (${STEP_PERMISSION[action]} at its gate${
            action === 'approve' || action === 'reject' ? '; not the author; a comment is required' : ''
          })`,
          tags: [options.tag],
          params,
          body: stepBodySchema,
          response: { 200: answerSchema, ...errorResponses },
        },
        config: {
          audit: {
            action: `${options.auditPrefix}.${action}`,
            objectParam: 'id',
            ...(options.objectType ? { objectType: options.objectType } : {}),
          },
        },
      },
      async (request) => {
        const before = options.mustGet(request, request.params.id, STEP_PERMISSION[action]);
        const { userId } = principalOf(request);
        const comment = request.body?.comment;
        noteAudit(request, { before: stateOf(before) });
        try {
          const after = await options.step(before.id, action, userId, comment);
          noteAudit(request, { after: { ...stateOf(after), ...(comment ? { comment } : {}) } });
          return await options.answer(after);
        } catch (error) {
          // The author approving their own work is a refusal: the audit log says denied.
          if (error instanceof GatecastError && error.code === 'FORBIDDEN')
            noteAudit(request, { outcome: 'denied' });
          throw error;
        }
      },
    );
  }
}

/** Gate records need content.read at their gate; fleet-wide ones (gate null) content.read anywhere. */
export function readableAt(principal: Principal, gateId: string | null): boolean {
  const scope = scopeOf(principal, 'content.read');
  if (scope === 'all') return true;
  return gateId === null ? scope.length > 0 : scope.includes(gateId);
}
