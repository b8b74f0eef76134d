import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type ConnectPacket } from 'aedes';
import { parseTopic, type TopicKind } from '@gatecast/protocol';

/** The fleet's identity in tests; it may read and write every device topic. */
export const FLEET = { username: 'fleet-test', password: 'fleet-test-password-0123456789' };

const DEVICE_PUBLISH: readonly TopicKind[] = ['status', 'reported', 'telemetry', 'events', 'cmd/res'];
const DEVICE_RETAIN: readonly TopicKind[] = ['status', 'reported'];
const DEVICE_SUBSCRIBE: readonly TopicKind[] = ['desired', 'cmd/req'];

export interface TestBroker {
  port: number;
  url: string;
  /** Every CONNECT the broker received, in order, without the password. */
  connects: Array<Omit<ConnectPacket, 'password'>>;
  /** Wills, publishes and subscriptions the broker refused: an agent bug shows up here. */
  refusals: string[];
  stop(): Promise<void>;
}

/**
 * A real Aedes with the fleet's rules: username/password per device, a will only on the device's
 * own status topic, publishes only on its own outbound topics, retain only on status and reported.
 */
export async function startTestBroker(devices: Record<string, string>, port = 0): Promise<TestBroker> {
  const connects: TestBroker['connects'] = [];
  const refusals: string[] = [];
  const users = new WeakMap<Client, string>();
  const isFleet = (client: Client | null): boolean => client === null || users.get(client) === FLEET.username;

  const aedes = await Aedes.createBroker({
    preConnect(_client, packet, done) {
      const { password: _password, ...rest } = packet;
      connects.push(rest);
      const will = packet.will ? parseTopic(packet.will.topic) : null;
      const ok =
        !packet.will ||
        packet.username === FLEET.username ||
        (will?.deviceId === packet.username && will?.kind === 'status');
      if (!ok) refusals.push(`will on ${packet.will?.topic}`);
      done(null, ok);
    },
    authenticate(client, username, password, done) {
      const expected = username === FLEET.username ? FLEET.password : devices[username ?? ''];
      if (expected !== undefined && username !== undefined && password?.toString() === expected) {
        users.set(client, username);
        return done(null, true);
      }
      const error = new Error('bad credentials') as AuthenticateError;
      error.returnCode = 4;
      done(error, false);
    },
    authorizePublish(client, packet, done) {
      if (isFleet(client)) return done(null);
      const topic = parseTopic(packet.topic);
      const ok =
        topic !== null &&
        topic.deviceId === users.get(client as Client) &&
        DEVICE_PUBLISH.includes(topic.kind) &&
        (!packet.retain || DEVICE_RETAIN.includes(topic.kind));
      if (!ok) refusals.push(`publish ${packet.retain ? 'retained ' : ''}${packet.topic}`);
      done(ok ? null : new Error('not allowed'));
    },
    authorizeSubscribe(client, subscription, done) {
      if (isFleet(client)) return done(null, subscription);
      const topic = parseTopic(subscription.topic);
      const ok =
        topic !== null && topic.deviceId === users.get(client) && DEVICE_SUBSCRIBE.includes(topic.kind);
      if (!ok) refusals.push(`subscribe ${subscription.topic}`);
      done(null, ok ? subscription : null);
    },
  });

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    port: bound,
    url: `mqtt://127.0.0.1:${bound}`,
    connects,
    refusals,
    async stop() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was free a moment ago, for a broker that starts later. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}
