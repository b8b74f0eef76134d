import net from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { pino, type Logger } from 'pino';
import type { DesiredDocumentInput, ParsedMessage } from '@gatecast/protocol';
import {
  createBroker,
  type Broker,
  type BrokerLimits,
  type BrokerOptions,
  type DeviceAuthenticator,
  type DisconnectCause,
} from '../../../src/broker/broker.js';

export type LogLine = Record<string, unknown> & { msg: string };

/** A real pino logger whose lines the test can read back. */
export function captureLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

/** The store is another module's; a map of device id → secret stands in for it. */
export class FixtureAuthenticator implements DeviceAuthenticator {
  readonly secrets = new Map<string, string>();
  async = false;

  authenticate(deviceId: string, secret: Buffer): boolean | Promise<boolean> {
    const ok = this.secrets.get(deviceId) === secret.toString();
    return this.async ? new Promise((resolve) => setTimeout(() => resolve(ok), 5)) : ok;
  }
}

export interface Harness {
  broker: Broker;
  port: number;
  mqttsPort: number | null;
  auth: FixtureAuthenticator;
  lines: LogLine[];
  messages: ParsedMessage[];
  connected: string[];
  disconnected: Array<{ deviceId: string; cause: DisconnectCause }>;
  clients: MqttClient[];
  sockets: net.Socket[];
  /** Connects a device with MQTT.js; resolves once CONNACK accepted it. */
  device(deviceId: string, options?: IClientOptions): Promise<MqttClient>;
  /** Tries to connect; resolves with the CONNACK refusal code, or 0 when accepted. */
  tryConnect(options: IClientOptions): Promise<number>;
  rawSocket(): Promise<net.Socket>;
  close(): Promise<void>;
}

export const DEVICES = ['gate-a-screen-01', 'gate-b-screen-02', 'gate-c-screen-03'] as const;

export async function startHarness(
  overrides: {
    limits?: Partial<BrokerLimits>;
    tls?: BrokerOptions['tls'];
    onDeviceMessage?: () => void;
    whenStored?: (done: () => void) => void;
  } = {},
): Promise<Harness> {
  const { log, lines } = captureLogger();
  const auth = new FixtureAuthenticator();
  for (const id of DEVICES) auth.secrets.set(id, `secret-of-${id}`);
  const messages: ParsedMessage[] = [];
  const connected: string[] = [];
  const disconnected: Harness['disconnected'] = [];
  const broker = createBroker({
    log,
    authenticator: auth,
    limits: overrides.limits,
    tcp: { host: '127.0.0.1', port: 0 },
    tls: overrides.tls,
    handlers: {
      onDeviceMessage: (message) => {
        messages.push(message);
        overrides.onDeviceMessage?.();
      },
      ...(overrides.whenStored ? { whenStored: overrides.whenStored } : {}),
      onDeviceConnected: (deviceId) => connected.push(deviceId),
      onDeviceDisconnected: (deviceId, cause) => disconnected.push({ deviceId, cause }),
    },
  });
  const { mqttPort: port, mqttsPort } = await broker.start();
  const clients: MqttClient[] = [];
  const sockets: net.Socket[] = [];
  const url = `mqtt://127.0.0.1:${port}`;

  const tryConnect = (options: IClientOptions): Promise<number> =>
    new Promise((resolve) => {
      const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
      clients.push(client);
      client.once('connect', () => resolve(0));
      client.once('error', (error) => resolve(Number((error as { code?: number }).code ?? -1)));
      client.once('close', () => resolve(-1));
    });

  const device = async (deviceId: string, options: IClientOptions = {}): Promise<MqttClient> => {
    const before = clients.length;
    const code = await tryConnect({
      clientId: deviceId,
      username: deviceId,
      password: `secret-of-${deviceId}`,
      ...options,
    });
    if (code !== 0) throw new Error(`${deviceId} was refused with ${code}`);
    // CONNACK can reach the client just before the broker finishes setting the session up.
    await waitFor(() => broker.isConnected(deviceId), 5_000, `${deviceId} connected`);
    return clients[before] as MqttClient;
  };

  const rawSocket = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
      socket.on('error', reject);
      sockets.push(socket);
    });

  const close = async (): Promise<void> => {
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
    for (const socket of sockets) socket.destroy();
    await broker.stop();
  };

  return {
    broker,
    port,
    mqttsPort,
    auth,
    lines,
    messages,
    connected,
    disconnected,
    clients,
    sockets,
    device,
    tryConnect,
    rawSocket,
    close,
  };
}

/** Polls until `check` passes (it throws or returns false until then); fails after `timeoutMs`. */
export async function waitFor(check: () => unknown, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (check() !== false) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Gives the broker time to (not) do something; used only to assert absence. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readyState === 'closed') return resolve();
    socket.once('close', () => resolve());
    // A paused socket never reads the FIN, so it would never see the close.
    socket.resume();
  });
}

export function connectPacket(deviceId: string, extra: Partial<mqttPacket.IConnectPacket> = {}): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: deviceId,
    username: deviceId,
    password: Buffer.from(`secret-of-${deviceId}`),
    keepalive: 30,
    ...extra,
  });
}

// Valid payloads for each device→fleet kind.
export const now = (): string => new Date().toISOString();
export const statusPayload = (state: 'online' | 'offline'): string => JSON.stringify({ state, at: now() });
export const eventPayload = (id = 'evt-00000001'): string =>
  JSON.stringify({ id, at: now(), kind: 'agent-started', agentVersion: '1.0.0' });
export const telemetryPayload = (): string =>
  JSON.stringify({
    at: now(),
    uptimeSec: 10,
    cpu: { loadPercent: 5, temperatureC: 40 },
    memory: { totalBytes: 1000, usedBytes: 500 },
    disk: null,
    agent: { version: '1.0.0', rssBytes: 100, uptimeSec: 5 },
  });

export function desiredDocument(deviceId: string, version = 1): DesiredDocumentInput {
  return {
    version,
    deviceId,
    issuedAt: now(),
    device: { name: `Screen ${deviceId}`, gateId: 'cat-bi-gate-1', zoneId: 'arrivals' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'] },
    content: { defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Xin chào', en: 'Welcome' } } },
  };
}

/** Collects messages a test client receives, by topic. */
export function inbox(client: MqttClient): Array<{ topic: string; payload: string; retain: boolean }> {
  const received: Array<{ topic: string; payload: string; retain: boolean }> = [];
  client.on('message', (topic, payload, packet) =>
    received.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  return received;
}

/** The QoS the broker granted for one filter: 0–2, or 128 (0x80) for a refused subscription. */
export function grantedQos(client: MqttClient, filter: string): Promise<number> {
  return new Promise((resolve, reject) => {
    client.subscribe(filter, { qos: 1 }, (error, _granted, packet) => {
      const code = (packet as { granted?: number[] } | undefined)?.granted?.[0];
      if (code === undefined) reject(error ?? new Error('no SUBACK'));
      else resolve(code);
    });
  });
}
