import { deviceTopic, parseMessage, type ParsedMessage } from '@gatecast/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker, type DisconnectCause } from '../../../src/broker/broker.js';
import { redisBrokerBackend } from '../../../src/cluster/redis-broker-backend.js';
import {
  FixtureAuthenticator,
  captureLogger,
  desiredDocument,
  inbox,
  settle,
  statusPayload,
  waitFor,
} from '../broker/helpers.js';
import { redisOrSkip, startTestRedis, type TestRedis } from './test-redis.js';

const hasRedis = redisOrSkip();

interface Node {
  broker: Broker;
  port: number;
  connected: string[];
  disconnected: Array<{ deviceId: string; cause: DisconnectCause }>;
  messages: ParsedMessage[];
}

/** One process of a cluster: a real broker on Redis, with handlers that record what they are told. */
async function startNode(redisUrl: string, processId: string): Promise<Node> {
  const { log } = captureLogger();
  const auth = new FixtureAuthenticator();
  auth.authenticate = (deviceId, secret) => secret.toString() === `secret-of-${deviceId}`;
  const node: Omit<Node, 'broker' | 'port'> = { connected: [], disconnected: [], messages: [] };
  const broker = createBroker({
    log,
    authenticator: auth,
    tcp: { host: '127.0.0.1', port: 0 },
    backend: redisBrokerBackend({ url: redisUrl, processId, log }),
    handlers: {
      onDeviceMessage: (message) => node.messages.push(message),
      onDeviceConnected: (deviceId) => node.connected.push(deviceId),
      onDeviceDisconnected: (deviceId, cause) => node.disconnected.push({ deviceId, cause }),
    },
  });
  const { mqttPort } = await broker.start();
  return { ...node, broker, port: mqttPort };
}

describe.skipIf(!hasRedis)('brokers of several processes on one Redis', () => {
  let redis: TestRedis;
  const nodes: Node[] = [];
  const clients: MqttClient[] = [];
  let serial = 0;

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true).catch(() => undefined)));
    await Promise.all(nodes.splice(0).map((node) => node.broker.stop()));
  });

  const node = async (name: string): Promise<Node> => {
    const started = await startNode(redis.url, `${name}-${process.pid}`);
    nodes.push(started);
    return started;
  };

  /** A fresh device id per test: the retained messages of one test must not reach another. */
  const freshDevice = (): string => `cluster-screen-${process.pid}-${++serial}`;

  const connect = async (target: Node, deviceId: string, will = false): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${target.port}`, {
      clientId: deviceId,
      username: deviceId,
      password: `secret-of-${deviceId}`,
      reconnectPeriod: 0,
      ...(will
        ? {
            will: {
              topic: deviceTopic(deviceId, 'status'),
              payload: Buffer.from(statusPayload('offline')),
              qos: 1,
              retain: true,
            },
          }
        : {}),
    });
    clients.push(client);
    await waitFor(() => target.broker.isConnected(deviceId), 5_000, `${deviceId} connected`);
    return client;
  };

  it('delivers a message published on one process to a device connected to another', async () => {
    const [one, two] = [await node('one'), await node('two')];
    const deviceId = freshDevice();
    const client = await connect(one, deviceId);
    const received = inbox(client);
    await client.subscribeAsync(deviceTopic(deviceId, 'cmd/req'), { qos: 1 });
    await settle(200); // the subscription travels to Redis before the publish
    await two.broker.publishToDevice(deviceId, 'cmd/req', {
      id: 'cmd-00000001',
      issuedAt: new Date().toISOString(),
      name: 'ping',
    });
    await waitFor(() => expect(received).toHaveLength(1));
    expect(JSON.parse(received[0]?.payload ?? '{}')).toMatchObject({ id: 'cmd-00000001', name: 'ping' });
    expect(two.broker.isConnected(deviceId)).toBe(false);
  });

  it('keeps a retained desired document in Redis for any process, even after the publisher stopped', async () => {
    const publisher = await node('publisher');
    const deviceId = freshDevice();
    await publisher.broker.publishToDevice(deviceId, 'desired', desiredDocument(deviceId, 7));
    await publisher.broker.stop();
    nodes.splice(nodes.indexOf(publisher), 1);
    const other = await node('other');
    const client = await connect(other, deviceId);
    const received = inbox(client);
    await client.subscribeAsync(deviceTopic(deviceId, 'desired'), { qos: 1 });
    await waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]?.retain).toBe(true);
    expect(parseMessage(deviceTopic(deviceId, 'desired'), received[0]?.payload ?? '')).toMatchObject({
      ok: true,
      payload: { version: 7, deviceId },
    });
  });

  it('evicts the older session when a device reconnects to another process, without an offline', async () => {
    const [one, two] = [await node('one'), await node('two')];
    const deviceId = freshDevice();
    const first = await connect(one, deviceId, true);
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    await connect(two, deviceId, true);
    await firstClosed;
    await waitFor(() => expect(one.broker.isConnected(deviceId)).toBe(false));
    await settle(300);
    expect(two.broker.isConnected(deviceId)).toBe(true);
    // The replaced session neither reports a disconnect nor publishes its will ("offline").
    expect(one.disconnected).toEqual([]);
    const offline = [...one.messages, ...two.messages].filter(
      (message) => message.kind === 'status' && message.payload.state === 'offline',
    );
    expect(offline).toEqual([]);
  });
});
