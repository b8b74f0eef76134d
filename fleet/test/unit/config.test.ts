import { resolve } from 'node:path';
import { GatecastError } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { loadFleetConfig } from '../../src/config.js';

function configError(env: NodeJS.ProcessEnv): GatecastError {
  try {
    loadFleetConfig(env);
  } catch (error) {
    if (error instanceof GatecastError) return error;
    throw error;
  }
  throw new Error('expected loadFleetConfig to throw');
}

describe('loadFleetConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadFleetConfig({});
    expect(config).toEqual({
      dataDir: resolve('./data'),
      http: { host: '0.0.0.0', port: 8080 },
      mqtt: { host: '0.0.0.0', port: 1883 },
      mqtts: null,
      publicMqttUrl: 'mqtt://127.0.0.1:1883',
      publicHttpUrl: 'http://127.0.0.1:8080',
      logLevel: 'info',
      brokerLimits: {},
      commandTimeoutMs: 10_000,
      demoContent: false,
      telemetryRetention: { rawMs: 2 * 86_400_000, minuteMs: 30 * 86_400_000, hourMs: 730 * 86_400_000 },
      alerts: { tickMs: 1000, sweepMs: 60_000 },
      rollouts: { tickMs: 5000 },
      releaseKeys: [],
      cluster: null,
      databaseUrl: undefined,
    });
  });

  it('reads every variable and resolves paths to absolute ones', () => {
    const config = loadFleetConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      MQTT_PORT: '11883',
      MQTT_HOST: '10.0.0.5',
      MQTTS_PORT: '18883',
      GATECAST_TLS_CERT: 'tls/fleet.crt',
      GATECAST_TLS_KEY: '/etc/gatecast/fleet.key',
      GATECAST_DATA_DIR: 'var/gatecast',
      GATECAST_PUBLIC_MQTT_URL: 'mqtts://fleet.catbi.example:18883',
      LOG_LEVEL: 'debug',
    });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(config.mqtt).toEqual({ host: '10.0.0.5', port: 11883 });
    expect(config.mqtts).toEqual({
      host: '10.0.0.5',
      port: 18883,
      certFile: resolve('tls/fleet.crt'),
      keyFile: '/etc/gatecast/fleet.key',
    });
    expect(config.dataDir).toBe(resolve('var/gatecast'));
    expect(config.publicMqttUrl).toBe('mqtts://fleet.catbi.example:18883');
    expect(config.logLevel).toBe('debug');
  });

  it('reads the public HTTP address for screens, defaulting to the HTTP port', () => {
    expect(loadFleetConfig({ PORT: '9000' }).publicHttpUrl).toBe('http://127.0.0.1:9000');
    expect(loadFleetConfig({ PORT: '0' }).publicHttpUrl).toBe('http://127.0.0.1:0');
    const env = { GATECAST_PUBLIC_URL: 'https://fleet.catbi.example' };
    expect(loadFleetConfig(env).publicHttpUrl).toBe('https://fleet.catbi.example');
    expect(() => loadFleetConfig({ GATECAST_PUBLIC_URL: 'ftp://fleet' })).toThrow(/GATECAST_PUBLIC_URL/);
  });

  it('derives the public MQTT URL from MQTT_PORT and allows port 0 for tests', () => {
    const config = loadFleetConfig({ MQTT_PORT: '0', PORT: '0' });
    expect(config.mqtt.port).toBe(0);
    expect(config.http.port).toBe(0);
    expect(config.publicMqttUrl).toBe('mqtt://127.0.0.1:0');
  });

  it('treats an empty variable as unset', () => {
    expect(loadFleetConfig({ PORT: '', GATECAST_TLS_CERT: '' }).http.port).toBe(8080);
  });

  it.each([
    ['PORT', '80a'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['MQTT_PORT', '1e3'],
    ['MQTTS_PORT', '99999'],
    ['HOST', 'fleet host'],
    ['MQTT_HOST', 'a/b'],
    ['LOG_LEVEL', 'verbose'],
    ['GATECAST_PUBLIC_MQTT_URL', 'http://fleet:1883'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    const tls = name === 'MQTTS_PORT' ? { GATECAST_TLS_CERT: 'c.pem', GATECAST_TLS_KEY: 'k.pem' } : {};
    const error = configError({ ...tls, [name]: value });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message.startsWith(`${name}: `)).toBe(true);
  });

  it('reads the rollout engine interval and refuses one too short', () => {
    expect(loadFleetConfig({ GATECAST_ROLLOUT_TICK_MS: '250' }).rollouts).toEqual({ tickMs: 250 });
    expect(configError({ GATECAST_ROLLOUT_TICK_MS: '10' }).message).toMatch(/^GATECAST_ROLLOUT_TICK_MS: /);
  });

  it('reads the Redis URL and process id of a cluster, and stays one process without them', () => {
    expect(loadFleetConfig({ GATECAST_PROCESS_ID: 'fleet-a' }).cluster).toBeNull();
    expect(loadFleetConfig({ GATECAST_REDIS_URL: 'redis://127.0.0.1:6379/0' }).cluster).toEqual({
      redisUrl: 'redis://127.0.0.1:6379/0',
      processId: undefined,
    });
    expect(
      loadFleetConfig({ GATECAST_REDIS_URL: 'rediss://:pw@redis.internal:6380', GATECAST_PROCESS_ID: 'a-1' })
        .cluster,
    ).toEqual({ redisUrl: 'rediss://:pw@redis.internal:6380', processId: 'a-1' });
  });

  it('refuses a malformed Redis URL without echoing its password, and an odd process id', () => {
    const error = configError({ GATECAST_REDIS_URL: 'http://:secret@127.0.0.1:6379' });
    expect(error.message).toMatch(/^GATECAST_REDIS_URL: must look like redis:\/\/127\.0\.0\.1:6379\/0/);
    expect(error.message).not.toContain('secret');
    expect(configError({ GATECAST_REDIS_URL: 'redis://127.0.0.1:6379/0/x' }).message).toMatch(
      /^GATECAST_REDIS_URL: /,
    );
    expect(
      configError({ GATECAST_REDIS_URL: 'redis://127.0.0.1', GATECAST_PROCESS_ID: 'a b' }).message,
    ).toMatch(/^GATECAST_PROCESS_ID: /);
  });

  it('reads a PostgreSQL store URL, and refuses a malformed one without echoing its password', () => {
    const url = 'postgres://gatecast:pw@db.internal:5432/gatecast?sslmode=require';
    expect(loadFleetConfig({ GATECAST_DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(loadFleetConfig({}).databaseUrl).toBeUndefined();
    const error = configError({ GATECAST_DATABASE_URL: 'mysql://gatecast:secret@db.internal/gatecast' });
    expect(error.message).toMatch(/^GATECAST_DATABASE_URL: must look like postgres:\/\//);
    expect(error.message).not.toContain('secret');
    expect(configError({ GATECAST_DATABASE_URL: 'postgres://db.internal:5432' }).code).toBe('CONFIG_INVALID');
  });

  it('says what a port must be', () => {
    expect(configError({ MQTT_PORT: 'x' }).message).toMatch(
      /^MQTT_PORT: must be a whole number from 0 to 65535/,
    );
  });

  it('refuses a TLS certificate without its key and the other way round', () => {
    const noKey = configError({ GATECAST_TLS_CERT: 'fleet.crt' });
    expect(noKey.code).toBe('CONFIG_INVALID');
    expect(noKey.message).toMatch(/^GATECAST_TLS_KEY: must be set together with GATECAST_TLS_CERT/);
    const noCert = configError({ GATECAST_TLS_KEY: 'fleet.key' });
    expect(noCert.message).toMatch(/^GATECAST_TLS_CERT: must be set together with GATECAST_TLS_KEY/);
  });

  it('ignores MQTTS_PORT while TLS is off', () => {
    expect(loadFleetConfig({ MQTTS_PORT: '8884' }).mqtts).toBeNull();
  });
});
