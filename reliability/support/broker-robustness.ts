import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { resolve } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { deviceTopic } from '@gatecast/protocol';
import type { BrokerLimits, BrokerStats } from '../../fleet/src/broker/broker.js';
import { desiredDocument, eventPayload } from '../../fleet/test/integration/broker/helpers.js';

/**
 * The F group (broker robustness): the fleet's broker runs in a child process
 * (broker-process.js), so its RSS, its event loop and its crashes are its own, while the test
 * process plays the attackers and the healthy screens over real TCP on 127.0.0.1.
 */

const CHILD = resolve(import.meta.dirname, 'broker-process.js');

export interface BrokerReport {
  stats: BrokerStats;
  /** Accepted device→fleet messages by device id. */
  accepted: Record<string, number>;
  /** Log lines by message; frame-guard closures as `guard: <reason>`. */
  logCounts: Record<string, number>;
  /** Most bytes one connection passed to Aedes' parser / read from its socket, and closed guards. */
  guardBytes: { passedMax: number; readMax: number; closed: number };
}

export interface FleetMessage {
  deviceId: string;
  kind: 'desired' | 'cmd/req';
  payload: unknown;
}

export interface BrokerProcess {
  port: number;
  /** null while running; the exit code or signal once it has exited. */
  exit: string | null;
  call<T = Record<string, unknown>>(op: string, args?: unknown): Promise<T>;
  report(): Promise<BrokerReport>;
  /** process.memoryUsage() after full GCs (see broker-process.js). */
  memory(): Promise<NodeJS.MemoryUsage>;
  publish(messages: FleetMessage[], repeat?: number): Promise<{ ms: number }>;
  close(): Promise<void>;
}

export async function startBrokerProcess(options: {
  devices: readonly string[];
  limits?: Partial<BrokerLimits>;
}): Promise<BrokerProcess> {
  const child: ChildProcess = fork(CHILD, [JSON.stringify(options)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  const handle: BrokerProcess = {
    port: 0,
    exit: null,
    call<T>(op: string, args?: unknown): Promise<T> {
      if (handle.exit !== null) return Promise.reject(new Error(`broker process exited (${handle.exit})`));
      const id = nextId++;
      return new Promise<T>((resolvePromise, reject) => {
        pending.set(id, { resolve: resolvePromise as (value: unknown) => void, reject });
        child.send({ id, op, args });
      });
    },
    report: () => handle.call<BrokerReport>('stats'),
    memory: async () => (await handle.call<{ memory: NodeJS.MemoryUsage }>('rss')).memory,
    publish: (messages, repeat = 1) => handle.call('publish', { messages, repeat }),
    async close() {
      if (handle.exit !== null) return;
      const gone = new Promise((done) => child.once('exit', done));
      // Closing the channel ends the process (broker-process.js); a hung one is killed.
      child.disconnect();
      const hung = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(hung);
    },
  };
  child.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter?.resolve(message.result);
    else waiter?.reject(new Error(message.error));
  });
  child.on('exit', (code, signal) => {
    handle.exit = signal ?? String(code);
    for (const waiter of pending.values()) waiter.reject(new Error(`broker process exited (${handle.exit})`));
    pending.clear();
  });
  handle.port = (await handle.call<{ port: number }>('start')).port;
  return handle;
}

/** `count` valid device ids: `<prefix>-0001`… */
export function deviceIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${String(index + 1).padStart(4, '0')}`);
}

/** Connects a device with MQTT.js (no reconnect unless asked); rejects when refused. */
export function connectDevice(
  port: number,
  deviceId: string,
  options: IClientOptions = {},
): Promise<MqttClient> {
  return new Promise((resolvePromise, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
      clientId: deviceId,
      username: deviceId,
      password: `secret-of-${deviceId}`,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...options,
    });
    const refused = (error: Error): void => {
      client.end(true);
      reject(error);
    };
    client.once('error', refused);
    client.once('connect', () => {
      client.off('error', refused);
      // Later transport errors (the broker cutting or restarting) show in each row's own figure.
      client.on('error', () => undefined);
      resolvePromise(client);
    });
  });
}

export function rawSocket(port: number): Promise<net.Socket> {
  return new Promise((resolvePromise, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolvePromise(socket));
    socket.once('error', reject);
  });
}

/**
 * A canary screen: subscribed to its own desired and cmd/req. It counts what it receives, and
 * `roundTrip` proves the broker still works both ways: the fleet's desired reaches it and its
 * QoS 1 event is acknowledged and accepted.
 */
export interface Canary {
  client: MqttClient;
  /** Messages received that the test did not send through `roundTrip`. */
  unexpected: Array<{ topic: string; bytes: number }>;
  roundTrip(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startCanary(broker: BrokerProcess, deviceId: string): Promise<Canary> {
  const client = await connectDevice(broker.port, deviceId);
  await client.subscribeAsync([deviceTopic(deviceId, 'desired'), deviceTopic(deviceId, 'cmd/req')], {
    qos: 1,
  });
  const unexpected: Canary['unexpected'] = [];
  let version = 1_000;
  let awaited: { version: number; arrived(): void } | null = null;
  client.on('message', (topic, payload) => {
    const doc = safeJson(payload.toString());
    if (awaited && topic === deviceTopic(deviceId, 'desired') && doc?.version === awaited.version) {
      awaited.arrived();
      return;
    }
    unexpected.push({ topic, bytes: payload.length });
  });
  const roundTrip = async (timeoutMs = 5_000): Promise<boolean> => {
    version += 1;
    const mine = version;
    let timer: NodeJS.Timeout | undefined;
    const delivered = new Promise<boolean>((done) => {
      awaited = { version: mine, arrived: () => done(true) };
      timer = setTimeout(() => done(false), timeoutMs);
    });
    try {
      const before = (await broker.report()).accepted[deviceId] ?? 0;
      await broker.publish([{ deviceId, kind: 'desired', payload: desiredDocument(deviceId, mine) }]);
      if (!(await delivered)) return false;
      await client.publishAsync(deviceTopic(deviceId, 'events'), eventPayload(`evt-canary-${mine}`), {
        qos: 1,
      });
      return ((await broker.report()).accepted[deviceId] ?? 0) === before + 1;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      awaited = null;
    }
  };
  return {
    client,
    unexpected,
    roundTrip,
    close: () => client.endAsync(true).catch(() => undefined),
  };
}

function safeJson(text: string): { version?: number } | null {
  try {
    return JSON.parse(text) as { version?: number };
  } catch {
    return null;
  }
}

/** Resolves when the socket has closed (reading it, so a FIN is seen), or false after `timeoutMs`. */
export function closedWithin(socket: net.Socket, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    if (socket.destroyed) return done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      done(true);
    });
    socket.on('error', () => undefined);
    socket.resume();
  });
}

/** A fixed header claiming `length` body bytes (MQTT remaining-length encoding). */
export function fixedHeader(typeByte: number, length: number): Buffer {
  const bytes = [typeByte];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

export const MB = 1024 * 1024;

export function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}
