import {
  GatecastError,
  TOPIC_KINDS,
  TOPIC_RULES,
  deviceTopic,
  encodePayload,
  parseMessage,
  type TopicPayloadInput,
} from '@gatecast/protocol';
import { authorizePublish } from './acl.js';

/** One message the fleet is about to hand to the broker, already checked. */
export interface FleetMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
}

/**
 * Validates and encodes a fleet→device message: the ACL for fleet publishes, the schema (through
 * encodePayload), then the exact parse the device will run, so nothing leaves the fleet that the
 * device would refuse (size limit, DEVICE_MISMATCH). Throws a GatecastError with the reason.
 */
export function prepareFleetMessage<K extends 'desired' | 'cmd/req'>(
  deviceId: string,
  kind: K,
  payload: TopicPayloadInput<K>,
  maxTopicLevels: number,
): FleetMessage {
  const topic = deviceTopic(deviceId, kind);
  const rule = TOPIC_RULES[kind];
  const decision = authorizePublish(null, topic, { retain: rule.retained, qos: rule.qos }, maxTopicLevels);
  if (!decision.allowed) throw new GatecastError('FORBIDDEN', decision.reason);
  let body: string;
  try {
    body = encodePayload(kind, payload);
  } catch (error) {
    throw new GatecastError('INVALID_PAYLOAD', (error as Error).message);
  }
  const check = parseMessage(topic, body);
  if (!check.ok) throw new GatecastError(check.code, check.reason);
  return { topic, payload: Buffer.from(body), qos: rule.qos, retain: rule.retained };
}

/** The messages that delete every retained topic of a device: an empty retained payload each. */
export function clearRetainedMessages(deviceId: string): FleetMessage[] {
  return TOPIC_KINDS.filter((kind) => TOPIC_RULES[kind].retained).map((kind) => ({
    topic: deviceTopic(deviceId, kind),
    payload: Buffer.alloc(0),
    qos: 0,
    retain: true,
  }));
}
