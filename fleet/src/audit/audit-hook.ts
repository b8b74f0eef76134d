import type { FastifyInstance, FastifyRequest } from 'fastify';
import '../auth/authorize.js';
import type { AuditLog, AuditOutcome, AuditRecord } from './audit-log.js';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The entry one answered request leaves in the audit log, or null when it leaves none. Recorded:
 * every change a signed-in caller attempted (ok or failed), every refusal (403, and 401 when
 * credentials were presented), and any request whose route noted an outcome on purpose (sign-in
 * attempts). Reads that succeed are not recorded, whatever details their route noted.
 */
export function auditRecordOf(request: FastifyRequest, status: number, at: string): AuditRecord | null {
  const note = request.auditNote;
  const route = request.routeOptions.url;
  const change = CHANGES.has(request.method) && route !== undefined && request.principal !== null;
  const refused = status === 403 || (status === 401 && request.presentedCredentials);
  if (note?.outcome === undefined && !change && !refused) return null;
  const declared = request.routeOptions.config?.audit;
  const param = declared?.objectParam;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const fromPath =
    param !== undefined && typeof params[param] === 'string' ? (params[param] as string) : null;
  const principal = request.principal;
  return {
    at,
    actor:
      note?.actor !== undefined
        ? note.actor
        : principal && { id: principal.userId, name: principal.username },
    action: note?.action ?? declared?.action ?? `${request.method} ${route ?? 'unmatched'}`,
    objectType: note?.objectType ?? declared?.objectType ?? null,
    objectId: note?.objectId ?? fromPath,
    gateId: note?.gateId ?? null,
    outcome: note?.outcome ?? outcomeOf(status),
    status,
    before: note?.before,
    after: status < 400 ? note?.after : undefined,
    ip: request.ip,
  };
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  return status === 401 || status === 403 || status === 429 ? 'denied' : 'failed';
}

/**
 * Appends the entry before the answer leaves, so a caller that sees the answer finds the entry.
 * A failing append is logged as an error but does not turn a done change into an error reply.
 */
export function registerAuditHook(
  app: FastifyInstance,
  audit: Pick<AuditLog, 'append'>,
  now: () => Date,
): void {
  app.addHook('onSend', async (request, reply, payload) => {
    try {
      const record = auditRecordOf(request, reply.statusCode, now().toISOString());
      if (record) await audit.append(record);
    } catch (error) {
      request.log.error({ err: (error as Error).message }, 'audit entry not written');
    }
    return payload;
  });
}
