import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Aedes, type Client } from 'aedes';
import type { Logger } from 'pino';
import { GatecastError, type ParsedMessage, type TopicPayloadInput } from '@gatecast/protocol';
import { createHooks, type HookCounters } from './aedes-hooks.js';
import { FrameGuard } from './frame-guard.js';
import { clearRetainedMessages, prepareFleetMessage, type FleetMessage } from './fleet-publish.js';
import { largestProtocolPayload, resolveLimits } from './limits.js';
import { openListeners, type Listeners } from './listeners.js';
import { indexRetainedMessages, type RetainedPersistence } from './retained-index.js';
import { Sessions } from './sessions.js';

export interface BrokerLimits {
  /** Largest packet accepted before the CONNECT is accepted (default 4096). */
  maxConnectBytes: number;
  /** Largest packet after (default 512 KiB). */
  maxPacketBytes: number;
  /** A socket without an accepted CONNECT by then is closed (default 10 s). */
  connectTimeoutMs: number;
  /** Deepest topic accepted (default 8). */
  maxTopicLevels: number;
  /** Packets a client may have queued before its session is up, and inbound QoS 2 in flight (default 100). */
  maxInflight: number;
}

export interface DeviceAuthenticator {
  /** true when `secret` is this device's current secret; sync or async (store lookup). */
  authenticate(deviceId: string, secret: Buffer): boolean | Promise<boolean>;
}

export type DisconnectCause = 'clean' | 'error' | 'keepalive' | 'kicked' | 'replaced' | 'shutdown';

export interface BrokerHandlers {
  /** Every accepted device→fleet message (status, reported, telemetry, events, cmd/res), parsed once. Includes wills. */
  onDeviceMessage(message: ParsedMessage): void;
  /**
   * Optional: called after onDeviceMessage; the broker acknowledges the message (and reads that
   * device's next packets) only once `done` runs, so a store can commit a burst in one transaction.
   */
  whenStored?(done: () => void): void;
  onDeviceConnected(deviceId: string): void;
  /** Not called for a session that was replaced by a newer connection of the same device (cause 'replaced' only logged). */
  onDeviceDisconnected(deviceId: string, cause: DisconnectCause): void;
}

/**
 * Several processes as one broker (cluster/redis-broker-backend.ts). Without one, Aedes keeps
 * everything in memory and the broker stands alone.
 */
export interface BrokerBackend {
  /** Aedes' id in the cluster; stable per process so its $SYS topics and wills are recognised. */
  id: string;
  /** A fresh emitter and persistence for one start; Aedes closes the emitter, `close` the rest. */
  open(): { mq: unknown; persistence: unknown; close(): Promise<void> };
}

export interface BrokerOptions {
  log: Logger;
  authenticator: DeviceAuthenticator;
  handlers: BrokerHandlers;
  limits?: Partial<BrokerLimits>;
  /** port 0 = ephemeral */
  tcp: { host?: string; port: number };
  tls?: { host?: string; port: number; cert: string | Buffer; key: string | Buffer };
  backend?: BrokerBackend;
}

export interface BrokerStats {
  connectedDevices: number;
  rejectedConnects: number;
  rejectedPublishes: number;
  droppedMessages: number;
  guardClosures: number;
}

export interface Broker {
  start(): Promise<{ mqttPort: number; mqttsPort: number | null }>;
  stop(): Promise<void>;
  /** Fleet→device publish (desired is retained, cmd/req is not: from TOPIC_RULES); validates with encodePayload. */
  publishToDevice<K extends 'desired' | 'cmd/req'>(
    deviceId: string,
    kind: K,
    payload: TopicPayloadInput<K>,
  ): Promise<void>;
  /** Removes every retained message of a device (for a removed device). */
  clearRetained(deviceId: string): Promise<void>;
  /** Disconnects the device's session now (revocation); true if it was connected. */
  kick(deviceId: string): boolean;
  isConnected(deviceId: string): boolean;
  connectedDeviceIds(): string[];
  stats(): BrokerStats;
}

export function createBroker(options: BrokerOptions): Broker {
  return new GatecastBroker(options);
}

/** A slow subscriber is cut off after this, so it cannot stall deliveries to others. */
const DRAIN_TIMEOUT_MS = 10_000;
const HEARTBEAT_INTERVAL_MS = 60_000;
const TCP_KEEPALIVE_MS = 60_000;

interface Running {
  aedes: Aedes;
  listeners: Listeners;
  connections: Set<FrameGuard>;
  backend: ReturnType<BrokerBackend['open']> | null;
}

