import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deviceTopic, type AgentConfigInput } from '@gatecast/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino, type Logger } from 'pino';
import { loadFleetConfig, type FleetConfig } from '../../../src/config.js';
import { createFleet, type Fleet, type RunningFleet } from '../../../src/fleet.js';

// Answers are JSON whose shape each test asserts with expect(); `any` keeps those reads short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  text: string;
}

/** A whole fleet manager on ephemeral ports in a temp data dir, plus real MQTT.js devices. */
export interface RealFleet {
  dataDir: string;
  config: FleetConfig;
  fleet: Fleet;
  running: RunningFleet;
  token: string;
  lines: string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  api<T = any>(method: string, url: string, body?: unknown, token?: string | null): Promise<ApiAnswer<T>>;
  /** Connects as an enrolled agent would, with the URL and secret from its agent config. */
  device(agentConfig: AgentConfigInput, options?: IClientOptions): Promise<MqttClient>;
  /** Stops this fleet and starts a new one on the same data dir and ports. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gatecast-fleet-http-'));
}

/** Keeps every log line so tests can check what was (and was not) logged. */
export function recordingLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }), lines };
}

export async function startRealFleet(env: NodeJS.ProcessEnv = {}): Promise<RealFleet> {
  const root = makeTempDir();
  const dataDir = path.join(root, 'data');
  let config = loadFleetConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MQTT_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    GATECAST_DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    ...env,
  });
  const { log, lines } = recordingLog();
  let fleet = createFleet(config, log);
  const clients: MqttClient[] = [];
  let running: RunningFleet;
  try {
    running = await fleet.start();
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const token = running.adminToken ?? fs.readFileSync(running.adminTokenFile, 'utf8').trim();

  const self: RealFleet = {
    dataDir,
    config,
    fleet,
    running,
    token,
    lines,
    async api(method, url, body, useToken = token) {
      const headers: Record<string, string> = {};
      if (useToken !== null) headers.authorization = `Bearer ${useToken}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`http://127.0.0.1:${self.running.httpPort}${url}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
      // A HEAD answer keeps its content-type but never has a body.
      return { status: response.status, body: json && text !== '' ? JSON.parse(text) : undefined, text };
    },
    async device(agentConfig, options = {}) {
      const client = mqtt.connect(agentConfig.mqtt.url, {
        clientId: agentConfig.deviceId,
        username: agentConfig.deviceId,
        password: agentConfig.secret,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
        will: {
          topic: deviceTopic(agentConfig.deviceId, 'status'),
          payload: Buffer.from(JSON.stringify({ state: 'offline' })),
          qos: 1,
          retain: true,
        },
        ...options,
      });
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      return client;
    },
    async restart() {
      await fleet.stop();
      // The same addresses, as a real restart has: documents name the HTTP address (media, QR codes).
      config = {
        ...config,
        mqtt: { ...config.mqtt, port: self.running.mqttPort },
        http: { ...config.http, port: self.running.httpPort },
      };
      fleet = createFleet(config, log);
      self.fleet = fleet;
      self.config = config;
      self.running = await fleet.start();
    },
    async close() {
      await Promise.all(clients.map((client) => client.endAsync(true)));
      await fleet.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return self;
}

/** Polls until `check` passes or the deadline ends; returns the last value it saw. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  ms = 5_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

/** Resolves with the next message on a topic. */
export function nextMessage(client: MqttClient, topic: string, ms = 5_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no message on ${topic} within ${ms} ms`));
    }, ms);
    const onMessage = (received: string, payload: Buffer) => {
      if (received !== topic) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(payload);
    };
    client.on('message', onMessage);
  });
}
