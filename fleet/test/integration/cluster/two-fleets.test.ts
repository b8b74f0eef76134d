import fs from 'node:fs';
import path from 'node:path';
import { commandRequestSchema, deviceTopic, encodePayload, type AgentConfigInput } from '@gatecast/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, makeTempDir, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { redisOrSkip, startTestRedis, type TestRedis } from './test-redis.js';

const hasRedis = redisOrSkip();
/** A screen connected to another process is seen as connected after the next heartbeat (5 s). */
const WITHIN_A_BEAT = 10_000;

// Two whole fleet managers in this process, as two `gatecast serve` would run: one Redis, one store.
describe.skipIf(!hasRedis)('two fleet processes sharing Redis and the store', () => {
  let redis: TestRedis;
  let one: RealFleet;
  let two: RealFleet;
  let shared: string;

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  beforeEach(async () => {
    shared = makeTempDir();
    const dataDir = path.join(shared, 'data');
    const env = (processId: string) => ({
      GATECAST_DATA_DIR: dataDir,
      GATECAST_REDIS_URL: redis.url,
      GATECAST_PROCESS_ID: `${processId}-${process.pid}`,
    });
    // The first start migrates the store; the second joins it.
    one = await startRealFleet(env('one'));
    two = await startRealFleet(env('two'));
    expect((await two.api('POST', '/api/v1/gates', { id: 'cat-bi', name: 'Cat Bi' })).status).toBe(201);
    expect(
      (await two.api('POST', '/api/v1/gates/cat-bi/zones', { id: 'arrivals', name: 'Arrivals' })).status,
    ).toBe(201);
  });

  afterEach(async () => {
    await two?.close();
    await one?.close();
    fs.rmSync(shared, { recursive: true, force: true });
  });

  const enrol = async (): Promise<{ id: string; agentConfig: AgentConfigInput }> => {
    const answer = await two.api('POST', '/api/v1/devices', {
      name: 'Belt 1',
      gateId: 'cat-bi',
      zoneId: 'arrivals',
    });
    expect(answer.status).toBe(201);
    return { id: answer.body.device.id, agentConfig: answer.body.agentConfig };
  };
  const mqttOf = (fleet: RealFleet) => `mqtt://127.0.0.1:${fleet.running.mqttPort}`;
  const deviceOn = (fleet: RealFleet, agentConfig: AgentConfigInput) =>
    fleet.device({ ...agentConfig, mqtt: { ...agentConfig.mqtt, url: mqttOf(fleet) } });
  const viewOn = (fleet: RealFleet, id: string) => async () =>
    (await fleet.api('GET', `/api/v1/devices/${id}`)).body.device;

  it('shows a screen connected to one process as online and connected on the other', async () => {
    const { id, agentConfig } = await enrol();
    await deviceOn(one, agentConfig);
    // Online once stored; connected there once the other process's next beat reads the claim.
    const seen = await eventually(viewOn(two, id), (device) => device.connected === true, WITHIN_A_BEAT);
    expect(seen).toMatchObject({ connected: true, presence: { state: 'online' } });
  });

  it('keeps a screen online when it reconnects to the other process', async () => {
    const { id, agentConfig } = await enrol();
    const first = await deviceOn(one, agentConfig);
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    await deviceOn(two, agentConfig);
    await firstClosed;
    const seen = await eventually(viewOn(one, id), (device) => device.connected === true, WITHIN_A_BEAT);
    expect(seen).toMatchObject({ connected: true, presence: { state: 'online' } });
  });

  it('answers a command sent through one process by a screen connected to the other', async () => {
    const { id, agentConfig } = await enrol();
    const client = await deviceOn(one, agentConfig);
    client.on('message', (topic, payload) => {
      if (topic !== deviceTopic(id, 'cmd/req')) return;
      const request = commandRequestSchema.parse(JSON.parse(payload.toString()));
      const answer = { id: request.id, name: request.name, at: new Date().toISOString(), ok: true as const };
      client.publish(
        deviceTopic(id, 'cmd/res'),
        encodePayload('cmd/res', { ...answer, result: { pong: true } }),
        {
          qos: 1,
        },
      );
    });
    await client.subscribeAsync(deviceTopic(id, 'cmd/req'), { qos: 1 });
    await eventually(viewOn(two, id), (device) => device.connected === true, WITHIN_A_BEAT);
    const answer = await two.api('POST', `/api/v1/devices/${id}/commands`, {
      name: 'ping',
      timeoutMs: 10_000,
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.result).toMatchObject({ ok: true, name: 'ping', result: { pong: true } });
  });

  it('cuts off a removed screen whichever process holds it', async () => {
    const { id, agentConfig } = await enrol();
    const client = await deviceOn(one, agentConfig);
    await eventually(viewOn(two, id), (device) => device.connected === true, WITHIN_A_BEAT);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect((await two.api('DELETE', `/api/v1/devices/${id}`)).status).toBe(204);
    await closed;
    expect(client.connected).toBe(false);
  });

  it('runs the engines in one process and hands them over when it stops', async () => {
    const holders = () =>
      [one, two].map((fleet) => fleet.lines.some((line) => line.includes('lease taken: engines start here')));
    expect(holders().filter(Boolean)).toHaveLength(1);
    const holder = holders()[0] ? one : two;
    const other = holder === one ? two : one;
    await holder.fleet.stop();
    await eventually(
      async () => other.lines.some((line) => line.includes('lease taken: engines start here')),
      (taken) => taken,
      10_000,
    );
    await holder.fleet.start(); // so close() has something to stop
  });
});

describe('a fleet process whose Redis does not answer', () => {
  it('refuses to start with one line naming Redis, without its password', async () => {
    const failure = startRealFleet({ GATECAST_REDIS_URL: 'redis://:hunter2@127.0.0.1:1/0' });
    await expect(failure).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0: connect ECONNREFUSED/,
    );
    await failure.catch((error: Error) => expect(error.message).not.toContain('hunter2'));
  });
});
