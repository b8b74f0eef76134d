import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit } from '../../auth/authorize.js';
import type { Grant } from '../../users/permissions.js';
import type { UserAdmin } from '../../users/user-admin.js';
import {
  createUserBodySchema,
  grantBodySchema,
  toUserView,
  userViewSchema,
  usernameParamsSchema,
} from '../../users/user-schemas.js';
import type { UserRecord } from '../../users/users-repo.js';
import { errorResponses } from '../api-schemas.js';
import type { HttpDeps } from '../http-deps.js';

export interface UsersRoutesOptions {
  deps: HttpDeps;
  admin: UserAdmin;
}

const userAnswerSchema = z.object({ user: userViewSchema });

/** What the audit log keeps of a user: who and what they may do, never a password. */
const summary = (user: UserRecord) => ({
  username: user.username,
  displayName: user.displayName,
  grants: user.grants,
});

/** Accounts and their grants; every route here needs users.manage on all gates. */
export const usersRoutes: FastifyPluginAsyncZod<UsersRoutesOptions> = async (app, { deps, admin }) => {
  /** A grant on a gate that does not exist would silently give nothing: refuse the typo instead. */
  const mustExist = async (grants: Grant[]) => {
    for (const grant of grants) {
      if (grant.gateId !== null && !(await deps.gates.get(grant.gateId))) {
        throw new GatecastError('NOT_FOUND', `no gate ${grant.gateId}`);
      }
    }
  };

  app.get(
    '/api/v1/users',
    {
      schema: {
        summary: 'List users with their grants',
        tags: ['users'],
        response: { 200: z.object({ users: z.array(userViewSchema) }), ...errorResponses },
      },
      config: { audit: { action: 'user.list', objectType: 'user' } },
    },
    async (request) => {
      authorize(request, 'users.manage', null);
      return { users: (await deps.users.list()).map(toUserView) };
    },
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        summary: 'Create a user; without a password, a one-time password is returned (shown only once)',
        tags: ['users'],
        body: createUserBodySchema,
        response: {
          201: z.object({ user: userViewSchema, oneTimePassword: z.string().optional() }),
          ...errorResponses,
        },
      },
      config: { audit: { action: 'user.create', objectType: 'user' } },
    },
    async (request, reply) => {
      authorize(request, 'users.manage', null);
      noteAudit(request, { objectId: request.body.username });
      await mustExist(request.body.grants ?? []);
      const { user, oneTimePassword } = await admin.create(request.body);
      noteAudit(request, { after: summary(user) });
      request.log.info({ username: user.username }, 'user created');
      const answer = { user: toUserView(user), ...(oneTimePassword ? { oneTimePassword } : {}) };
      return reply.code(201).send(answer);
    },
  );

  app.get(
    '/api/v1/users/:username',
    {
      schema: {
        summary: 'One user',
        tags: ['users'],
        params: usernameParamsSchema,
        response: { 200: userAnswerSchema, ...errorResponses },
      },
      config: { audit: { action: 'user.read', objectType: 'user', objectParam: 'username' } },
    },
    async (request) => {
      authorize(request, 'users.manage', null);
      return { user: toUserView(await admin.mustGet(request.params.username)) };
    },
  );

  app.delete(
    '/api/v1/users/:username',
    {
      schema: {
        summary: 'Remove a user: their sessions and tokens end at once (409 for yourself or the last admin)',
        tags: ['users'],
        params: usernameParamsSchema,
        response: { 204: z.null().describe('Removed'), ...errorResponses },
      },
      config: { audit: { action: 'user.remove', objectType: 'user', objectParam: 'username' } },
    },
    async (request, reply) => {
      const principal = authorize(request, 'users.manage', null);
      const removed = await admin.remove(request.params.username, principal.userId);
      noteAudit(request, { before: summary(removed) });
      request.log.info({ username: removed.username }, 'user removed');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/users/:username/grants',
    {
      schema: {
        summary: 'Grant a role on one gate, or on all gates with gateId null',
        tags: ['users'],
        params: usernameParamsSchema,
        body: grantBodySchema,
        response: { 200: userAnswerSchema, ...errorResponses },
      },
      config: { audit: { action: 'user.grant', objectType: 'user', objectParam: 'username' } },
    },
    async (request) => {
      authorize(request, 'users.manage', null);
      noteAudit(request, { gateId: request.body.gateId });
      await mustExist([request.body]);
      const { before, after } = await admin.grant(request.params.username, request.body);
      noteAudit(request, { before: { grants: before.grants }, after: { grants: after.grants } });
      return { user: toUserView(after) };
    },
  );

  app.post(
    '/api/v1/users/:username/grants/revoke',
    {
      schema: {
        summary: 'Take back a role on one gate, or on all gates with gateId null',
        tags: ['users'],
        params: usernameParamsSchema,
        body: grantBodySchema,
        response: { 200: userAnswerSchema, ...errorResponses },
      },
      config: { audit: { action: 'user.revoke', objectType: 'user', objectParam: 'username' } },
    },
    async (request) => {
      authorize(request, 'users.manage', null);
      noteAudit(request, { gateId: request.body.gateId });
      const { before, after } = await admin.revoke(request.params.username, request.body);
      noteAudit(request, { before: { grants: before.grants }, after: { grants: after.grants } });
      return { user: toUserView(after) };
    },
  );

  app.post(
    '/api/v1/users/:username/password-reset',
    {
      schema: {
        summary: 'A new one-time password (shown only once); unlocks the account and ends its sessions',
        tags: ['users'],
        params: usernameParamsSchema,
        response: { 200: z.object({ oneTimePassword: z.string() }), ...errorResponses },
      },
      config: { audit: { action: 'user.password-reset', objectType: 'user', objectParam: 'username' } },
    },
    async (request) => {
      authorize(request, 'users.manage', null);
      const { oneTimePassword } = await admin.resetPassword(request.params.username);
      noteAudit(request, { after: { mustChangePassword: true } });
      return { oneTimePassword };
    },
  );
};
