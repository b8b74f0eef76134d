import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { deviceTopic } from '@gatecast/protocol';
import { AlertEngine } from '../../../src/alerts/alert-engine.js';
import type { PolicyOverride } from '../../../src/alerts/alert-policy.js';
import type { AlertSink } from '../../../src/alerts/alert-sink.js';
import type { AlertTransition } from '../../../src/alerts/alert-types.js';
import { createBroker, type Broker } from '../../../src/broker/broker.js';
import { CommandClient } from '../../../src/commands/command-client.js';
import { DeviceInbox } from '../../../src/devices/device-inbox.js';
import { generateDeviceSecret, hashSecret, verifySecret } from '../../../src/devices/device-secrets.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { FleetEvents } from '../../../src/devices/fleet-events.js';
import { DeviceEventsRepo } from '../../../src/events/device-events-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { openDatabase, type Database } from '../../../src/store/database.js';
import { makeTempDir, removeDir, silentLogger, sqlOf } from '../store/temp-store.js';
import { eventually as eventuallyWithin } from '../devices/fleet-harness.js';

export const GATE = 'cat-bi-airport';
export const ZONE = 'arrivals-hall';

/** One run of the fleet's alerting path: store, real broker, inbox, change events, engine. */
interface Run {
  db: Database;
  devices: DevicesRepo;
  broker: Broker;
  events: FleetEvents;
  commands: CommandClient;
  inbox: DeviceInbox;
  engine: AlertEngine;
  port: number;
}

/**
 * The fleet's alerting path wired as fleet.ts wires it, with a recording sink in place of the
 * notification outbox. `restart()` stops everything and starts it again on the same data dir.
 */
export interface AlertHarness {
  /** Every transition handed to the sink, across restarts, in order. */
  sent: AlertTransition[];
  readonly run: Run;
  enrol(deviceId: string): Promise<string>;
  connect(deviceId: string, secret: string): Promise<MqttClient>;
  setPolicy(override: PolicyOverride): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startAlertHarness(): Promise<AlertHarness> {
  const root = makeTempDir();
  const dataDir = path.join(root, 'data');
  const log = silentLogger();
  const sent: AlertTransition[] = [];
  const sink: AlertSink = {
    enqueue: async (_tx, transition) => {
      sent.push(transition);
    },
  };
  const clients: MqttClient[] = [];

  async function startRun(port: number): Promise<Run> {
    const db = openDatabase(dataDir, log);
    const gates = new GatesRepo(sqlOf(db), log);
    if (!(await gates.get(GATE))) {
      await gates.create({ id: GATE, name: 'Cat Bi International Airport' });
      await gates.addZone(GATE, { id: ZONE, name: 'Arrivals hall' });
    }
    const devices = new DevicesRepo(sqlOf(db), log);
    await devices.markAllOffline(new Date().toISOString());
    const store = sqlOf(db);
    const deviceEvents = new DeviceEventsRepo(store, log);
    const events = new FleetEvents({ log });
    // The broker calls these only after start(), when `inbox` (declared below) exists.
    const broker = createBroker({
      log,
      tcp: { host: '127.0.0.1', port },
      handlers: {
        onDeviceMessage: (message) => inbox.onDeviceMessage(message),
        onDeviceConnected: (deviceId) => inbox.onDeviceConnected(deviceId),
        onDeviceDisconnected: (deviceId, cause) => inbox.onDeviceDisconnected(deviceId, cause),
      },
      authenticator: {
        authenticate: async (id, secret) => {
          const credential = await devices.credential(id);
          return !!credential && verifySecret(secret, credential);
        },
      },
    });
    const commands = new CommandClient({ broker, log });
    const inbox = new DeviceInbox({ devices, deviceEvents, commands, log, events });
    const engine = new AlertEngine({
      store,
      devices,
      gates,
      desired: { latest: async () => undefined },
      events,
      sink,
      log,
      tickMs: 50,
      sweepMs: 60_000,
    });
    await engine.start();
    const started = await broker.start();
    return { db, devices, broker, events, commands, inbox, engine, port: started.mqttPort };
  }

  async function stopRun(run: Run): Promise<void> {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await run.engine.stop();
    run.events.stop();
    run.commands.stop();
    await run.broker.stop();
    await run.inbox.settled();
    run.db.close();
  }

  let current = await startRun(0);
  return {
    sent,
    get run() {
      return current;
    },
    async enrol(deviceId) {
      const secret = generateDeviceSecret();
      await current.devices.create(
        { id: deviceId, name: `Screen ${deviceId}`, gateId: GATE, zoneId: ZONE, tags: [] },
        hashSecret(secret),
      );
      return secret;
    },
    async connect(deviceId, secret) {
      const client = await connectAsync(`mqtt://127.0.0.1:${current.port}`, {
        clientId: deviceId,
        username: deviceId,
        password: secret,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
        will: {
          topic: deviceTopic(deviceId, 'status'),
          payload: Buffer.from(JSON.stringify({ state: 'offline' })),
          qos: 1,
          retain: true,
        },
      });
      clients.push(client);
      return client;
    },
    async setPolicy(override) {
      await current.engine.policies.set(GATE, null, override, new Date().toISOString(), 'test');
      await current.engine.policiesChanged();
    },
    async restart() {
      const port = current.port;
      await stopRun(current);
      current = await startRun(port);
    },
    async close() {
      await stopRun(current);
      removeDir(root);
    },
  };
}

/** Polls until `check` passes; for effects that cross the broker and the engine's timers. */
/** As the fleet harness's, with more time: alerts wait for the engine's tick. */
export function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  return eventuallyWithin(check, timeoutMs);
}

export function summary(sent: AlertTransition[]): string[] {
  return sent.map(
    (transition) => `${transition.rule}:${transition.kind}${transition.flapping ? ':flapping' : ''}`,
  );
}
