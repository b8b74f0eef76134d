import { readFile } from 'node:fs/promises';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  TOPIC_RULES,
  deviceTopic,
  encodePayload,
  parseMessage,
  type AgentConfig,
  type ParsedMessage,
  type RejectedMessage,
  type TopicKind,
  type TopicPayloadInput,
} from '@gatecast/protocol';
import type { Clock } from '../lib/clock.js';
import {
  afterConnection,
  initialBackoff,
  nextBackoff,
  type BackoffPolicy,
  type BackoffState,
} from './backoff.js';
import type { EventQueue } from '../events/durable-queue.js';
import { disconnectCleanly } from './clean-disconnect.js';
import { Outbox, type QueuedKind } from './outbox.js';

/** Health samples and command results matter less later; events never wait here (see `events`). */
const OUTBOX_CAPS: Record<QueuedKind, number> = { events: 0, telemetry: 120, 'cmd/res': 50 };
const SHUTDOWN_STEP_MS = 3_000;
const CONNECT_TIMEOUT_MS = 30_000;

export interface MqttLinkOptions {
  config: AgentConfig;
  agentVersion: string;
  log: Logger;
  clock: Clock;
  random?: () => number;
  /** Events go to disk first and leave only through this queue, which removes them on PUBACK. */
  events: EventQueue;
  /** A message on one of the agent's own inbound topics that passed `parseMessage`. */
  onMessage(message: ParsedMessage): void;
  /** A message that failed `parseMessage`, with its raw bytes (a bad command still gets an answer). */
  onRejected(rejected: RejectedMessage, raw: Buffer): void;
  /** After every (re)connect, once subscriptions and retained state are sent. */
  onConnected(): void;
}

export interface MqttLink {
  start(): Promise<void>;
  /** Publishes `offline` itself, then disconnects cleanly so the broker discards the will. */
  stop(): Promise<void>;
  /** The latest reported state; published now if connected, and again after every reconnect. */
  setReported(reported: TopicPayloadInput<'reported'>): void;
  /** Events: into the durable queue. Others: published now if connected, else queued in memory (bounded). */
  send<K extends QueuedKind>(kind: K, payload: TopicPayloadInput<K>): void;
  readonly connected: boolean;
}

export function createMqttLink(options: MqttLinkOptions): MqttLink {
  return new Link(options);
}

class Link implements MqttLink {
  private readonly log: Logger;
  private readonly policy: BackoffPolicy;
  private readonly outbox = new Outbox(OUTBOX_CAPS);
  private readonly random: () => number;
  private client: MqttClient | null = null;
  private backoff: BackoffState;
  private timer: NodeJS.Timeout | null = null;
  /** True from the moment a socket is opened until its close: never two attempts at once. */
  private attemptOpen = false;
  /** Monotonic time of the last CONNACK: wall-clock jumps must not reset the backoff. */
  private connectedAt: number | null = null;
  private stopping = false;
  private reported: string | null = null;

  constructor(private readonly options: MqttLinkOptions) {
    const { mqtt } = options.config;
    this.log = options.log.child({ mod: 'link' });
    this.random = options.random ?? Math.random;
    // Two keepalives without a drop means pings went both ways: the link itself works.
    this.policy = {
      minMs: mqtt.reconnectMinMs,
      maxMs: mqtt.reconnectMaxMs,
      stableMs: 2_000 * mqtt.keepaliveSec,
    };
    this.backoff = initialBackoff(this.policy);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    if (this.client) return;
    const { caFile } = this.options.config.mqtt;
    const ca = caFile ? await readFile(caFile) : undefined;
    if (this.stopping) return;
    this.log.info({ url: this.options.config.mqtt.url }, 'connecting');
    this.attemptOpen = true;
    const client = connect(this.options.config.mqtt.url, this.clientOptions(ca));
    client.on('connect', () => this.onConnect());
    client.on('close', () => this.onClose());
    client.on('error', (error) => this.log.warn({ err: error.message }, 'link error'));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.client = client;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.options.events.pause();
    const client = this.client;
    if (!client) return;
    const offline = encodePayload('status', { state: 'offline', at: this.now(), agentVersion: this.version });
    const clean = await disconnectCleanly(
      client,
      { topic: this.topic('status'), payload: offline },
      SHUTDOWN_STEP_MS,
    );
    if (!clean) this.log.warn('link down at stop: no goodbye sent, the will covers it');
    client.removeAllListeners('message');
    this.log.info('link stopped');
  }

  setReported(reported: TopicPayloadInput<'reported'>): void {
    const payload = this.encode('reported', reported);
    if (payload === null) return;
    this.reported = payload;
    if (this.connected) this.publish('reported', payload);
  }

  send<K extends QueuedKind>(kind: K, payload: TopicPayloadInput<K>): void {
    const encoded = this.encode(kind, payload);
    if (encoded === null) return;
    if (kind === 'events') {
      void this.options.events.append({ id: (payload as { id: string }).id, payload: encoded });
      return;
    }
    if (this.connected) this.publish(kind, encoded);
    else this.outbox.push({ kind, payload: encoded });
  }

