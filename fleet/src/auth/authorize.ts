import { GatecastError } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditOutcome } from '../audit/audit-log.js';
import { can, type Permission, type Principal } from '../users/permissions.js';
import type { Session } from '../users/sessions.js';

/** What a route tells the audit log about its request; anything left out is filled in from the route. */
export interface AuditNote {
  action?: string;
  objectType?: string | null;
  objectId?: string | null;
  gateId?: string | null;
  /** Noting an outcome records the request even when it is neither a change nor a refusal. */
  outcome?: AuditOutcome;
  /** Overrides the caller (e.g. the account a sign-in was for); null records no actor. */
  actor?: AuditActor | null;
  before?: unknown;
  after?: unknown;
}

/** Declared per route: what its requests are called in the audit log. */
export interface RouteAudit {
  action: string;
  objectType?: string;
  /** The path parameter naming the object, e.g. 'deviceId'. */
  objectParam?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller; null only on public routes. */
    principal: Principal | null;
    /** The dashboard session behind the request, when it came with the session cookie. */
    authSession: Session | null;
    /** True when the request carried credentials of some kind, valid or not. */
    presentedCredentials: boolean;
    auditNote: AuditNote | null;
  }
  interface FastifyContextConfig {
    audit?: RouteAudit;
  }
}

/** Adds to what the audit log will record for this request. */
export function noteAudit(request: FastifyRequest, note: AuditNote): void {
  request.auditNote = { ...request.auditNote, ...note };
}

/** The caller; UNAUTHORIZED when there is none (a route the auth hook let through by mistake). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new GatecastError('UNAUTHORIZED');
  return request.principal;
}

/**
 * Throws FORBIDDEN unless the caller holds the permission at the gate (null: fleet-wide). The
 * refusal is noted for the audit log, which records it as 'denied' when the answer goes out.
 */
export function authorize(request: FastifyRequest, permission: Permission, gateId: string | null): Principal {
  const principal = principalOf(request);
  if (can(principal, permission, gateId)) return principal;
  // A fleet-wide check keeps the gate a route already noted (the gate a zone was to be added to).
  noteAudit(request, gateId === null ? { outcome: 'denied' } : { outcome: 'denied', gateId });
  const where = gateId === null ? 'on all gates' : `at gate ${gateId}`;
  request.log.info({ user: principal.username, permission, gateId }, 'forbidden');
  throw new GatecastError('FORBIDDEN', `${principal.username} may not ${permission} ${where}`);
}
