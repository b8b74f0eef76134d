import type { z } from 'zod';
import type { ErrorCode } from './error-codes.js';
import {
  TOPIC_RULES,
  TOPIC_SCHEMAS,
  parseTopic,
  type TopicKind,
  type TopicPayload,
  type TopicPayloadInput,
} from './topics.js';

export type ParsedMessage = {
  [K in TopicKind]: { ok: true; deviceId: string; kind: K; payload: TopicPayload<K> };
}[TopicKind];

export interface RejectedMessage {
  ok: false;
  code: ErrorCode;
  /** One line that names the offending field, for logs and command results. */
  reason: string;
  deviceId?: string;
  kind?: TopicKind;
}

/** "a.b[2].c: message; …" — short enough for one log line, precise enough to fix the sender. */
export function describeZodError(error: z.ZodError, limit = 5): string {
  const parts = error.issues.slice(0, limit).map((issue) => {
    const path = issue.path.length > 0 ? formatPath(issue.path) : '(root)';
    return `${path}: ${issue.message}`;
  });
  if (error.issues.length > limit) parts.push(`and ${error.issues.length - limit} more`);
  return parts.join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`,
    )
    .join('');
}

/** Parses one payload of a known kind; used where the topic was already checked. */
export function parsePayload<K extends TopicKind>(
  kind: K,
  payload: Buffer | string,
): { ok: true; payload: TopicPayload<K> } | RejectedMessage {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const limit = TOPIC_RULES[kind].maxPayloadBytes;
  if (size > limit) {
    return { ok: false, kind, code: 'PAYLOAD_TOO_LARGE', reason: `payload is ${size} bytes, limit ${limit}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString());
  } catch (error) {
    return { ok: false, kind, code: 'INVALID_JSON', reason: (error as Error).message };
  }
  const result = TOPIC_SCHEMAS[kind].safeParse(json);
  if (!result.success) {
    return { ok: false, kind, code: 'INVALID_PAYLOAD', reason: describeZodError(result.error) };
  }
  return { ok: true, payload: result.data as TopicPayload<K> };
}

/** Parse once where a message arrives: topic, size, JSON, schema, and device consistency. */
export function parseMessage(topic: string, payload: Buffer | string): ParsedMessage | RejectedMessage {
  const parsedTopic = parseTopic(topic);
  if (!parsedTopic) return { ok: false, code: 'INVALID_TOPIC', reason: `not a protocol v1 topic: ${topic}` };
  const { deviceId, kind } = parsedTopic;
  const parsed = parsePayload(kind, payload);
  if (!parsed.ok) return { ...parsed, deviceId };
  const body = parsed.payload as { deviceId?: unknown };
  if (kind === 'desired' && body.deviceId !== deviceId) {
    return {
      ok: false,
      deviceId,
      kind,
      code: 'DEVICE_MISMATCH',
      reason: `deviceId is ${String(body.deviceId)}`,
    };
  }
  return { ok: true, deviceId, kind, payload: parsed.payload } as ParsedMessage;
}

/** Validates and serialises an outgoing payload; a failure here is a bug in the sender. */
export function encodePayload<K extends TopicKind>(kind: K, value: TopicPayloadInput<K>): string {
  const result = TOPIC_SCHEMAS[kind].safeParse(value);
  if (!result.success) throw new Error(`invalid ${kind} payload: ${describeZodError(result.error)}`);
  return JSON.stringify(result.data);
}
