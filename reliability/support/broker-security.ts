import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { pino } from 'pino';
import type { AgentConfigInput, ParsedMessage, TopicKind } from '@gatecast/protocol';
import { createBroker, type Broker, type BrokerLimits } from '../../fleet/src/broker/broker.js';
import { hashSecret, storedSecretAuthenticator } from '../../fleet/src/devices/device-secrets.js';
import { DevicesRepo } from '../../fleet/src/devices/devices-repo.js';
import { GatesRepo } from '../../fleet/src/gates/gates-repo.js';
import { openStore, type Store } from '../../fleet/src/store/open-store.js';
import type { RealFleet } from '../../fleet/test/integration/fleet/real-fleet.js';

/**
 * The security rows drive the fleet's own broker: Aedes behind the frame guard, the ACL hooks and
 * the store-backed device authenticator (as the fleet wires it), on an ephemeral port. Every
 * message the broker accepts for the fleet is recorded, so "accepted" is counted where it happens.
 */
export interface SecureBroker {
  broker: Broker;
  port: number;
  /** Enrolled device ids, in order; each has a fresh 256-bit secret in the store. */
  ids: string[];
  secrets: Map<string, string>;
  /** Every device→fleet message the broker handed to the fleet (wills included). */
  accepted: ParsedMessage[];
  /** Connects as `deviceId` with its own secret; resolves once the session is live. */
  device(deviceId: string, options?: IClientOptions): Promise<MqttClient>;
  /** One CONNECT with MQTT.js: the CONNACK code (0 accepted), -1 when closed without one. */
  tryConnect(options: IClientOptions): Promise<number>;
  close(): Promise<void>;
}

const GATE = 'sec-gate';
const ZONE = 'arrivals';

export function deviceIdOf(index: number): string {
  return `sec-screen-${String(index).padStart(3, '0')}`;
}

export async function startSecureBroker(
  options: { devices: number; limits?: Partial<BrokerLimits> } = { devices: 3 },
): Promise<SecureBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatecast-sec-'));
  const log = pino({ level: 'silent' });
  let store: Store | undefined;
  const clients: MqttClient[] = [];
  try {
    store = await openStore({ dataDir, log });
    const devices = new DevicesRepo(store.sql, log);
    const gates = new GatesRepo(store.sql, log);
    await gates.create({ id: GATE, name: 'Security gate' });
    await gates.addZone(GATE, { id: ZONE, name: 'Arrivals' });
    const ids: string[] = [];
    const secrets = new Map<string, string>();
    for (let index = 1; index <= options.devices; index += 1) {
      const id = deviceIdOf(index);
      const secret = randomBytes(32).toString('base64url');
      await devices.create(
        { id, name: `Screen ${index}`, gateId: GATE, zoneId: ZONE, tags: [] },
        hashSecret(secret),
      );
      ids.push(id);
      secrets.set(id, secret);
    }
    const accepted: ParsedMessage[] = [];
    const broker = createBroker({
      log,
      // As the fleet wires it (fleet.ts).
      authenticator: storedSecretAuthenticator(devices),
      handlers: {
        onDeviceMessage: (message) => void accepted.push(message),
        onDeviceConnected: () => undefined,
        onDeviceDisconnected: () => undefined,
      },
      limits: options.limits,
      tcp: { host: '127.0.0.1', port: 0 },
    });
    const { mqttPort: port } = await broker.start();
    const opened = store;
    const tryConnect = (connectOptions: IClientOptions): Promise<number> => {
      const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
        reconnectPeriod: 0,
        connectTimeout: 5_000,
        ...connectOptions,
      });
      clients.push(client);
      return connackOf(client);
    };
    return {
      broker,
      port,
      ids,
      secrets,
      accepted,
      tryConnect,
      async device(deviceId, connectOptions = {}) {
        const before = clients.length;
        const code = await tryConnect({
          clientId: deviceId,
          username: deviceId,
          password: secrets.get(deviceId),
          ...connectOptions,
        });
        if (code !== 0) throw new Error(`${deviceId} was refused with ${code}`);
        await until(() => broker.isConnected(deviceId), 5_000, `${deviceId} connected`);
        return clients[before] as MqttClient;
      },
      async close() {
        await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
        await broker.stop();
        await opened.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The CONNACK return code a client got: 0 accepted, the refusal code, or -1 closed without one. */
export function connackOf(client: MqttClient): Promise<number> {
  return new Promise((resolve) => {
    client.once('connect', () => resolve(0));
    client.once('error', (error) => resolve(Number((error as { code?: number }).code ?? -1)));
    client.once('close', () => resolve(-1));
  });
}

export function closedOf(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.disconnected) return resolve();
    client.once('close', () => resolve());
  });
}

/** Polls until `check` is true; fails after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A raw CONNECT frame (MQTT 3.1.1), for clients that must not behave like MQTT.js. */
export function connectFrame(fields: Partial<mqttPacket.IConnectPacket>): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: 'x',
    keepalive: 30,
    ...fields,
  });
}

/**
 * Sends one raw CONNECT and resolves with the CONNACK code (-1 when the broker closed the socket
 * without one). `keepOpen` leaves an accepted socket open and hands it back, to be cut later.
 */
