import { connectAsync, type MqttClient } from 'mqtt';
import { createBroker, type Broker, type BrokerHandlers } from '../../../src/broker/broker.js';
import { CommandClient } from '../../../src/commands/command-client.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { DeviceInbox } from '../../../src/devices/device-inbox.js';
import { verifySecret } from '../../../src/devices/device-secrets.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import { openTempStore, recordingLogger } from '../store/temp-store.js';

/**
 * The fleet's data layer wired to a real broker on an ephemeral port, the way fleet.ts wires
 * it: the store authenticates devices, the inbox receives their messages.
 */
export interface FleetHarness {
  store: ReturnType<typeof openTempStore>;
  gates: GatesRepo;
  devices: DevicesRepo;
  commands: CommandClient;
  desired: DesiredService;
  broker: Broker;
  /** The broker's current port (a restart picks a new ephemeral one). */
  readonly port: number;
  lines: Array<Record<string, unknown>>;
  connectDevice(deviceId: string, secret: string): Promise<MqttClient>;
  /** Stops and starts the broker; like a fleet restart, retained messages are gone. */
  restartBroker(): Promise<void>;
  close(): Promise<void>;
}

export async function startFleetHarness(): Promise<FleetHarness> {
  const { log, lines } = recordingLogger();
  const store = openTempStore(log);
  const gates = new GatesRepo(store.sql, log);
  const devices = new DevicesRepo(store.sql, log);
  const clients: MqttClient[] = [];
  // broker → handlers → inbox → commands → broker: the broker calls these only after start(),
  // when `inbox` (declared below) exists.
  const handlers: BrokerHandlers = {
    onDeviceMessage: (message) => inbox.onDeviceMessage(message),
    onDeviceConnected: (deviceId) => inbox.onDeviceConnected(deviceId),
    onDeviceDisconnected: (deviceId, cause) => inbox.onDeviceDisconnected(deviceId, cause),
  };
  const broker = createBroker({
    log,
    tcp: { host: '127.0.0.1', port: 0 },
    handlers,
    authenticator: {
      authenticate: async (id, secret) => {
        const credential = await devices.credential(id);
        return !!credential && verifySecret(secret, credential);
      },
    },
  });
  const commands = new CommandClient({ broker, log });
  const inbox = new DeviceInbox({ devices, commands, log });
  const desired = new DesiredService({ sql: store.sql, devices, gates, broker, log });
  let port = (await broker.start()).mqttPort;

  return {
    store,
    gates,
    devices,
    commands,
    desired,
    broker,
    get port() {
      return port;
    },
    lines,
    async connectDevice(deviceId, secret) {
      const client = await connectAsync(`mqtt://127.0.0.1:${port}`, {
        clientId: deviceId,
        username: deviceId,
        password: secret,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      });
      clients.push(client);
      return client;
    },
    async restartBroker() {
      await broker.stop();
      port = (await broker.start()).mqttPort;
    },
    async close() {
      commands.stop();
      await Promise.all(clients.map((client) => client.endAsync(true)));
      await broker.stop();
      store.close();
    },
  };
}

/** Polls until `check` passes; for effects that cross the broker asynchronously. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
