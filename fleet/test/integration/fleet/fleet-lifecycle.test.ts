import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  commandRequestSchema,
  deviceTopic,
  desiredSchema,
  encodePayload,
  type AgentConfigInput,
} from '@gatecast/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFleetConfig } from '../../../src/config.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { createFleet } from '../../../src/fleet.js';
import { openDatabase } from '../../../src/store/database.js';
import { sqlOverSqlite } from '../../../src/store/open-store.js';
import { eventually, makeTempDir, nextMessage, startRealFleet, type RealFleet } from './real-fleet.js';

let fleet: RealFleet;

beforeEach(async () => {
  fleet = await startRealFleet();
  expect(
    (await fleet.api('POST', '/api/v1/gates', { id: 'cat-bi', name: 'Cat Bi International Airport' })).status,
  ).toBe(201);
  const zone = await fleet.api('POST', '/api/v1/gates/cat-bi/zones', {
    id: 'arrivals',
    name: 'Arrivals hall',
  });
  expect(zone.status).toBe(201);
});

afterEach(async () => {
  await fleet.close();
});

async function enrol(): Promise<{ id: string; agentConfig: AgentConfigInput }> {
  const answer = await fleet.api('POST', '/api/v1/devices', {
    name: 'Arrivals 1',
    gateId: 'cat-bi',
    zoneId: 'arrivals',
  });
  expect(answer.status).toBe(201);
  return { id: answer.body.device.id, agentConfig: answer.body.agentConfig };
}

const presenceOf = (id: string) => async () => (await fleet.api('GET', `/api/v1/devices/${id}`)).body.device;

