import { GatecastError } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import { noteAudit, principalOf } from '../auth/authorize.js';
import { scopeOf, type Permission, type Principal } from '../users/permissions.js';
import { gatesOf } from './announcement-model.js';
import type { AnnouncementView } from './announcements-service.js';

/** Deny by default: the caller must hold the permission at some gate before anything is looked up. */
export function requireSomewhere(request: FastifyRequest, permission: Permission): Principal {
  return requireAnyOf(request, [permission]);
}

export function requireAnyOf(request: FastifyRequest, permissions: Permission[]): Principal {
  const principal = principalOf(request);
  for (const permission of permissions) {
    const scope = scopeOf(principal, permission);
    if (scope === 'all' || scope.length > 0) return principal;
  }
  noteAudit(request, { outcome: 'denied' });
  throw new GatecastError(
    'FORBIDDEN',
    `${principal.username} may not ${permissions.join(' or ')} at any gate`,
  );
}

/** The audit log's gate: the one gate targeted, or none for several or all. */
export function noteTargets(request: FastifyRequest, targets: Parameters<typeof gatesOf>[0]): void {
  const gates = gatesOf(targets);
  noteAudit(request, { gateId: gates?.length === 1 ? (gates[0] ?? null) : null });
}

export function noteDone(request: FastifyRequest, view: AnnouncementView): void {
  noteAudit(request, {
    objectId: view.id,
    after: {
      state: view.state,
      targets: view.targets,
      templateId: view.templateId,
      startsAt: view.startsAt,
      expiresAt: view.expiresAt,
      targeted: view.targeted,
      reviewComment: view.reviewComment,
    },
  });
}
