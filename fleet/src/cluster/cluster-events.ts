import { deviceTopic, parseMessage, type CommandResult } from '@gatecast/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ALERT_RULES, type AlertRule } from '../alerts/alert-types.js';
import type { FleetEvents } from '../devices/fleet-events.js';

/** One channel for the whole cluster; a Redis URL names its own database, so fleets never mix. */
export const CLUSTER_CHANNEL = 'gatecast:cluster';

/** What the processes of a cluster tell each other; `origin` is the sender's process id. */
export type ClusterMessage =
  | { origin: string; kind: 'device-changed'; deviceId: string }
  | { origin: string; kind: 'kick'; deviceId: string }
  | { origin: string; kind: 'command-result'; deviceId: string; result: CommandResult }
  | { origin: string; kind: 'alert-acknowledged'; deviceId: string; rule: AlertRule; alertId: string }
  | { origin: string; kind: 'alert-policies-changed' }
  | { origin: string; kind: 'rollouts-changed' };

export type ClusterMessageKind = ClusterMessage['kind'];
type Handler<K extends ClusterMessageKind> = (message: Extract<ClusterMessage, { kind: K }>) => void;

/**
 * The processes' channel on Redis. FleetEvents travel on it, so a change stored by one process
 * wakes the dashboard streams, the alert engine and the rollout engine of all; so do kicks (a
 * revoked screen is cut off whichever process holds it) and command results (the screen answers
 * the process it is connected to, the command waits in the process that sent it). A process
 * ignores its own messages; what comes from Redis is never relayed again.
 */
export class ClusterEvents {
  private readonly log: Logger;
  private readonly handlers = new Map<ClusterMessageKind, (message: ClusterMessage) => void>();

  constructor(
    private readonly deps: {
      events: FleetEvents;
      processId: string;
      publisher: Redis;
      /** A connection of its own: a subscribed Redis connection can do nothing else. */
      subscriber: Redis;
      log: Logger;
    },
  ) {
    this.log = deps.log.child({ mod: 'cluster-events' });
  }

  async start(): Promise<void> {
    const { events, subscriber } = this.deps;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === CLUSTER_CHANNEL) this.receive(text);
    });
    await subscriber.subscribe(CLUSTER_CHANNEL);
    events.relayTo((deviceId) => this.publish({ kind: 'device-changed', deviceId }));
  }

  /** What this process does with one kind of message from the others (one handler per kind). */
  on<K extends Exclude<ClusterMessageKind, 'device-changed'>>(kind: K, handler: Handler<K>): void {
    this.handlers.set(kind, handler as (message: ClusterMessage) => void);
  }

  /** Tells every other process; fire and forget (the store stays right; a live view may miss one update). */
  publish(message: DistributiveOmit<ClusterMessage, 'origin'>): void {
    const text = JSON.stringify({ origin: this.deps.processId, ...message });
    this.deps.publisher
      .publish(CLUSTER_CHANNEL, text)
      .catch((error: Error) => this.log.warn({ kind: message.kind, err: error.message }, 'not relayed'));
  }

  stop(): void {
    this.deps.events.relayTo(null);
    this.handlers.clear();
  }

  private receive(text: string): void {
    const message = parseClusterMessage(text);
    if (!message) return this.log.warn({ text: text.slice(0, 200) }, 'unreadable cluster message ignored');
    if (message.origin === this.deps.processId) return;
    try {
      if (message.kind === 'device-changed') this.deps.events.deviceChangedElsewhere(message.deviceId);
      else this.handlers.get(message.kind)?.(message);
    } catch (error) {
      this.log.error({ kind: message.kind, err: (error as Error).message }, 'cluster message failed');
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Reads a message of the channel; a command result is checked as the broker checks a screen's. */
export function parseClusterMessage(text: string): ClusterMessage | null {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { origin, kind, deviceId } = value;
  if (typeof origin !== 'string') return null;
  if (kind === 'alert-policies-changed' || kind === 'rollouts-changed') return { origin, kind };
  if (typeof deviceId !== 'string') return null;
  if (kind === 'device-changed' || kind === 'kick') return { origin, kind, deviceId };
  if (kind === 'alert-acknowledged') {
    const { rule, alertId } = value;
    if (typeof alertId !== 'string' || !ALERT_RULES.includes(rule as AlertRule)) return null;
    return { origin, kind, deviceId, rule: rule as AlertRule, alertId };
  }
  if (kind !== 'command-result') return null;
  try {
    const parsed = parseMessage(deviceTopic(deviceId, 'cmd/res'), JSON.stringify(value.result ?? null));
    if (!parsed.ok || parsed.kind !== 'cmd/res') return null;
    return { origin, kind, deviceId, result: parsed.payload };
  } catch {
    return null; // not a device id
  }
}
