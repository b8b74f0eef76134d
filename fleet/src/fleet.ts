import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { GatecastError } from '@gatecast/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AuditLog } from './audit/audit-log.js';
import { ApiTokens } from './auth/api-tokens.js';
import { createBroker, type Broker } from './broker/broker.js';
import { joinCluster, type Cluster } from './cluster/cluster.js';
import { everyInterval, startRightAway } from './cluster/engine-runner.js';
import { CommissioningService } from './commissioning/commissioning-service.js';
import { CommandClient } from './commands/command-client.js';
import { withoutPassword, type FleetConfig } from './config.js';
import { createFleetDomains, type FleetDomains } from './fleet-domains.js';
import { startFleetHealth, type FleetHealth } from './fleet-health.js';
import { DeviceInbox } from './devices/device-inbox.js';
import { storedSecretAuthenticator } from './devices/device-secrets.js';
import { DevicesRepo } from './devices/devices-repo.js';
import { FleetEvents } from './devices/fleet-events.js';
import { DeviceEventsRepo } from './events/device-events-repo.js';
import { EnrolmentService } from './enrolment/enrolment-service.js';
import { GatesRepo } from './gates/gates-repo.js';
import { DEMO_MEDIA_DIR, loadMediaLibrary, mediaSources } from './media/media-library.js';
import { buildHttpApp } from './http/build-http-app.js';
import { ScreenshotStore } from './screenshots/screenshot-store.js';
import { ReleasesService } from './releases/releases-service.js';
import { DEFAULT_WEB_ROOT } from './http/dashboard.js';
import { openStore, type Store as OpenedStore } from './store/open-store.js';
import type { Sql } from './store/sql.js';
import { ensureFirstAdmin } from './users/first-admin.js';
import { SessionStore } from './users/sessions.js';
import { UsersRepo } from './users/users-repo.js';

export interface RunningFleet {
  httpPort: number;
  mqttPort: number;
  mqttsPort: number | null;
  /** The admin API token, only on the very first start of a data dir; null afterwards. */
  adminToken: string | null;
  adminTokenFile: string;
  /** The first admin's one-time password, only at the start that created that user; null afterwards. */
  adminPassword: string | null;
}

export interface Fleet {
  start(): Promise<RunningFleet>;
  stop(): Promise<void>;
}

/** What one start() opened, so stop() (or a failed start) closes exactly that. */
interface Run {
  store?: OpenedStore;
  commands?: CommandClient;
  broker?: Broker;
  inbox?: DeviceInbox;
  app?: FastifyInstance;
  events?: FleetEvents;
  domains?: FleetDomains;
  health?: FleetHealth;
  /** Set when GATECAST_REDIS_URL makes this process one of several. */
  cluster?: Cluster;
}

/** The fleet manager: store, broker and HTTP API wired together. Creating it does no I/O. */
export function createFleet(config: FleetConfig, log: Logger): Fleet {
  const fleetLog = log.child({ mod: 'fleet' });
  let current: Run | null = null;
  let stopping: Promise<void> | null = null;

  return {
    async start() {
      if (current) throw new GatecastError('CONFLICT', 'the fleet manager is already running');
      if (stopping) await stopping;
      const run: Run = {};
      current = run;
      try {
        const running = await startRun(run, config, log);
        fleetLog.info(
          { ...running, adminToken: undefined, adminPassword: undefined },
          'fleet manager started',
        );
        return running;
      } catch (error) {
        current = null;
        await stopRun(run, fleetLog);
        throw startFailure(error);
      }
    },
    async stop() {
      const run = current;
      current = null;
      if (run) stopping = stopRun(run, fleetLog).finally(() => (stopping = null));
      await stopping;
    },
  };
}

