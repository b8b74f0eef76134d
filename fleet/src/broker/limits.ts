import { TOPIC_RULES, TOPIC_KINDS } from '@gatecast/protocol';
import type { BrokerLimits } from './broker.js';

export const DEFAULT_LIMITS: BrokerLimits = {
  maxConnectBytes: 4096,
  maxPacketBytes: 512 * 1024,
  connectTimeoutMs: 10_000,
  maxTopicLevels: 8,
  maxInflight: 100,
};

/** Aedes clamps topic levels to 100 because its topic matcher throws past that. */
const AEDES_MAX_TOPIC_LEVELS = 100;

/** Fills defaults and rejects limits that would make the broker unsafe or unusable. */
export function resolveLimits(partial: Partial<BrokerLimits> = {}): BrokerLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(`broker limit ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if (limits.maxTopicLevels > AEDES_MAX_TOPIC_LEVELS) {
    throw new Error(`broker limit maxTopicLevels must be at most ${AEDES_MAX_TOPIC_LEVELS}`);
  }
  if (limits.maxPacketBytes < limits.maxConnectBytes) {
    throw new Error('broker limit maxPacketBytes must not be below maxConnectBytes');
  }
  return limits;
}

/** The largest payload the protocol accepts on any topic, to warn about a packet cap below it. */
export function largestProtocolPayload(): number {
  return Math.max(...TOPIC_KINDS.map((kind) => TOPIC_RULES[kind].maxPayloadBytes));
}
