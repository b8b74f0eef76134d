import type {
  AedesOptions,
  AedesPublishPacket,
  AuthenticateError,
  Client,
  PublishPacket,
  Subscription,
} from 'aedes';
import { parseMessage, type ParsedMessage } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { BrokerHandlers, BrokerLimits, DeviceAuthenticator } from './broker.js';
import { authorizePublish, authorizeSubscribe } from './acl.js';
import {
  RETURN_CODE,
  checkConnect,
  describeIdentity,
  type RefusalCode,
  type WillMessage,
} from './connect-check.js';
import { FrameGuard } from './frame-guard.js';
import type { Sessions } from './sessions.js';

/** Counters the hooks keep for `Broker.stats()`. */
export interface HookCounters {
  rejectedConnects: number;
  rejectedPublishes: number;
  droppedMessages: number;
}

export interface HookContext {
  log: Logger;
  limits: BrokerLimits;
  authenticator: DeviceAuthenticator;
  handlers: BrokerHandlers;
  sessions: Sessions;
  counters: HookCounters;
}

type Hooks = Required<
  Pick<
    AedesOptions,
    'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'
  >
>;

/**
 * A dropped message still needs its normal acknowledgement (MQTT-3.3.5-2: acknowledge or
 * disconnect), so instead of failing the publish we point it at a topic nobody can subscribe to
 * ("$" topics and wildcards are refused by the ACL) and clear retain: Aedes acks it and routes
 * it nowhere.
 */
export const DROP_TOPIC = '$gatecast/dropped';

function sink(packet: { topic: string; payload: Buffer | string; retain?: boolean }): void {
  packet.topic = DROP_TOPIC;
  packet.payload = Buffer.alloc(0);
  packet.retain = false;
}

function authError(returnCode: RefusalCode, reason: string): AuthenticateError {
  return Object.assign(new Error(reason), { returnCode }) as AuthenticateError;
}

/** Aedes' policy hooks, wired to the pure ACL and the protocol parser. */
export function createHooks(context: HookContext): Hooks {
  const { log, limits } = context;
  // preConnect sees the whole CONNECT; authenticate sees only the credentials. Keep what we need.
  const pendingConnects = new WeakMap<Client, { clientId: string; will: WillMessage | null }>();

  return {
    preConnect(client, packet, callback) {
      // No persistent sessions: Aedes would queue QoS 1 messages for an offline device without
      // bound. Desired is retained and devices resubscribe, so a clean session loses nothing.
      packet.clean = true;
      pendingConnects.set(client, { clientId: packet.clientId, will: packet.will ?? null });
      callback(null, true);
    },

    authenticate(client, username, password, done) {
      const pending = pendingConnects.get(client);
      pendingConnects.delete(client);
      authenticateDevice(context, client, { ...pending, username, password }, done);
    },

    authorizePublish(client, packet, callback) {
      decidePublish(context, client, packet, callback);
    },

    authorizeSubscribe(client, subscription, callback) {
      const decision = authorizeSubscribe(client.id, subscription.topic, limits.maxTopicLevels);
      if (decision.allowed) return callback(null, subscription);
      log.warn(
        { deviceId: client.id, filter: subscription.topic, reason: decision.reason },
        'subscription refused',
      );
      // A null subscription is granted as 0x80 (failure): the client stays, receives nothing.
      callback(null, null as unknown as Subscription);
    },

    authorizeForward(client, packet): AedesPublishPacket | null {
      // Checked again on every delivery, retained ones included, in case a rule was bypassed.
      const decision = authorizeSubscribe(client.id, packet.topic, limits.maxTopicLevels);
      if (decision.allowed) return packet;
      log.error({ deviceId: client.id, topic: packet.topic, reason: decision.reason }, 'delivery blocked');
      return null;
    },
  };
}

type AuthenticateDone = (error: AuthenticateError | null, success: boolean | null) => void;

