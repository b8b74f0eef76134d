import type { EnrolmentRequestView, EnrolmentTokenView } from './enrolment-api.js';
import type { RequestWithGate, TokenRow } from './enrolment-repo.js';
import { tokenState } from './enrolment-rules.js';

export function tokenViewOf(row: TokenRow, now: Date): EnrolmentTokenView {
  return {
    id: row.id,
    gateId: row.gate_id,
    zoneId: row.zone_id,
    note: row.note,
    state: tokenState({ expiresAt: row.expires_at, revokedAt: row.revoked_at }, now),
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

type Network = EnrolmentRequestView['network'];

export function requestViewOf(row: RequestWithGate): EnrolmentRequestView {
  return {
    id: row.id,
    state: row.state,
    serial: row.serial,
    model: row.model,
    agentVersion: row.agent_version,
    network: row.network === null ? null : (JSON.parse(row.network) as Network),
    pairingCode: row.pairing_code,
    gateId: row.gate_id,
    zoneId: row.zone_id,
    requestedGateId: row.requested_gate_id,
    requestedZoneId: row.requested_zone_id,
    tokenId: row.token_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    deviceId: row.device_id,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}
