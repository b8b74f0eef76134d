import { resolve } from 'node:path';
import { GatecastError, agentConfigSchema, type ReleasePublicKey } from '@gatecast/protocol';
import { z } from 'zod';
import type { BrokerLimits } from './broker/broker.js';
import {
  DEFAULT_TELEMETRY_RETENTION_TEXT,
  telemetryRetentionSchema,
  type TelemetryRetention,
} from './health/retention.js';
import { loadTrustedReleaseKeys } from './releases/trusted-keys.js';

export interface FleetConfig {
  dataDir: string;
  http: { host: string; port: number };
  mqtt: { host: string; port: number };
  mqtts: { host: string; port: number; certFile: string; keyFile: string } | null;
  /** What enrolled agents are told to connect to; `:0` is replaced by the real port at start. */
  publicMqttUrl: string;
  /** The fleet's HTTP address for screens (agent config `fleetUrl`); `:0` is replaced by the real port at start. */
  publicHttpUrl: string;
  logLevel: string;
  brokerLimits: Partial<BrokerLimits>;
  commandTimeoutMs: number;
  /** GATECAST_DEMO_CONTENT=1: every screen plays the demo welcome loop (`npm start`; docs/adr/0014). */
  demoContent: boolean;
  /** How long raw, per-minute and per-hour telemetry is kept (GATECAST_TELEMETRY_RETENTION). */
  telemetryRetention: TelemetryRetention;
  /** The alert engine: how often deadlines are checked, and every screen evaluated (GATECAST_ALERT_*_MS). */
  alerts: { tickMs: number; sweepMs: number };
  /** The rollout engine: how often active rollouts are re-evaluated (GATECAST_ROLLOUT_TICK_MS). */
  rollouts: { tickMs: number };
  /** The keys releases must be signed with (GATECAST_RELEASE_KEYS); none: every release is refused. */
  releaseKeys: ReleasePublicKey[];
  /** Several processes share one broker cluster through Redis (GATECAST_REDIS_URL); null: one process. */
  cluster: { redisUrl: string; processId: string | undefined } | null;
  /** The store in PostgreSQL (GATECAST_DATABASE_URL), shared by a cluster's processes; unset: SQLite in dataDir. */
  databaseUrl: string | undefined;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

const portSchema = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a whole number from 0 to 65535')
  .transform(Number)
  .refine((port) => port <= 65_535, 'must be a whole number from 0 to 65535');

const hostSchema = z
  .string()
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or an IP address such as 0.0.0.0');

const intervalMsSchema = z
  .string()
  .regex(/^\d{2,9}$/, 'must be a whole number of milliseconds')
  .transform(Number)
  .refine((ms) => ms >= 50, 'must be at least 50 milliseconds');

const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const flagSchema = z.enum(['0', '1'], 'must be 1 (on) or 0 (off)').transform((flag) => flag === '1');

const filePathSchema = z.string().min(1, 'must be a file path');

const mqttUrlSchema = agentConfigSchema.shape.mqtt.shape.url;

const httpUrlSchema = z.url({
  protocol: /^https?$/,
  error: 'must look like http://host:8080 or https://host',
});

// redis://[user:password@]host[:port][/db]; rediss:// for TLS. The password is never echoed back.
const redisUrlSchema = z
  .string()
  .regex(/^rediss?:\/\/[^\s/]+(\/\d{1,2})?\/?$/, 'must look like redis://127.0.0.1:6379/0');

// postgres://[user:password@]host[:port]/database[?options]. The password is never echoed back.
const databaseUrlSchema = z
  .string()
  .regex(
    /^postgres(ql)?:\/\/\S+\/[^\s/?]+(\?\S*)?$/,
    'must look like postgres://gatecast:…@127.0.0.1:5432/gatecast',
  );

// Part of Redis keys, MQTT $SYS topics and store rows: kept short and plain.
const processIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores');

/** Variables whose value may carry a password: shown without it. */
const SECRET_URLS = new Set(['GATECAST_REDIS_URL', 'GATECAST_DATABASE_URL']);

/** Reads one variable; empty counts as unset so `FOO=` in an env file means "use the default". */
function read<T>(env: NodeJS.ProcessEnv, name: string, schema: z.ZodType<T>, fallback: string): T;
function read<T>(env: NodeJS.ProcessEnv, name: string, schema: z.ZodType<T>): T | undefined;
function read<T>(env: NodeJS.ProcessEnv, name: string, schema: z.ZodType<T>, fallback?: string) {
  const raw = env[name] === '' ? undefined : env[name];
  const value = raw ?? fallback;
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    const reason = result.error.issues[0]?.message ?? 'is invalid';
    const shown = SECRET_URLS.has(name) ? withoutPassword(value) : value;
    throw new GatecastError('CONFIG_INVALID', `${name}: ${reason} (got ${JSON.stringify(shown)})`);
  }
  return result.data;
}

