import type { ErrorCode } from '@gatecast/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { noteAudit } from '../auth/authorize.js';
import { COUNTER_TABLET_ROUTES } from '../counters/counter-tablet-routes.js';
import { ENROLMENT_DEVICE_ROUTES } from '../enrolment/enrolment-device-paths.js';
import { can, type Permission, type Principal } from '../users/permissions.js';
import { sameToken, type Session } from '../users/sessions.js';
import type { UserRecord } from '../users/users-repo.js';
import { admitDevice, isDeviceRoute } from './device-auth.js';
import { errorBody } from './error-reply.js';
import type { HttpDeps } from './http-deps.js';

/**
 * The API routes reachable without signing in, as "METHOD /route". Deny by default: an API route
 * added anywhere else in the app is protected unless it is listed here. GETs outside /api/ and
 * /metrics (the dashboard's files and pages) are public too; see isPublicRequest.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  'GET /healthz',
  'GET /api/v1/openapi.json',
  'POST /api/v1/auth/login',
  // Counter tablets have no account: each call but pairing carries the pairing token itself.
  ...COUNTER_TABLET_ROUTES,
  // Screens asking to enrol have no account: the enrolment token, then a poll token, is the bearer.
  ...ENROLMENT_DEVICE_ROUTES,
]);

/**
 * Routes outside any gate that need a permission on all gates, checked here because their
 * handlers know nothing of users: the metrics count screens per gate, of every gate.
 */
export const FLEET_WIDE_ROUTES: Readonly<Record<string, Permission>> = { 'GET /metrics': 'devices.read' };

export const SESSION_COOKIE = 'gatecast_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Tokens are short; refusing long headers early keeps hashing cheap for a flood of junk. */
const MAX_TOKEN_LENGTH = 256;
const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UNAUTHORIZED_MESSAGE = 'sign in, or send a valid "Authorization: Bearer <token>" header';

/** The token from `Authorization: Bearer <token>`, or undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  const token = match?.[1];
  return token !== undefined && token.length <= MAX_TOKEN_LENGTH ? token : undefined;
}

/** True for a listed API route; unmatched URLs are not listed, so they are protected. */
export function isPublicRoute(method: string, routeUrl: string | undefined): boolean {
  return routeUrl !== undefined && PUBLIC_ROUTES.has(`${method} ${routeUrl}`);
}

function isApiPath(path: string): boolean {
  const lower = path.toLowerCase();
  return ['/api', '/metrics'].some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
}

/**
 * Public: the listed routes, and GETs whose route pattern AND decoded path both lie outside /api/
 * and /metrics. Both are checked so neither a catch-all route nor an encoded path (`/%61pi/…`)
 * opens an API route.
 */
export function isPublicRequest(method: string, routeUrl: string | undefined, rawUrl: string): boolean {
  if (isPublicRoute(method, routeUrl)) return true;
  if (method !== 'GET') return false;
  const rawPath = rawUrl.split('?')[0] ?? '';
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return false;
  }
  return !isApiPath(rawPath) && !isApiPath(path) && (routeUrl === undefined || !isApiPath(routeUrl));
}

/** While a password must be changed, a session reaches only these: sign-in matters and /me. */
export function allowedBeforePasswordChange(method: string, routeUrl: string | undefined): boolean {
  if (routeUrl === undefined) return false;
  return routeUrl.startsWith('/api/v1/auth/') || (method === 'GET' && routeUrl === '/api/v1/me');
}

export function toPrincipal(user: UserRecord, via: Principal['via']): Principal {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    grants: user.grants,
    via,
    mustChangePassword: user.mustChangePassword,
  };
}

type AuthDeps = Pick<HttpDeps, 'tokens' | 'users' | 'sessions' | 'deviceCredentials'> & { now: () => Date };

interface Refusal {
  refuse: ErrorCode;
  reason: string;
  message?: string;
}

type Resolution = { principal: Principal; session: Session | null } | Refusal;

/**
 * Resolves the caller from a bearer token or the session cookie on every request, before any
 * body is read. With the cookie, a change also needs the session's CSRF token in x-csrf-token:
 * a forged cross-site request carries the cookie but cannot know the token. Bearer requests need
 * none, since browsers never add an Authorization header on their own.
 */
