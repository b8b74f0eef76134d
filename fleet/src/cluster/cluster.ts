import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AlertEngine } from '../alerts/alert-engine.js';
import type { Broker, BrokerBackend, BrokerHandlers } from '../broker/broker.js';
import type { CommandClient } from '../commands/command-client.js';
import type { FleetConfig } from '../config.js';
import { withoutPassword } from '../config.js';
import type { FleetEvents } from '../devices/fleet-events.js';
import type { RolloutEngine } from '../rollouts/rollout-engine.js';
import type { Sql } from '../store/sql.js';
import { clusterWideBroker } from './cluster-broker.js';
import { ClusterEvents } from './cluster-events.js';
import { ClusterPresence } from './cluster-presence.js';
import { LeasedEngines } from './engine-runner.js';
import { shareEngineSignals } from './engine-signals.js';
import { LeaseRepo } from './lease-repo.js';
import { PresenceRepo } from './presence-repo.js';
import { redisBrokerBackend } from './redis-broker-backend.js';
import { closeRedis, openRedis, probeRedis } from './redis-connection.js';

/** Every single-runner engine runs under this one lease, so they stay together in one process. */
export const ENGINES_LEASE = 'engines';

/** What one process of a cluster adds to the fleet; fleet.ts wires it in when GATECAST_REDIS_URL is set. */
export interface Cluster {
  processId: string;
  brokerBackend: BrokerBackend;
  engines: LeasedEngines;
  /** Wraps the inbox so stored presence stays right across processes and command results travel. */
  presence(inner: BrokerHandlers, connectedHere: () => string[]): BrokerHandlers;
  /** Once the broker exists: kicks and command results from the others land here; returns the cluster-wide broker. */
  attach(local: Broker, commands: Pick<CommandClient, 'handleResult'>): Broker;
  /** Another live process holds the screen's connection (as of the last heartbeat, 5 s). */
  heldElsewhere(deviceId: string): boolean;
  /** No other process was alive at this one's start. */
  firstToStart(): boolean;
  /** Alert acknowledgements, policy changes and new rollouts reach the engines' process. */
  shareEngineSignals(engines: { alerts: AlertEngine; rollouts: RolloutEngine }): void;
  /** Once the fleet serves: the engines start here if this process wins the lease. */
  begin(): Promise<void>;
  /** First of all on stop: the engines hand over to another process. */
  endEngines(): Promise<void>;
  /** After the broker stopped: leaves the cluster and closes the Redis connections. */
  stop(): Promise<void>;
}

/** hostname-pid unless GATECAST_PROCESS_ID names it; a process's id must differ from its peers'. */
export function defaultProcessId(): string {
  return `${hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 50)}-${process.pid}`;
}

/** Joins the cluster: Redis must answer (or a clear error), this process registers and sweeps. */
export async function joinCluster(deps: {
  config: NonNullable<FleetConfig['cluster']>;
  sql: Sql;
  events: FleetEvents;
  log: Logger;
}): Promise<Cluster> {
  const { config, events } = deps;
  const processId = config.processId ?? defaultProcessId();
  const log = deps.log.child({ process: processId });
  await probeRedis(config.redisUrl);
  const connections: Redis[] = [
    openRedis(config.redisUrl, 'events-pub', log),
    openRedis(config.redisUrl, 'events-sub', log),
  ];
  const [publisher, subscriber] = connections as [Redis, Redis];
  const relay = new ClusterEvents({ events, processId, publisher, subscriber, log });
  const engines = new LeasedEngines({
    repo: new LeaseRepo(deps.sql),
    name: ENGINES_LEASE,
    holder: processId,
    log,
  });
  // The inbox and the broker come later (presence()); nothing calls the handlers before.
  let inbox: BrokerHandlers | null = null;
  let connectedHere = (): string[] => [];
  const inner = (): BrokerHandlers => {
    if (!inbox) throw new Error('the cluster presence has no inbox yet');
    return inbox;
  };
  // The screen answers the process it is connected to; the command may wait in another.
  const relaying: BrokerHandlers = {
    onDeviceConnected: (deviceId) => inner().onDeviceConnected(deviceId),
    onDeviceDisconnected: (deviceId, cause) => inner().onDeviceDisconnected(deviceId, cause),
    whenStored: (done) => {
      const handlers = inner();
      if (handlers.whenStored) handlers.whenStored(done);
      else done();
    },
    onDeviceMessage(message) {
      inner().onDeviceMessage(message);
      if (message.kind === 'cmd/res') {
        relay.publish({ kind: 'command-result', deviceId: message.deviceId, result: message.payload });
      }
    },
  };
  const presence = new ClusterPresence({
    repo: new PresenceRepo(deps.sql),
    processId,
    inner: relaying,
    connectedHere: () => connectedHere(),
    changed: (deviceId) => events.deviceChanged(deviceId),
    log,
  });
  try {
    await relay.start();
    // Here, before the broker exists: firstToStart is known, and unheld screens are offline.
    await presence.start();
  } catch (error) {
    await presence.stop();
    relay.stop();
    for (const connection of connections) connection.disconnect();
    throw error;
  }
  log.info({ redis: withoutPassword(config.redisUrl) }, 'joined the cluster');
  const heldElsewhere = (deviceId: string): boolean => presence.heldElsewhere(deviceId);
  return {
    processId,
    brokerBackend: redisBrokerBackend({ url: config.redisUrl, processId, log }),
    engines,
    presence(handlers, connected) {
      inbox = handlers;
      connectedHere = connected;
      return presence;
    },
    attach(local, commands) {
      relay.on('kick', ({ deviceId }) => void local.kick(deviceId));
      relay.on('command-result', ({ deviceId, result }) => commands.handleResult(deviceId, result));
      return clusterWideBroker(local, {
        heldElsewhere,
        kickElsewhere: (deviceId) => relay.publish({ kind: 'kick', deviceId }),
      });
    },
    heldElsewhere,
    firstToStart: () => presence.firstToStart,
    shareEngineSignals: (shared) =>
      shareEngineSignals({ bus: relay, runsEngines: () => engines.holding, log, ...shared }),
    begin: () => engines.begin(),
    endEngines: () => engines.end(),
    async stop() {
      relay.stop();
      await presence.stop();
      await Promise.all(connections.map(closeRedis));
    },
  };
}