/** TLS is on only with both files; one alone is almost certainly a mistake, so it is refused. */
function readTls(env: NodeJS.ProcessEnv, host: string): FleetConfig['mqtts'] {
  const certFile = read(env, 'GATECAST_TLS_CERT', filePathSchema);
  const keyFile = read(env, 'GATECAST_TLS_KEY', filePathSchema);
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined) {
    throw new GatecastError(
      'CONFIG_INVALID',
      'GATECAST_TLS_CERT: must be set together with GATECAST_TLS_KEY',
    );
  }
  if (keyFile === undefined) {
    throw new GatecastError(
      'CONFIG_INVALID',
      'GATECAST_TLS_KEY: must be set together with GATECAST_TLS_CERT',
    );
  }
  const port = read(env, 'MQTTS_PORT', portSchema, '8883');
  return { host, port, certFile: resolve(certFile), keyFile: resolve(keyFile) };
}

/** A URL for messages and logs: its password, if any, replaced by ***. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

function readCluster(env: NodeJS.ProcessEnv): FleetConfig['cluster'] {
  const redisUrl = read(env, 'GATECAST_REDIS_URL', redisUrlSchema);
  const processId = read(env, 'GATECAST_PROCESS_ID', processIdSchema);
  return redisUrl === undefined ? null : { redisUrl, processId };
}

/** The fleet manager's settings from environment variables; throws CONFIG_INVALID naming the variable. */
export function loadFleetConfig(env: NodeJS.ProcessEnv): FleetConfig {
  const mqttHost = read(env, 'MQTT_HOST', hostSchema, '0.0.0.0');
  const mqttPort = read(env, 'MQTT_PORT', portSchema, '1883');
  const httpPort = read(env, 'PORT', portSchema, '8080');
  return {
    dataDir: resolve(read(env, 'GATECAST_DATA_DIR', filePathSchema, './data')),
    http: {
      host: read(env, 'HOST', hostSchema, '0.0.0.0'),
      port: httpPort,
    },
    mqtt: { host: mqttHost, port: mqttPort },
    mqtts: readTls(env, mqttHost),
    publicMqttUrl: read(env, 'GATECAST_PUBLIC_MQTT_URL', mqttUrlSchema, `mqtt://127.0.0.1:${mqttPort}`),
    publicHttpUrl: read(env, 'GATECAST_PUBLIC_URL', httpUrlSchema, `http://127.0.0.1:${httpPort}`),
    logLevel: read(env, 'LOG_LEVEL', logLevelSchema, 'info'),
    brokerLimits: {},
    commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
    demoContent: read(env, 'GATECAST_DEMO_CONTENT', flagSchema, '0'),
    telemetryRetention: read(
      env,
      'GATECAST_TELEMETRY_RETENTION',
      telemetryRetentionSchema,
      DEFAULT_TELEMETRY_RETENTION_TEXT,
    ),
    alerts: {
      tickMs: read(env, 'GATECAST_ALERT_TICK_MS', intervalMsSchema, '1000'),
      sweepMs: read(env, 'GATECAST_ALERT_SWEEP_MS', intervalMsSchema, '60000'),
    },
    // Windows open and announcements end with time alone: the engine looks again every few seconds.
    rollouts: { tickMs: read(env, 'GATECAST_ROLLOUT_TICK_MS', intervalMsSchema, '5000') },
    releaseKeys: loadTrustedReleaseKeys(env.GATECAST_RELEASE_KEYS),
    cluster: readCluster(env),
    databaseUrl: read(env, 'GATECAST_DATABASE_URL', databaseUrlSchema),
  };
}