async function startRun(run: Run, config: FleetConfig, log: Logger): Promise<RunningFleet> {
  const store = await openFleetStore(run, config, log);
  const admin = await ensureFirstAdmin(store, config.dataDir);
  const tls = await readTls(config.mqtts);
  // Device changes for the dashboard's live stream: the inbox tells, the HTTP stream listens.
  run.events = new FleetEvents({ log });
  // One process: nobody is connected yet. A cluster: other processes hold screens, so only
  // screens no live process holds go offline (cluster/cluster-presence.ts).
  if (config.cluster) {
    run.cluster = await joinCluster({ config: config.cluster, sql: store.sql, events: run.events, log });
  } else {
    await markAllOffline(store.devices);
  }
  const engines = run.cluster?.engines ?? startRightAway;
  const { broker, commands } = wireBroker(run, config, tls, store, log);
  const media = config.demoContent ? await loadMediaLibrary(DEMO_MEDIA_DIR, log) : undefined;
  // The demo's media URLs name the fleet's HTTP address, known only once it listens (port 0).
  let demoFleetUrl: string | undefined;
  const demo = () => (media && demoFleetUrl ? { media, fleetUrl: demoFleetUrl } : undefined);
  // Media URLs name the address screens reach, with the port actually bound (PORT=0).
  const mediaBaseUrl = () => {
    const address = run.app?.server.address();
    return address && typeof address === 'object'
      ? withActualHttpPort(config.publicHttpUrl, address.port)
      : undefined;
  };
  const domains = await createFleetDomains({
    ...store,
    broker,
    dataDir: config.dataDir,
    log,
    demo,
    mediaBaseUrl,
    events: run.events,
    rolloutTickMs: config.rollouts.tickMs,
    engines,
  });
  run.domains = domains;
  // One store of screenshots: the HTTP API saves them, Telegram alerts attach the latest.
  const screenshots = new ScreenshotStore({ dir: join(config.dataDir, 'screenshots'), log });
  run.health = await startFleetHealth({
    ...store,
    desired: domains.desired,
    events: run.events,
    screenshots,
    config,
    publicUrl: () => mediaBaseUrl() ?? config.publicHttpUrl,
    log,
    engines,
  });
  run.cluster?.shareEngineSignals({ alerts: run.health.alertEngine, rollouts: domains.rollouts.engine });
  // Codes and pages pushed through another process arm no timer in the engines' process.
  await run.cluster?.engines.run(
    'counters-catch-up',
    everyInterval(30_000, () => domains.counters.sweep(), log),
  );
  const { desired } = domains;
  const ports = await listening('cannot start the MQTT broker', () => broker.start());
  // Retained documents live in memory, or in Redis, where the running processes keep them: a
  // republish there would re-send every document to every screen connected elsewhere.
  if (!run.cluster || run.cluster.firstToStart()) await desired.republishAll();

  const releases = new ReleasesService({
    sql: store.sql,
    dir: join(config.dataDir, 'releases'),
    trustedKeys: config.releaseKeys,
    log,
  });
  // Known for certain only once the app listens (PORT=0); enrolment reads it then.
  let publicHttpUrl = config.publicHttpUrl;
  const app = buildHttpApp({
    ...store,
    log,
    desired,
    commands,
    broker,
    publicMqttUrl: withActualPort(config.publicMqttUrl, ports),
    publicHttpUrl: () => publicHttpUrl,
    deviceCredentials: store.devices,
    screenshots,
    commandTimeoutMs: config.commandTimeoutMs,
    events: run.events,
    webRoot: DEFAULT_WEB_ROOT,
    library: domains.library,
    webAllowList: store.gates,
    afterWebAllowListChange: (gateId) => domains.refreshGate(gateId),
    media: mediaSources(domains.library, media, domains.info),
    content: domains.content,
    announcements: domains.announcements,
    reports: domains.reports,
    info: domains.info,
    counters: domains.counters,
    traveller: { bundles: domains.info },
    ...run.health.http,
    releases,
    rollouts: domains.rollouts.service,
    mayFetchRelease: domains.rollouts.mayFetch,
    enrolment: new EnrolmentService({
      sql: store.sql,
      gates: store.gates,
      releaseKeys: config.releaseKeys,
      log,
    }),
    commissioning: new CommissioningService({ ...store, releaseKeys: config.releaseKeys }),
  });
  run.app = app;
  await listening('cannot start the HTTP API', () =>
    app.listen({ host: config.http.host, port: config.http.port }),
  );
  const httpPort = (app.server.address() as AddressInfo).port;
  if (media) demoFleetUrl = withActualHttpPort(config.publicHttpUrl, httpPort);
  // What the fleet composes may have changed since the last run (the demo switched on or off):
  // every screen is composed again; an unchanged document keeps its version and is not re-sent.
  await desired.refreshAll();
  publicHttpUrl = withActualHttpPort(config.publicHttpUrl, httpPort);
  // Rollouts carry on where the last run stopped: artifact URLs name the address bound just now.
  await engines.run('rollouts', domains.rollouts.engine);
  await run.cluster?.begin();
  return {
    httpPort,
    ...ports,
    adminToken: admin.token,
    adminTokenFile: admin.tokenFile,
    adminPassword: admin.password,
  };
}