/** Aedes tells every process of a cluster which broker took a client id: `$SYS/<broker id>/new/clients`. */
const NEW_CLIENTS_TOPIC = '$SYS/+/new/clients';

class GatecastBroker implements Broker {
  private readonly log: Logger;
  private readonly options: BrokerOptions;
  private readonly limits: BrokerLimits;
  private readonly sessions = new Sessions();
  private readonly counters: HookCounters = { rejectedConnects: 0, rejectedPublishes: 0, droppedMessages: 0 };
  private guardClosures = 0;
  private running: Running | null = null;
  private stopping = false;

  constructor(options: BrokerOptions) {
    this.options = options;
    this.log = options.log.child({ mod: 'broker' });
    this.limits = resolveLimits(options.limits);
  }

  async start(): Promise<{ mqttPort: number; mqttsPort: number | null }> {
    if (this.running) throw new Error('broker already started');
    if (this.limits.maxPacketBytes < largestProtocolPayload()) {
      this.log.warn(
        { maxPacketBytes: this.limits.maxPacketBytes },
        'packet limit is below the largest payload',
      );
    }
    this.stopping = false;
    const backend = this.options.backend?.open() ?? null;
    const aedes = this.createAedes(backend);
    const connections = new Set<FrameGuard>();
    try {
      await aedes.listen();
      // Only Aedes' own in-memory store scans every retained message per SUBSCRIBE; Redis's does not.
      // Aedes' types omit the persistence it creates in listen().
      if (!backend)
        indexRetainedMessages((aedes as unknown as { persistence: RetainedPersistence }).persistence);
      const listeners = await openListeners({
        log: this.log,
        tcp: this.options.tcp,
        tls: this.options.tls,
        handshakeTimeoutMs: this.limits.connectTimeoutMs,
        onSocket: (socket) => this.accept(aedes, connections, socket),
      });
      this.running = { aedes, listeners, connections, backend };
      this.log.info({ mqttPort: listeners.mqttPort, mqttsPort: listeners.mqttsPort }, 'broker listening');
      return { mqttPort: listeners.mqttPort, mqttsPort: listeners.mqttsPort };
    } catch (error) {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await backend?.close();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.stopping = true;
    const { aedes, listeners, connections, backend } = running;
    const closed = listeners.close();
    for (const id of this.sessions.deviceIds()) {
      const { connected } = this.sessions.sessionsOf(id);
      if (connected) this.sessions.markCause(connected, 'shutdown');
    }
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    // Sockets that never authenticated are not Aedes clients; close them too.
    for (const connection of connections) connection.destroy();
    await closed;
    await backend?.close();
    aedes.removeAllListeners();
    this.sessions.clear();
    this.running = null;
    this.log.info('broker stopped');
  }

  async publishToDevice<K extends 'desired' | 'cmd/req'>(
    deviceId: string,
    kind: K,
    payload: TopicPayloadInput<K>,
  ): Promise<void> {
    const { aedes } = this.requireRunning();
    await publish(aedes, prepareFleetMessage(deviceId, kind, payload, this.limits.maxTopicLevels));
  }

  async clearRetained(deviceId: string): Promise<void> {
    const { aedes } = this.requireRunning();
    // An empty retained payload deletes the retained message (MQTT-3.3.1-10).
    for (const message of clearRetainedMessages(deviceId)) await publish(aedes, message);
    this.log.info({ deviceId }, 'retained messages cleared');
  }

  kick(deviceId: string): boolean {
    // Also refuses a CONNECT of this device whose secret lookup is still in flight.
    this.sessions.kicked(deviceId);
    const { connected, connecting } = this.sessions.sessionsOf(deviceId);
    for (const client of [connected, connecting]) {
      if (!client || client.closed) continue;
      this.sessions.markCause(client, 'kicked');
      client.close();
    }
    if (connected) this.log.info({ deviceId }, 'device kicked');
    return connected !== undefined;
  }

  isConnected(deviceId: string): boolean {
    return this.sessions.isConnected(deviceId);
  }

  connectedDeviceIds(): string[] {
    return this.sessions.deviceIds();
  }

  stats(): BrokerStats {
    return { connectedDevices: this.sessions.size, ...this.counters, guardClosures: this.guardClosures };
  }

  private requireRunning(): Running {
    if (!this.running || this.stopping) throw new GatecastError('UNAVAILABLE', 'broker is not running');
    return this.running;
  }

  private createAedes(backend: Running['backend']): Aedes {
    const limits = this.limits;
    const aedes = new Aedes({
      ...(backend ? { id: this.options.backend?.id, mq: backend.mq, persistence: backend.persistence } : {}),
      ...createHooks({
        log: this.log,
        limits,
        authenticator: this.options.authenticator,
        handlers: this.options.handlers,
        sessions: this.sessions,
        counters: this.counters,
      }),
      // The frame guard's timer is the one that fires; Aedes' own is a backstop.
      connectTimeout: limits.connectTimeoutMs + 1_000,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      drainTimeout: DRAIN_TIMEOUT_MS,
      queueLimit: limits.maxInflight,
      maxInflightInbound: limits.maxInflight,
      maxTopicLevels: limits.maxTopicLevels,
      // Device ids are up to 64 characters; only MQTT 3.1 clients are held to this.
      maxClientsIdLength: 64,
    });
    this.observe(aedes);
    if (backend) this.observeCluster(aedes);
    return aedes;
  }

  /**
   * A screen that reconnects to another process: Aedes there announces it and Aedes here closes
   * the older session. Marked first, so that end is 'replaced' (no offline, no will) as it is
   * when both connections land on this process. Subscribed before Aedes' own handler, so it runs first.
   */
  private observeCluster(aedes: Aedes): void {
    const mq = (aedes as unknown as { mq: { on(topic: string, listener: NewClientListener): void } }).mq;
    mq.on(NEW_CLIENTS_TOPIC, (packet, done) => {
      const brokerId = packet.topic.split('/')[1];
      const { connected } = this.sessions.sessionsOf(packet.payload.toString());
      if (connected && brokerId !== aedes.id) this.sessions.markCause(connected, 'replaced');
      done();
    });
  }

  private observe(aedes: Aedes): void {
    aedes.on('clientReady', (client) => {
      this.sessions.ready(client);
      this.log.info({ deviceId: client.id }, 'device connected');
      this.callHandler('onDeviceConnected', () => this.options.handlers.onDeviceConnected(client.id));
    });
    aedes.on('clientDisconnect', (client) => this.onClientGone(client));
    aedes.on('keepaliveTimeout', (client) => this.sessions.markCause(client, 'keepalive'));
    aedes.on('clientError', (client, error) => {
      this.log.debug({ deviceId: client.id, reason: error.message }, 'client error');
    });
    aedes.on('connectionError', (client, error) => {
      const remote = client.conn instanceof FrameGuard ? client.conn.remoteAddress : undefined;
      this.log.info({ remote, reason: error.message }, 'connection closed before CONNECT completed');
    });
    // Aedes emits 'error' for persistence failures; an unhandled 'error' event would crash the fleet.
    const emitter: EventEmitter = aedes;
    emitter.on('error', (error: unknown) => this.log.error({ err: error }, 'broker error'));
  }

  private onClientGone(client: Client): void {
    const clean = client.conn instanceof FrameGuard && client.conn.disconnectRequested;
    const { wasConnected, cause } = this.sessions.end(client, clean ? 'clean' : 'error');
    if (!wasConnected) return;
    if (cause === 'replaced') {
      this.log.info({ deviceId: client.id }, 'session replaced by a newer connection');
      return;
    }
    this.log.info({ deviceId: client.id, cause }, 'device disconnected');
    this.callHandler('onDeviceDisconnected', () =>
      this.options.handlers.onDeviceDisconnected(client.id, cause),
    );
  }

  private accept(aedes: Aedes, connections: Set<FrameGuard>, socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, TCP_KEEPALIVE_MS);
    const guard = new FrameGuard(socket, {
      ...this.limits,
      onReject: (reason) => {
        this.guardClosures += 1;
        this.log.warn({ remote: guard.remoteAddress, reason }, 'connection closed by frame guard');
      },
    });
    connections.add(guard);
    guard.once('close', () => connections.delete(guard));
    guard.start();
    const client = aedes.handle(guard);
    guard.once('close', () => this.sessions.abandoned(client));
  }

  private callHandler(name: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.log.error({ err: error, handler: name }, 'broker handler threw');
    }
  }
}

type NewClientListener = (packet: { topic: string; payload: Buffer }, done: () => void) => void;

function publish(aedes: Aedes, message: FleetMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    aedes.publish({ cmd: 'publish', dup: false, ...message }, (error) => (error ? reject(error) : resolve()));
  });
}