export function rawConnect(
  port: number,
  frame: Buffer,
  keepOpen = false,
): Promise<{ code: number; socket: net.Socket }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    let settled = false;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      if (!keepOpen || code !== 0) socket.destroy();
      resolve({ code, socket });
    };
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connack') finish(packet.returnCode ?? -1);
    });
    socket.on('data', (chunk) => parser.parse(chunk));
    socket.on('connect', () => socket.write(frame));
    socket.on('error', () => finish(-1));
    socket.on('close', () => finish(-1));
  });
}

/** Gate and zone for the real fleet's enrolments. */
export async function prepareFleetGate(fleet: RealFleet): Promise<void> {
  const gate = await fleet.api('POST', '/api/v1/gates', { id: GATE, name: 'Security gate' });
  const zone = await fleet.api('POST', `/api/v1/gates/${GATE}/zones`, { id: ZONE, name: 'Arrivals' });
  if (gate.status !== 201 || zone.status !== 201) throw new Error(`gate setup: ${gate.text} ${zone.text}`);
}

/** Enrols a screen through the fleet's API, as an operator does; its agent config holds the secret. */
export async function enrolThroughApi(fleet: RealFleet, name: string): Promise<AgentConfigInput> {
  const answer = await fleet.api('POST', '/api/v1/devices', { name, gateId: GATE, zoneId: ZONE });
  if (answer.status !== 201) throw new Error(`enrolment of ${name}: ${answer.status} ${answer.text}`);
  return answer.body.agentConfig as AgentConfigInput;
}

/**
 * A payload that passes the protocol's schema for `kind` on `deviceId`'s topic, so that only the
 * ACL stands between a foreign publish and the fleet (a malformed one would be dropped anyway).
 */
export function validPayload(deviceId: string, kind: TopicKind): string {
  const at = new Date().toISOString();
  const id = `sec-${randomBytes(6).toString('hex')}`;
  const payloads: Record<TopicKind, unknown> = {
    status: { state: 'offline', at },
    desired: {
      version: 1,
      deviceId,
      issuedAt: at,
      device: { name: 'Forged', gateId: GATE, zoneId: ZONE },
      display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'] },
      content: { defaultItem: { kind: 'text', id: 'forged', body: { vi: 'Giả', en: 'Forged' } } },
    },
    reported: {
      at,
      agentVersion: '1.0.0',
      appliedVersion: null,
      desiredSource: 'none',
      phase: 'starting',
      currentItemId: null,
    },
    telemetry: {
      at,
      uptimeSec: 10,
      cpu: { loadPercent: 5, temperatureC: 40 },
      memory: { totalBytes: 1000, usedBytes: 500 },
      disk: null,
      agent: { version: '1.0.0', rssBytes: 100, uptimeSec: 5 },
    },
    events: { id, at, kind: 'agent-started', agentVersion: '1.0.0' },
    'cmd/req': { id, name: 'identify', issuedAt: at },
    'cmd/res': { id, name: 'ping', at, ok: true },
  };
  return JSON.stringify(payloads[kind]);
}

/** The SUBACK return codes for `filters`, one per filter: 0–2, or 128 (0x80) refused. */
export function subscribeGrants(client: MqttClient, filters: string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.subscribe(filters, { qos: 1 }, (error, _granted, packet) => {
      const codes = (packet as { granted?: number[] } | undefined)?.granted;
      if (codes) resolve(codes);
      else reject(error ?? new Error('no SUBACK'));
    });
  });
}

/** Runs in its own process, so the attacker's work does not share the broker's event loop. */
const FLOODER = `
const net = require('node:net');
const { port, frames, count, inFlight } = JSON.parse(process.argv[1]);
const bytes = frames.map((frame) => Buffer.from(frame, 'base64'));
let sent = 0;
let accepted = 0;
const once = (frame) => new Promise((resolve) => {
  const socket = net.connect(port, '127.0.0.1', () => socket.write(frame));
  const done = (code) => { socket.destroy(); resolve(code); };
  socket.on('data', (data) => done(data[0] === 0x20 ? data[3] : -1));
  socket.on('error', () => done(-1));
  socket.on('close', () => done(-1));
});
const started = Date.now();
Promise.all(Array.from({ length: inFlight }, async () => {
  while (sent < count) {
    const n = sent++;
    if ((await once(bytes[n % bytes.length])) === 0) accepted += 1;
  }
})).then(() => process.stdout.write(JSON.stringify({ sent, accepted, seconds: (Date.now() - started) / 1000 })));
`;

export interface FloodResult {
  sent: number;
  /** CONNACKs with return code 0: bad CONNECTs that got in. */
  accepted: number;
  seconds: number;
}

/** `count` CONNECTs cycling through `frames`, `inFlight` at a time, from 127.0.0.1 in a child process. */
export function floodConnects(options: { port: number; frames: Buffer[]; count: number; inFlight: number }): {
  result: Promise<FloodResult>;
  stop(): void;
} {
  const input = JSON.stringify({
    ...options,
    frames: options.frames.map((frame) => frame.toString('base64')),
  });
  const child = spawn(process.execPath, ['-e', FLOODER, input], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const result = new Promise<FloodResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output) as FloodResult)
        : reject(new Error(`flooder exited with ${code}`)),
    );
  });
  return { result, stop: () => child.kill('SIGKILL') };
}
