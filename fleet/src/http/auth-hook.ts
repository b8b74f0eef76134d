import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpDeps } from './http-deps.js';
import { errorBody } from './error-reply.js';

/**
 * The only routes reachable without a token, as "METHOD /route". Deny by default: a route added
 * anywhere else in the app is protected unless it is listed here.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['GET /healthz', 'GET /api/v1/openapi.json']);

/** Tokens are short; refusing long headers early keeps hashing cheap for a flood of junk. */
const MAX_TOKEN_LENGTH = 256;

/** The token from `Authorization: Bearer <token>`, or undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  const token = match?.[1];
  return token !== undefined && token.length <= MAX_TOKEN_LENGTH ? token : undefined;
}

/** Unmatched URLs are not public either, so an anonymous caller cannot map the API by probing. */
export function isPublicRoute(method: string, routeUrl: string | undefined): boolean {
  return routeUrl !== undefined && PUBLIC_ROUTES.has(`${method} ${routeUrl}`);
}

export function registerAuthHook(app: FastifyInstance, tokens: HttpDeps['tokens']): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isPublicRoute(request.method, request.routeOptions.url)) return;
    const token = bearerToken(request.headers.authorization);
    const caller = token === undefined ? undefined : tokens.verify(token);
    if (caller) {
      request.log = request.log.child({ caller: caller.name });
      return;
    }
    request.log.info({ reason: token === undefined ? 'no bearer token' : 'unknown token' }, 'unauthorized');
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send(errorBody('UNAUTHORIZED', 'a valid "Authorization: Bearer <token>" header is required'));
  });
}