interface Store {
  /** The store's one async query path, on SQLite or PostgreSQL (ADR 39). */
  sql: Sql;
  gates: GatesRepo;
  devices: DevicesRepo;
  deviceEvents: DeviceEventsRepo;
  tokens: ApiTokens;
  users: UsersRepo;
  sessions: SessionStore;
  audit: AuditLog;
}

async function openFleetStore(run: Run, config: FleetConfig, log: Logger): Promise<Store> {
  const where = config.databaseUrl ? `at ${withoutPassword(config.databaseUrl)}` : `in ${config.dataDir}`;
  const opened = await listening(`cannot open the database ${where}`, () =>
    openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, log }),
  );
  run.store = opened;
  return {
    sql: opened.sql,
    gates: new GatesRepo(opened.sql, log),
    devices: new DevicesRepo(opened.sql, log),
    deviceEvents: new DeviceEventsRepo(opened.sql, log),
    tokens: new ApiTokens(opened.sql),
    users: new UsersRepo(opened.sql),
    sessions: new SessionStore(opened.sql),
    audit: new AuditLog(opened.sql),
  };
}

/** Broker, command client and inbox: devices authenticate against the store, messages land in it. */
function wireBroker(
  run: Run,
  config: FleetConfig,
  tls: { cert: Buffer; key: Buffer } | null,
  { devices, deviceEvents }: Store,
  log: Logger,
): { broker: Broker; commands: CommandClient } {
  // The command client and the broker need each other; the client reaches the broker late.
  const brokerRef: Pick<Broker, 'publishToDevice' | 'isConnected'> = {
    publishToDevice: (deviceId, kind, payload) =>
      requireStarted(run.broker).publishToDevice(deviceId, kind, payload),
    isConnected: (deviceId) =>
      (run.broker?.isConnected(deviceId) ?? false) || (run.cluster?.heldElsewhere(deviceId) ?? false),
  };
  const commands = new CommandClient({ broker: brokerRef, log });
  run.commands = commands;
  run.inbox = new DeviceInbox({ devices, deviceEvents, commands, log, events: run.events });
  const inbox = run.inbox;
  const cluster = run.cluster;
  const broker = createBroker({
    log,
    authenticator: storedSecretAuthenticator(devices),
    handlers: cluster ? cluster.presence(inbox, () => broker.connectedDeviceIds()) : inbox,
    ...(cluster ? { backend: cluster.brokerBackend } : {}),
    limits: config.brokerLimits,
    tcp: config.mqtt,
    ...(config.mqtts && tls ? { tls: { host: config.mqtts.host, port: config.mqtts.port, ...tls } } : {}),
  });
  run.broker = broker;
  return { broker: cluster ? cluster.attach(broker, commands) : broker, commands };
}

