import type { z } from 'zod';
import { isDeviceId } from './device-id.js';
import {
  commandRequestSchema,
  commandResultSchema,
  desiredSchema,
  eventSchema,
  reportedSchema,
  statusSchema,
  telemetrySchema,
} from './messages.js';

export const PROTOCOL_VERSION = 'v1';
export const TOPIC_ROOT = `gatecast/${PROTOCOL_VERSION}/devices`;

export const TOPIC_KINDS = [
  'status',
  'desired',
  'reported',
  'telemetry',
  'events',
  'cmd/req',
  'cmd/res',
] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

export interface TopicRule {
  /** Who publishes on this topic; the other side only subscribes. */
  from: 'device' | 'fleet';
  retained: boolean;
  qos: 0 | 1;
  /** Largest accepted payload; the broker's frame limit is a looser outer bound. */
  maxPayloadBytes: number;
  what: string;
}

export const TOPIC_RULES: Record<TopicKind, TopicRule> = {
  status: {
    from: 'device',
    retained: true,
    qos: 1,
    maxPayloadBytes: 1024,
    what: 'online / offline; also the last will',
  },
  desired: {
    from: 'fleet',
    retained: true,
    qos: 1,
    maxPayloadBytes: 256 * 1024,
    what: 'the full desired document with a monotonic version',
  },
  reported: {
    from: 'device',
    retained: true,
    qos: 1,
    maxPayloadBytes: 64 * 1024,
    what: 'applied version, phase, current item, errors',
  },
  telemetry: {
    from: 'device',
    retained: false,
    // QoS 1: a sample written into a link that has died unnoticed is sent again after the reconnect.
    qos: 1,
    maxPayloadBytes: 16 * 1024,
    what: 'one health sample',
  },
  events: {
    from: 'device',
    retained: false,
    qos: 1,
    maxPayloadBytes: 16 * 1024,
    what: 'proof of play, recoveries, errors',
  },
  'cmd/req': {
    from: 'fleet',
    retained: false,
    qos: 1,
    maxPayloadBytes: 64 * 1024,
    what: 'a one-off command with a correlation id',
  },
  'cmd/res': {
    from: 'device',
    retained: false,
    qos: 1,
    maxPayloadBytes: 64 * 1024,
    what: 'the command result, same correlation id',
  },
};

export const TOPIC_SCHEMAS = {
  status: statusSchema,
  desired: desiredSchema,
  reported: reportedSchema,
  telemetry: telemetrySchema,
  events: eventSchema,
  'cmd/req': commandRequestSchema,
  'cmd/res': commandResultSchema,
} as const satisfies Record<TopicKind, z.ZodType>;

/** The parsed payload type of each topic kind. */
export type TopicPayload<K extends TopicKind> = z.infer<(typeof TOPIC_SCHEMAS)[K]>;
/** What a sender may pass before defaults are filled in. */
export type TopicPayloadInput<K extends TopicKind> = z.input<(typeof TOPIC_SCHEMAS)[K]>;

export function deviceTopic(deviceId: string, kind: TopicKind): string {
  if (!isDeviceId(deviceId)) throw new Error(`invalid device id: ${JSON.stringify(deviceId)}`);
  return `${TOPIC_ROOT}/${deviceId}/${kind}`;
}

/** A filter matching one kind of topic for every device, for the fleet's own subscriptions. */
export function allDevicesFilter(kind: TopicKind): string {
  return `${TOPIC_ROOT}/+/${kind}`;
}

export interface ParsedTopic {
  deviceId: string;
  kind: TopicKind;
}

const TOPIC_PREFIX = `${TOPIC_ROOT}/`;

/** Splits a concrete topic into device id and kind; null for anything outside protocol v1. */
export function parseTopic(topic: string): ParsedTopic | null {
  if (!topic.startsWith(TOPIC_PREFIX)) return null;
  const rest = topic.slice(TOPIC_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return null;
  const deviceId = rest.slice(0, slash);
  const kind = rest.slice(slash + 1);
  if (!isDeviceId(deviceId) || !isTopicKind(kind)) return null;
  return { deviceId, kind };
}

export function isTopicKind(value: string): value is TopicKind {
  return (TOPIC_KINDS as readonly string[]).includes(value);
}