/** Checks what a CONNECT says about itself, then the secret; accepted sessions get the larger frame limit. */
function authenticateDevice(
  context: HookContext,
  client: Client,
  connect: { clientId?: string; will?: WillMessage | null; username?: string; password?: Buffer },
  done: AuthenticateDone,
): void {
  const { username, password } = connect;
  const remote = client.conn instanceof FrameGuard ? client.conn.remoteAddress : undefined;
  const refuse = (returnCode: RefusalCode, reason: string): void => {
    context.counters.rejectedConnects += 1;
    context.log.warn({ username: describeIdentity(username), remote, returnCode, reason }, 'connect refused');
    done(authError(returnCode, reason), false);
  };
  const check = checkConnect(
    { clientId: connect.clientId ?? client.id, username, password, will: connect.will },
    context.limits.maxTopicLevels,
  );
  if (!check.ok) return refuse(check.returnCode, check.reason);
  // The store may answer with the secret as it was before a revocation that landed meanwhile.
  const kicks = context.sessions.kickCount(check.deviceId);
  void lookUpSecret(context, check.deviceId, password as Buffer).then((verdict) => {
    if (verdict === 'error') return refuse(RETURN_CODE.SERVER_UNAVAILABLE, 'authenticator failed');
    if (!verdict) return refuse(RETURN_CODE.BAD_USERNAME_OR_PASSWORD, 'wrong secret or unknown device');
    if (context.sessions.kickCount(check.deviceId) !== kicks)
      return refuse(RETURN_CODE.BAD_USERNAME_OR_PASSWORD, 'revoked while its secret was checked');
    if (client.conn instanceof FrameGuard) client.conn.markAuthenticated();
    context.sessions.authenticated(client);
    done(null, true);
  });
}

/** Resolves to the authenticator's verdict; never rejects (a failing store refuses the device). */
async function lookUpSecret(
  context: HookContext,
  deviceId: string,
  secret: Buffer,
): Promise<boolean | 'error'> {
  try {
    return (await context.authenticator.authenticate(deviceId, secret)) === true;
  } catch (error) {
    context.log.error({ deviceId, err: error }, 'authenticator failed');
    return 'error';
  }
}

/**
 * ACL first (a violation disconnects: the device is misbehaving), then the payload (an invalid
 * one is dropped and the device stays: it may be a bug in one message, not an attack).
 */
function decidePublish(
  context: HookContext,
  client: Client | null,
  packet: PublishPacket,
  callback: (error?: Error | null) => void,
): void {
  const { log, counters, sessions } = context;
  const isWill = client !== null && packet === (client as Client & { will?: unknown }).will;
  if (client === null || (client.closed && !isWill)) {
    // No live publisher: a will left by an earlier broker, or a message racing a kick.
    log.info({ topic: packet.topic, deviceId: client?.id }, 'message from a closed session dropped');
    sink(packet);
    return callback(null);
  }
  if (isWill && sessions.isBeingReplaced(client)) {
    log.info({ deviceId: client.id }, 'will of a replaced session not published');
    sink(packet);
    return callback(null);
  }
  const decision = authorizePublish(client.id, packet.topic, packet, context.limits.maxTopicLevels);
  if (!decision.allowed) {
    counters.rejectedPublishes += 1;
    log.warn({ deviceId: client.id, topic: packet.topic, reason: decision.reason }, 'publish refused');
    if (isWill) sink(packet);
    return callback(isWill ? null : new Error(`publish refused: ${decision.reason}`));
  }
  const parsed = parseMessage(packet.topic, packet.payload);
  if (!parsed.ok) {
    counters.droppedMessages += 1;
    log.warn(
      { deviceId: client.id, topic: packet.topic, code: parsed.code, reason: parsed.reason },
      'message dropped',
    );
    sink(packet);
    return callback(null);
  }
  deliver(context, parsed);
  // Acknowledged once stored: a QoS 1 PUBACK still means the fleet has the message.
  if (context.handlers.whenStored) context.handlers.whenStored(() => callback(null));
  else callback(null);
}

function deliver(context: HookContext, message: ParsedMessage): void {
  try {
    context.handlers.onDeviceMessage(message);
  } catch (error) {
    context.log.error(
      { deviceId: message.deviceId, kind: message.kind, err: error },
      'onDeviceMessage threw',
    );
  }
}
