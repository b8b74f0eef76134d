import { GatecastError } from '@gatecast/protocol';
import type { EnrolmentRequestView } from './enrolment-api.js';

/**
 * The zone an approved screen goes to: the approver's choice, else the token's zone, else what the
 * technician wrote in provision.json when it names the same gate.
 */
export function approvalZone(request: EnrolmentRequestView, chosen: string | undefined): string {
  const fromFile = request.requestedGateId === request.gateId ? request.requestedZoneId : null;
  const zone = chosen ?? request.zoneId ?? fromFile;
  if (zone === null) throw new GatecastError('BAD_REQUEST', 'name the zone the screen goes to (zoneId)');
  return zone;
}
