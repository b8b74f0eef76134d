import { GatecastError } from '@gatecast/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noteAudit, principalOf } from '../../auth/authorize.js';
import type { LoginService } from '../../users/login-service.js';
import {
  loginBodySchema,
  meSchema,
  passwordChangeBodySchema,
  sessionAnswerSchema,
  toMe,
} from '../../users/user-schemas.js';
import { USERNAME_PATTERN } from '../../users/users-repo.js';
import { errorResponses } from '../api-schemas.js';
import { SESSION_COOKIE, sessionCookieOptions, toPrincipal } from '../auth-hook.js';
import type { HttpDeps } from '../http-deps.js';

export interface AuthRoutesOptions {
  deps: HttpDeps;
  login: LoginService;
}

/** Signing in and out of the dashboard, the session's CSRF token, the own password, and "who am I". */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { deps, login }) => {
  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        summary: 'Sign in: sets the session cookie and returns the CSRF token for later changes',
        tags: ['auth'],
        security: [],
        body: loginBodySchema,
        response: { 200: sessionAnswerSchema, ...errorResponses },
      },
      config: { audit: { action: 'auth.login', objectType: 'user' } },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const result = await login.login(username, password, request.ip);
      const normalized = username.trim().toLowerCase();
      noteAudit(request, { objectId: USERNAME_PATTERN.test(normalized) ? normalized : null, actor: null });
      if (result.outcome === 'locked') {
        noteAudit(request, { outcome: 'denied' });
        reply.header('retry-after', String(result.retryAfterSec));
        throw new GatecastError(
          'RATE_LIMITED',
          `too many failed sign-ins; try again in ${result.retryAfterSec} s`,
        );
      }
      if (result.outcome === 'wrong') {
        noteAudit(request, { outcome: 'failed' });
        throw new GatecastError('UNAUTHORIZED', 'wrong username or password');
      }
      noteAudit(request, { outcome: 'ok', actor: { id: result.user.id, name: result.user.username } });
      setSessionCookie(request, reply, result.sessionId);
      return { user: toMe(toPrincipal(result.user, 'session')), csrfToken: result.session.csrfToken };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        summary: 'Sign out: ends the session and clears its cookie',
        tags: ['auth'],
        response: { 204: z.null().describe('Signed out'), ...errorResponses },
      },
      config: { audit: { action: 'auth.logout', objectType: 'user' } },
    },
    async (request, reply) => {
      noteAudit(request, { objectId: principalOf(request).username });
      if (request.authSession) await deps.sessions.remove(request.authSession.idHash);
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      schema: {
        summary: 'The signed-in user and the CSRF token of the session cookie sent (401 without one)',
        tags: ['auth'],
        response: { 200: sessionAnswerSchema, ...errorResponses },
      },
      config: { audit: { action: 'auth.session', objectType: 'user' } },
    },
    async (request) => {
      const session = request.authSession;
      if (!session) throw new GatecastError('UNAUTHORIZED', 'no session: sign in first');
      return { user: toMe(principalOf(request)), csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      schema: {
        summary: 'Change the own password; other sessions of the user end',
        tags: ['auth'],
        body: passwordChangeBodySchema,
        response: { 204: z.null().describe('Changed'), ...errorResponses },
      },
      config: { audit: { action: 'auth.password', objectType: 'user' } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      noteAudit(request, { objectId: principal.username });
      const { currentPassword, newPassword } = request.body;
      const result = await login.changePassword(
        principal.userId,
        currentPassword,
        newPassword,
        request.authSession?.idHash,
      );
      if (result.outcome === 'locked') {
        reply.header('retry-after', String(result.retryAfterSec));
        throw new GatecastError(
          'RATE_LIMITED',
          `too many wrong passwords; try again in ${result.retryAfterSec} s`,
        );
      }
      if (result.outcome === 'wrong') throw new GatecastError('FORBIDDEN', 'the current password is wrong');
      noteAudit(request, { after: { mustChangePassword: false } });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        summary: 'The caller: grants, and for each permission the gates where it holds',
        tags: ['auth'],
        response: { 200: z.object({ user: meSchema }), ...errorResponses },
      },
    },
    async (request) => ({ user: toMe(principalOf(request)) }),
  );
};

/** No Max-Age: the browser forgets it when closed, and the store ends it after 12 idle hours. */
function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string): void {
  reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions(request.protocol));
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(request.protocol));
}
