import { TOPIC_RULES, isDeviceId, parseTopic } from '@gatecast/protocol';

/**
 * The broker's access rules, deny by default: a device publishes only under its own
 * status|reported|telemetry|events|cmd/res and subscribes only to its own desired|cmd/req; the
 * fleet publishes only desired|cmd/req. Who publishes which kind, and what is retained, comes
 * from TOPIC_RULES so the ACL and the protocol cannot drift apart.
 */

export type AclDecision = { allowed: true } | { allowed: false; reason: string };

export interface PublishFlags {
  retain: boolean;
  qos: number;
}

/** Deep enough for every protocol v1 topic (6 levels) with room to spare. */
export const DEFAULT_MAX_TOPIC_LEVELS = 8;

const ALLOWED: AclDecision = { allowed: true };

function deny(reason: string): AclDecision {
  return { allowed: false, reason };
}

/** Shape checks shared by topics and filters, before any meaning is looked at. */
function checkShape(topic: string, maxTopicLevels: number, what: string): AclDecision {
  if (topic.length === 0) return deny(`empty ${what}`);
  if (topic.startsWith('$')) return deny(`${what} under a reserved "$" prefix`);
  if (topic.includes('\u0000')) return deny(`${what} contains a NUL character`);
  if (topic.includes('+') || topic.includes('#')) return deny(`wildcard in ${what}`);
  const levels = topic.split('/').length;
  if (levels > maxTopicLevels) return deny(`${what} has ${levels} levels, limit ${maxTopicLevels}`);
  return ALLOWED;
}

/**
 * May `deviceId` publish on `topic`? `deviceId` null is the fleet itself (broker-internal
 * publishes), which may only address desired|cmd/req of a valid device.
 */
export function authorizePublish(
  deviceId: string | null,
  topic: string,
  flags: PublishFlags,
  maxTopicLevels = DEFAULT_MAX_TOPIC_LEVELS,
): AclDecision {
  if (deviceId !== null && !isDeviceId(deviceId)) return deny('publisher is not a valid device id');
  const shape = checkShape(topic, maxTopicLevels, 'publish topic');
  if (!shape.allowed) return shape;
  if (flags.qos !== 0 && flags.qos !== 1) return deny(`QoS ${flags.qos} is not used by protocol v1`);
  const parsed = parseTopic(topic);
  if (!parsed) return deny('not a protocol v1 topic');
  const rule = TOPIC_RULES[parsed.kind];
  if (deviceId === null) {
    if (rule.from !== 'fleet') return deny(`the fleet does not publish ${parsed.kind}`);
  } else {
    if (parsed.deviceId !== deviceId) return deny('topic of another device');
    if (rule.from !== 'device') return deny(`a device does not publish ${parsed.kind}`);
  }
  if (flags.retain && !rule.retained) return deny(`${parsed.kind} is not retained`);
  return ALLOWED;
}

/**
 * May `deviceId` subscribe to `filter`? Only its own fleet→device topics, named exactly: no
 * wildcards, so a device can never match (or receive retained messages of) another device.
 * Also used again on every delivery, where `filter` is the concrete topic.
 */
export function authorizeSubscribe(
  deviceId: string,
  filter: string,
  maxTopicLevels = DEFAULT_MAX_TOPIC_LEVELS,
): AclDecision {
  if (!isDeviceId(deviceId)) return deny('subscriber is not a valid device id');
  const shape = checkShape(filter, maxTopicLevels, 'subscription filter');
  if (!shape.allowed) return shape;
  const parsed = parseTopic(filter);
  if (!parsed) return deny('not a protocol v1 topic');
  if (parsed.deviceId !== deviceId) return deny('topic of another device');
  if (TOPIC_RULES[parsed.kind].from !== 'fleet') return deny(`${parsed.kind} is not delivered to devices`);
  return ALLOWED;
}