  private clientOptions(ca: Buffer | undefined): IClientOptions {
    const { deviceId, secret, mqtt } = this.options.config;
    return {
      protocolVersion: 4,
      clientId: deviceId,
      username: deviceId,
      password: secret,
      clean: true,
      keepalive: mqtt.keepaliveSec,
      // We drive reconnects ourselves, with jittered backoff.
      reconnectPeriod: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
      queueQoSZero: false,
      resubscribe: false,
      will: {
        topic: this.topic('status'),
        payload: Buffer.from(encodePayload('status', { state: 'offline' })),
        qos: 1,
        retain: true,
      },
      ...(ca ? { ca } : {}),
    };
  }

  private onConnect(): void {
    this.connectedAt = performance.now();
    this.log.info({ attempts: this.backoff.attempt }, 'connected');
    const inbound = [this.topic('desired'), this.topic('cmd/req')];
    this.client?.subscribe(inbound, { qos: 1 }, (error, granted) => {
      if (error) return this.log.warn({ err: error.message }, 'subscribe failed');
      const refused = (granted ?? []).filter((grant) => grant.qos === 128).map((grant) => grant.topic);
      if (refused.length > 0) this.log.error({ refused }, 'broker refused subscriptions');
    });
    const online = { state: 'online', at: this.now(), agentVersion: this.version } as const;
    this.publish('status', encodePayload('status', online));
    if (this.reported !== null) this.publish('reported', this.reported);
    this.flushOutbox();
    this.options.events.resume((payload) => this.publishEvent(payload));
    this.options.onConnected();
  }

  private onClose(): void {
    this.attemptOpen = false;
    this.options.events.pause();
    const upForMs = this.connectedAt === null ? 0 : Math.round(performance.now() - this.connectedAt);
    if (this.connectedAt !== null && !this.stopping) this.log.warn({ upForMs }, 'disconnected');
    this.connectedAt = null;
    this.backoff = afterConnection(this.policy, this.backoff, upForMs);
    if (!this.stopping) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.timer || this.attemptOpen || this.stopping) return;
    const { delayMs, state } = nextBackoff(this.policy, this.backoff, this.random);
    this.backoff = state;
    this.log.info({ delayMs, attempt: state.attempt }, 'reconnect scheduled');
    this.timer = setTimeout(() => {
      this.timer = null;
      const client = this.client;
      if (this.stopping || !client) return;
      this.attemptOpen = true;
      // Keep the stores: QoS 1 messages in flight when the link dropped are sent again.
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, delayMs);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseMessage(topic, payload);
    if (!parsed.ok) {
      this.log.warn({ topic, code: parsed.code, reason: parsed.reason }, 'dropped inbound message');
      if (parsed.deviceId === this.options.config.deviceId) this.options.onRejected(parsed, payload);
      return;
    }
    if (parsed.deviceId !== this.options.config.deviceId || TOPIC_RULES[parsed.kind].from !== 'fleet') {
      this.log.warn({ topic }, 'dropped message on a topic the agent does not read');
      return;
    }
    try {
      this.options.onMessage(parsed);
    } catch (error) {
      this.log.error({ err: (error as Error).message, topic }, 'message handler failed');
    }
  }

  private flushOutbox(): void {
    const { messages, dropped } = this.outbox.drain();
    if (Object.keys(dropped).length > 0) this.log.warn({ dropped }, 'dropped queued messages while offline');
    if (messages.length > 0) this.log.info({ count: messages.length }, 'sending queued messages');
    for (const message of messages) this.publish(message.kind, message.payload);
  }

  private publish(kind: TopicKind, payload: string): void {
    const rule = TOPIC_RULES[kind];
    this.client?.publish(this.topic(kind), payload, { qos: rule.qos, retain: rule.retained }, (error) => {
      if (error && !this.stopping) this.log.warn({ kind, err: error.message }, 'publish failed');
    });
  }

  /** Resolves on PUBACK: only then may the queue forget the event. */
  private async publishEvent(payload: string): Promise<void> {
    const client = this.client;
    if (!client?.connected) throw new Error('not connected');
    await client.publishAsync(this.topic('events'), payload, { qos: 1, retain: false });
  }

  private encode<K extends TopicKind>(kind: K, payload: TopicPayloadInput<K>): string | null {
    try {
      return encodePayload(kind, payload);
    } catch (error) {
      // A bug in the agent, not bad input: log it loudly, keep running.
      this.log.error({ kind, err: (error as Error).message }, 'refused to send an invalid payload');
      return null;
    }
  }

  private topic(kind: TopicKind): string {
    return deviceTopic(this.options.config.deviceId, kind);
  }

  private get version(): string {
    return this.options.agentVersion;
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }
}
