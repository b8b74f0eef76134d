import type { NetworkState } from './host-identity.js';

export type EnrolmentStatus = 'requesting' | 'waiting' | 'refused' | 'expired' | 'unreachable' | 'approved';

export interface EnrolmentView {
  status: EnrolmentStatus;
  pairingCode: string | null;
  expiresAt: string | null;
  /** What the QR code opens: the fleet's approval page with the code filled in. */
  approvalUrl: string | null;
  /** The fleet's words for a refusal, or why it cannot be reached. */
  detail: string | null;
}

/** Everything the commissioning screen shows; also served as /state.json. */
export interface CommissioningView {
  mode: 'enrolment' | 'config-error';
  agentVersion: string;
  serial: string;
  model: string;
  network: NetworkState;
  fleetUrl: string | null;
  fleetReachable: boolean | null;
  gateId: string | null;
  zoneId: string | null;
  enrolment: EnrolmentView | null;
  /** One line naming the file and the field; no secret is ever quoted. */
  configError: string | null;
  updatedAt: string;
}

/** `<fleetUrl>/enrol?code=XXXX-XXXX`: the dashboard page that approves this screen. */
export function approvalUrl(fleetUrl: string, pairingCode: string): string {
  const url = new URL(`${fleetUrl.replace(/\/+$/, '')}/enrol`);
  url.searchParams.set('code', pairingCode);
  return url.toString();
}
