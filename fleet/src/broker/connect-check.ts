import { isDeviceId, parseMessage, parseTopic } from '@gatecast/protocol';
import { authorizePublish } from './acl.js';

/** CONNACK return codes of MQTT 3.1.1 that the broker uses to refuse a device. */
export const RETURN_CODE = {
  SERVER_UNAVAILABLE: 3,
  BAD_USERNAME_OR_PASSWORD: 4,
  NOT_AUTHORIZED: 5,
} as const;
export type RefusalCode = (typeof RETURN_CODE)[keyof typeof RETURN_CODE];

export interface WillMessage {
  topic: string;
  payload: Buffer | string;
  qos?: number;
  retain?: boolean;
}

export interface ConnectRequest {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  will: WillMessage | null | undefined;
}

export type ConnectCheck =
  { ok: true; deviceId: string } | { ok: false; returnCode: RefusalCode; reason: string };

function refuse(returnCode: RefusalCode, reason: string): ConnectCheck {
  return { ok: false, returnCode, reason };
}

/**
 * Everything about a CONNECT that can be judged without the secret store: a device connects
 * as username = client id = its device id, with a password, and its will (if any) must be a
 * valid `status` message on its own status topic. The secret itself is checked afterwards.
 */
export function checkConnect(request: ConnectRequest, maxTopicLevels: number): ConnectCheck {
  const { clientId, username, password, will } = request;
  if (username === undefined || password === undefined || password.length === 0) {
    return refuse(RETURN_CODE.BAD_USERNAME_OR_PASSWORD, 'no credentials');
  }
  if (!isDeviceId(username))
    return refuse(RETURN_CODE.BAD_USERNAME_OR_PASSWORD, 'username is not a device id');
  if (clientId !== username) return refuse(RETURN_CODE.NOT_AUTHORIZED, 'client id differs from username');
  if (will) {
    const problem = checkWill(username, will, maxTopicLevels);
    if (problem) return refuse(RETURN_CODE.NOT_AUTHORIZED, `will refused: ${problem}`);
  }
  return { ok: true, deviceId: username };
}

/** A will is published on the device's behalf later, so it must pass the same rules now. */
export function checkWill(deviceId: string, will: WillMessage, maxTopicLevels: number): string | null {
  const flags = { retain: will.retain ?? false, qos: will.qos ?? 0 };
  const acl = authorizePublish(deviceId, will.topic, flags, maxTopicLevels);
  if (!acl.allowed) return acl.reason;
  if (parseTopic(will.topic)?.kind !== 'status') return 'a will must be the status topic';
  const parsed = parseMessage(will.topic, will.payload);
  if (!parsed.ok) return `${parsed.code}: ${parsed.reason}`;
  return null;
}

/** A short, log-safe rendering of an untrusted identity string (never the secret). */
export function describeIdentity(value: string | undefined): string {
  if (value === undefined) return '(none)';
  return value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}…` : JSON.stringify(value);
}