describe('a real fleet', () => {
  it('hands out the admin token once and keeps it in a private file', () => {
    expect(fleet.running.adminToken).toMatch(/^gct_/);
    expect(fleet.running.adminPassword).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    expect(fleet.running.adminTokenFile).toBe(path.join(fleet.dataDir, 'admin-token'));
    expect(fs.statSync(fleet.running.adminTokenFile).mode & 0o777).toBe(0o600);
    expect(fleet.running.mqttsPort).toBeNull();
  });

  it('enrols a device that connects with its secret, shows online, and goes offline at once on a clean end', async () => {
    const { id, agentConfig } = await enrol();
    expect(agentConfig.mqtt.url).toBe(`mqtt://127.0.0.1:${fleet.running.mqttPort}`);
    const client = await fleet.device(agentConfig);
    const online = await eventually(presenceOf(id), (device) => device.presence.state === 'online');
    expect(online).toMatchObject({ connected: true, presence: { state: 'online' } });

    const desiredTopic = deviceTopic(id, 'desired');
    const delivered = nextMessage(client, desiredTopic);
    await client.subscribeAsync(desiredTopic, { qos: 1 });
    const document = desiredSchema.parse(JSON.parse((await delivered).toString()));
    expect(document).toMatchObject({
      deviceId: id,
      version: 1,
      device: { gateId: 'cat-bi', zoneId: 'arrivals' },
    });
    expect(online.desiredVersion).toBe(1);
    expect(online.inSync).toBe(false);

    const at = new Date().toISOString();
    const reported = encodePayload('reported', {
      at,
      agentVersion: '0.1.0',
      appliedVersion: document.version,
      desiredSource: 'fleet',
      phase: 'playing',
      currentItemId: document.content.defaultItem.id,
    });
    await client.publishAsync(deviceTopic(id, 'reported'), reported, { qos: 1, retain: true });
    const telemetry = encodePayload('telemetry', {
      at,
      uptimeSec: 120,
      cpu: { loadPercent: 12.5, temperatureC: 51.2 },
      memory: { totalBytes: 4e9, usedBytes: 1e9 },
      disk: null,
      agent: { version: '0.1.0', rssBytes: 6e7, uptimeSec: 100 },
    });
    await client.publishAsync(deviceTopic(id, 'telemetry'), telemetry, { qos: 0 });
    const synced = await eventually(
      presenceOf(id),
      (device) => device.inSync && device.lastTelemetry !== null,
    );
    expect(synced).toMatchObject({
      inSync: true,
      appliedVersion: 1,
      agentVersion: '0.1.0',
      reported: { phase: 'playing', errors: [] },
      lastTelemetry: { cpu: { temperatureC: 51.2 } },
    });

    await client.endAsync();
    const offline = await eventually(presenceOf(id), (device) => device.presence.state === 'offline', 2_000);
    expect(offline).toMatchObject({ connected: false, presence: { state: 'offline' } });
  });

  it('DELETE kicks the connected device and its secret is refused afterwards', async () => {
    const { id, agentConfig } = await enrol();
    const client = await fleet.device(agentConfig);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const removed = await fleet.api('DELETE', `/api/v1/devices/${id}`);
    expect(removed.status).toBe(204);
    await closed;
    expect(client.connected).toBe(false);
    await expect(fleet.device(agentConfig)).rejects.toThrow(/Not authorized|Bad username or password/);
    expect((await fleet.api('GET', `/api/v1/devices/${id}`)).status).toBe(404);
  });

  it('answers a ping through a real MQTT client that serves cmd/req', async () => {
    const { id, agentConfig } = await enrol();
    const client = await fleet.device(agentConfig);
    client.on('message', (topic, payload) => {
      if (topic !== deviceTopic(id, 'cmd/req')) return;
      const request = commandRequestSchema.parse(JSON.parse(payload.toString()));
      const answer = encodePayload('cmd/res', {
        id: request.id,
        name: request.name,
        at: new Date().toISOString(),
        ok: true,
        result: { agentVersion: '0.1.0', pong: true },
      });
      client.publish(deviceTopic(id, 'cmd/res'), answer, { qos: 1 });
    });
    await client.subscribeAsync(deviceTopic(id, 'cmd/req'), { qos: 1 });
    const answer = await fleet.api('POST', `/api/v1/devices/${id}/commands`, {
      name: 'ping',
      timeoutMs: 10_000,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.result).toMatchObject({
      ok: true,
      name: 'ping',
      result: { agentVersion: '0.1.0', pong: true },
    });
  });

  it('answers 504 when the device never answers and 409 when it is not connected', async () => {
    const { id, agentConfig } = await enrol();
    const offline = await fleet.api('POST', `/api/v1/devices/${id}/commands`, { name: 'ping' });
    expect(offline.status).toBe(409);
    expect(offline.body.error.code).toBe('DEVICE_OFFLINE');
    await fleet.device(agentConfig);
    await eventually(presenceOf(id), (device) => device.connected);
    const silent = await fleet.api('POST', `/api/v1/devices/${id}/commands`, {
      name: 'ping',
      timeoutMs: 300,
    });
    expect(silent.status).toBe(504);
    expect(silent.body.error.code).toBe('COMMAND_TIMEOUT');
  });

  it('shows device gauges in /metrics', async () => {
    const { id, agentConfig } = await enrol();
    await enrol();
    await fleet.device(agentConfig);
    await eventually(presenceOf(id), (device) => device.presence.state === 'online');
    const metrics = await fleet.api('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('gatecast_devices{gate="cat-bi",presence="online"} 1');
    expect(metrics.text).toContain('gatecast_devices{gate="cat-bi",presence="never-seen"} 1');
    expect(metrics.text).toContain('gatecast_devices_connected 1');
    expect(metrics.text).toMatch(/gatecast_broker_rejected_connects_total \d+/);
  });

  it('after a restart on the same data dir and port the device reconnects and gets its desired document again', async () => {
    const { id, agentConfig } = await enrol();
    const client = await fleet.device(agentConfig, { reconnectPeriod: 100 });
    const desiredTopic = deviceTopic(id, 'desired');
    const first = nextMessage(client, desiredTopic);
    await client.subscribeAsync(desiredTopic, { qos: 1 });
    const before = desiredSchema.parse(JSON.parse((await first).toString()));

    // Listening before the restart: the device may reconnect and get its document before start() returns.
    const next = nextMessage(client, desiredTopic, 30_000);
    await fleet.restart();
    expect(fleet.running.adminToken).toBeNull();
    expect(fleet.running.adminPassword).toBeNull();
    const again = desiredSchema.parse(JSON.parse((await next).toString()));
    expect(again).toEqual(before);
    const device = await eventually(presenceOf(id), (view) => view.presence.state === 'online');
    expect(device).toMatchObject({ connected: true, desiredVersion: before.version });
    expect((await fleet.api('GET', '/api/v1/gates')).status).toBe(200);
  });
});

describe('fleet start and stop', () => {
  const silent = pino({ level: 'silent' });

  it('marks devices left online by a crash offline before the broker starts', async () => {
    const { id } = await enrol();
    await fleet.fleet.stop();
    // What a power cut leaves behind: the row still says online.
    const db = openDatabase(fleet.dataDir, silent);
    await new DevicesRepo(sqlOverSqlite(db)).setPresence(id, 'online', new Date().toISOString());
    db.close();
    await fleet.restart();
    const device = (await fleet.api('GET', `/api/v1/devices/${id}`)).body.device;
    expect(device.presence.state).toBe('offline');
  });

  it('stop is idempotent and start works again after it', async () => {
    await fleet.fleet.stop();
    await fleet.fleet.stop();
    await fleet.restart();
    expect((await fleet.api('GET', '/healthz', undefined, null)).body.status).toBe('ok');
  });

  it('rejects with one line naming the port that is in use, and leaves nothing open', async () => {
    const dir = makeTempDir();
    const taken = `127.0.0.1:${fleet.running.mqttPort}`;
    const config = loadFleetConfig({
      PORT: '0',
      MQTT_PORT: String(fleet.running.mqttPort),
      MQTT_HOST: '127.0.0.1',
      GATECAST_DATA_DIR: dir,
    });
    const second = createFleet(config, silent);
    await expect(second.start()).rejects.toThrow(`cannot start the MQTT broker: ${taken} is already in use`);
    // The database was closed again: its directory can be removed and reopened at once.
    const db = openDatabase(dir, silent);
    db.close();
    await second.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects naming an HTTP port in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = makeTempDir();
    const config = loadFleetConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      MQTT_PORT: '0',
      MQTT_HOST: '127.0.0.1',
      GATECAST_DATA_DIR: dir,
    });
    const second = createFleet(config, silent);
    try {
      await expect(second.start()).rejects.toThrow(
        `cannot start the HTTP API: 127.0.0.1:${port} is already in use`,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects naming a TLS file it cannot read', async () => {
    const dir = makeTempDir();
    const missing = path.join(dir, 'fleet.crt');
    const config = loadFleetConfig({
      PORT: '0',
      MQTT_PORT: '0',
      MQTTS_PORT: '0',
      GATECAST_TLS_CERT: missing,
      GATECAST_TLS_KEY: path.join(dir, 'fleet.key'),
      GATECAST_DATA_DIR: path.join(dir, 'data'),
    });
    await expect(createFleet(config, silent).start()).rejects.toThrow(
      `cannot read GATECAST_TLS_CERT ${missing} (ENOENT)`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps serving the old token and refuses a wrong one after a restart', async () => {
    await fleet.restart();
    expect((await fleet.api('GET', '/api/v1/gates')).status).toBe(200);
    expect((await fleet.api('GET', '/api/v1/gates', undefined, 'gct_nope')).status).toBe(401);
  });
});