export function registerAuthHook(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('authSession', null);
  app.decorateRequest('presentedCredentials', false);
  app.decorateRequest('auditNote', null);
  app.decorateRequest('deviceId', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const routeUrl = request.routeOptions.url;
    // Screens have their own namespace and credentials; user tokens and sessions never apply there.
    if (isDeviceRoute(routeUrl)) return admitDevice(request, reply, deps.deviceCredentials);
    if (isPublicRequest(request.method, routeUrl, request.url)) return;
    const resolved = await resolve(request, deps);
    if ('refuse' in resolved) return refuse(request, reply, resolved);
    request.principal = resolved.principal;
    const refusal = fleetWideRefusal(request, resolved.principal);
    if (refusal) return refuse(request, reply, refusal);
    request.authSession = resolved.session;
    request.log = request.log.child({ caller: resolved.principal.username });
  });
}

async function resolve(request: FastifyRequest, deps: AuthDeps): Promise<Resolution> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    request.presentedCredentials = true;
    const token = bearerToken(header);
    const owned = token === undefined ? undefined : await deps.tokens.identify(token);
    const user = owned && (await deps.users.getById(owned.userId));
    if (!user)
      return { refuse: 'UNAUTHORIZED', reason: token === undefined ? 'not a bearer token' : 'unknown token' };
    return { principal: toPrincipal(user, 'token'), session: null };
  }
  const sessionId = readSessionCookie(request.headers.cookie);
  if (sessionId === undefined) return { refuse: 'UNAUTHORIZED', reason: 'no credentials' };
  request.presentedCredentials = true;
  const session = await deps.sessions.verify(sessionId, deps.now());
  const user = session && (await deps.users.getById(session.userId));
  if (!session || !user) return { refuse: 'UNAUTHORIZED', reason: 'unknown or expired session' };
  const principal = toPrincipal(user, 'session');
  if (CHANGES.has(request.method) && !sameToken(csrfHeader(request), session.csrfToken)) {
    request.principal = principal;
    return {
      refuse: 'FORBIDDEN',
      reason: 'missing or wrong CSRF token',
      message: 'missing or wrong x-csrf-token header',
    };
  }
  if (
    principal.mustChangePassword &&
    !allowedBeforePasswordChange(request.method, request.routeOptions.url)
  ) {
    request.principal = principal;
    return { refuse: 'FORBIDDEN', reason: 'password change pending', message: 'change your password first' };
  }
  return { principal, session };
}

/** FORBIDDEN for a route in FLEET_WIDE_ROUTES the caller lacks the permission for. */
function fleetWideRefusal(request: FastifyRequest, principal: Principal): Refusal | null {
  const permission = FLEET_WIDE_ROUTES[`${request.method} ${request.routeOptions.url}`];
  if (permission === undefined || can(principal, permission, null)) return null;
  return {
    refuse: 'FORBIDDEN',
    reason: `${permission} on all gates needed`,
    message: `${principal.username} may not ${permission} on all gates`,
  };
}

function refuse(request: FastifyRequest, reply: FastifyReply, refusal: Refusal): FastifyReply {
  request.log.info({ reason: refusal.reason }, refusal.refuse === 'FORBIDDEN' ? 'forbidden' : 'unauthorized');
  if (refusal.refuse === 'FORBIDDEN') {
    noteAudit(request, { outcome: 'denied' });
    return reply.code(403).send(errorBody('FORBIDDEN', refusal.message));
  }
  return reply
    .code(401)
    .header('www-authenticate', 'Bearer')
    .send(errorBody('UNAUTHORIZED', UNAUTHORIZED_MESSAGE));
}

/** httpOnly: page scripts never see it; SameSite=Strict: other sites' requests never carry it. */
export function sessionCookieOptions(protocol: 'http' | 'https') {
  return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure: protocol === 'https' };
}

/** The session id from a Cookie header. Ids are base64url, so no cookie decoding is involved. */
export function readSessionCookie(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.split('=');
    if (name?.trim() === SESSION_COOKIE) return value.join('=').trim() || undefined;
  }
  return undefined;
}

function csrfHeader(request: FastifyRequest): string | undefined {
  const value = request.headers[CSRF_HEADER];
  return typeof value === 'string' ? value : undefined;
}