/** Reverse order of start; each part is closed even when an earlier one fails to. */
async function stopRun(run: Run, log: Logger): Promise<void> {
  const steps: Array<[string, (() => unknown) | undefined]> = [
    // A cluster's engines hand over first, so another process takes them while this one closes.
    ['engines', run.cluster && (() => run.cluster?.endEngines())],
    ['http', run.app && (() => run.app?.close())],
    ['events', run.events && (() => run.events?.stop())],
    ['health', run.health && (() => run.health?.stop())],
    ['content', run.domains && (() => run.domains?.stop())],
    ['broker', run.broker && (() => run.broker?.stop())],
    ['cluster', run.cluster && (() => run.cluster?.stop())],
    // Events the broker took are written before the store closes.
    ['inbox', run.inbox && (() => run.inbox?.settled())],
    ['commands', run.commands && (() => run.commands?.stop())],
    ['database', run.store && (() => run.store?.close())],
  ];
  for (const [part, close] of steps) {
    if (!close) continue;
    try {
      await close();
    } catch (error) {
      log.error({ part, err: (error as Error).message }, 'could not stop cleanly');
    }
  }
  log.info('fleet manager stopped');
}

/** A crash or power cut leaves rows saying 'online'; nobody is connected before the broker starts. */
async function markAllOffline(devices: DevicesRepo): Promise<void> {
  const at = new Date().toISOString();
  for (const device of await devices.list()) {
    if (device.presence.state === 'online') await devices.setPresence(device.id, 'offline', at);
  }
}

async function readTls(mqtts: FleetConfig['mqtts']): Promise<{ cert: Buffer; key: Buffer } | null> {
  if (!mqtts) return null;
  const read = async (file: string, variable: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new GatecastError('CONFIG_INVALID', `cannot read ${variable} ${file} (${code})`);
    }
  };
  return {
    cert: await read(mqtts.certFile, 'GATECAST_TLS_CERT'),
    key: await read(mqtts.keyFile, 'GATECAST_TLS_KEY'),
  };
}

/**
 * Agents cannot connect to port 0: when the fleet was started on an ephemeral port (tests,
 * demos), the URL handed to enrolled agents names the port actually bound.
 */
export function withActualPort(url: string, ports: { mqttPort: number; mqttsPort: number | null }): string {
  const port = url.startsWith('mqtts:') ? ports.mqttsPort : ports.mqttPort;
  return port === null ? url : url.replace(/:0(\/?)$/, `:${port}$1`);
}

/** Like withActualPort, for the HTTP address screens upload to and download from. */
export function withActualHttpPort(url: string, httpPort: number): string {
  return url.replace(/^(https?:\/\/[^/]+):0(\/?)$/, `$1:${httpPort}$2`);
}

function requireStarted(broker: Broker | undefined): Broker {
  if (!broker) throw new GatecastError('UNAVAILABLE', 'the MQTT broker is not running');
  return broker;
}

async function listening<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new GatecastError('UNAVAILABLE', `${what}: ${describeListenError(error)}`);
  }
}

function describeListenError(error: unknown): string {
  const { code, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
  const where = address !== undefined && port !== undefined ? `${address}:${port}` : 'the address';
  if (code === 'EADDRINUSE') return `${where} is already in use`;
  if (code === 'EACCES') return `no permission to listen on ${where}`;
  if (code === 'EADDRNOTAVAIL') return `${where} is not an address of this machine`;
  return oneLine(error);
}

function oneLine(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split('\n')[0] ?? 'unknown error';
}

/** Start failures surface as one line naming the cause; anything unexpected keeps its message. */
function startFailure(error: unknown): Error {
  if (error instanceof GatecastError) return error;
  return new GatecastError('INTERNAL', `the fleet manager could not start: ${oneLine(error)}`);
}
