import { TOPIC_RULES, deviceTopic, type AgentConfigInput } from '@gatecast/protocol';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, startRealFleet, type RealFleet } from './real-fleet.js';

const DEVICE_KINDS = ['status', 'reported', 'telemetry', 'events', 'cmd/res'] as const;

const telemetry = (loadPercent: number) =>
  JSON.stringify({
    at: new Date().toISOString(),
    uptimeSec: 10,
    cpu: { loadPercent, temperatureC: 51.5 },
    memory: { totalBytes: 4e9, usedBytes: 1e9 },
    disk: null,
    agent: { version: '0.1.0', rssBytes: 5e7, uptimeSec: 10 },
  });

// Bad input from one screen is dropped with a reason; the fleet, its store and the other screens carry on.
describe('a screen that sends bad input on each of its topics', () => {
  let fleet: RealFleet;
  let noisy: AgentConfigInput;
  let bystander: AgentConfigInput;

  const enrol = async (name: string): Promise<AgentConfigInput> => {
    const answer = await fleet.api('POST', '/api/v1/devices', {
      name,
      gateId: 'hai-phong-port',
      zoneId: 'customs',
    });
    expect(answer.status).toBe(201);
    return answer.body.agentConfig;
  };
  const deviceView = async (id: string) => (await fleet.api('GET', `/api/v1/devices/${id}`)).body.device;

  beforeEach(async () => {
    fleet = await startRealFleet();
    expect(
      (await fleet.api('POST', '/api/v1/gates', { id: 'hai-phong-port', name: 'Port of Hai Phong' })).status,
    ).toBe(201);
    expect(
      (await fleet.api('POST', '/api/v1/gates/hai-phong-port/zones', { id: 'customs', name: 'Customs' }))
        .status,
    ).toBe(201);
    noisy = await enrol('Customs 1');
    bystander = await enrol('Customs 2');
  });

  afterEach(async () => {
    await fleet.close();
  });

  it('drops malformed JSON, schema-invalid and over-limit payloads on every device topic, logging why', async () => {
    const client = await fleet.device(noisy);
    const other = await fleet.device(bystander);
    const bad = (kind: (typeof DEVICE_KINDS)[number]) => [
      ['INVALID_JSON', '{"at": '],
      ['INVALID_PAYLOAD', JSON.stringify({ at: 'yesterday', state: 42, kind: 'nonsense', ok: 'maybe' })],
      ['PAYLOAD_TOO_LARGE', JSON.stringify({ pad: 'x'.repeat(TOPIC_RULES[kind].maxPayloadBytes) })],
    ];
    for (const kind of DEVICE_KINDS) {
      for (const [, payload] of bad(kind)) {
        await client.publishAsync(deviceTopic(noisy.deviceId, kind), payload!, {
          qos: 1,
          retain: TOPIC_RULES[kind].retained,
        });
      }
    }
    await other.publishAsync(deviceTopic(bystander.deviceId, 'telemetry'), telemetry(12), { qos: 1 });
    await client.publishAsync(deviceTopic(noisy.deviceId, 'telemetry'), telemetry(34), { qos: 1 });

    const served = await eventually(
      () => deviceView(bystander.deviceId),
      (device) => device.lastTelemetry?.cpu.loadPercent === 12,
    );
    expect(served.lastTelemetry.cpu.loadPercent).toBe(12);
    const noisyView = await eventually(
      () => deviceView(noisy.deviceId),
      (device) => device.lastTelemetry?.cpu.loadPercent === 34,
    );
    // Only the one valid message reached the store; nothing of the bad ones did.
    expect(noisyView.lastTelemetry.cpu.loadPercent).toBe(34);
    expect(noisyView.reported).toBeNull();
    expect(noisyView.presence.state).toBe('online');
    expect(client.connected).toBe(true);

    const drops = fleet.lines
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'message dropped');
    for (const kind of DEVICE_KINDS) {
      const codes = drops
        .filter((line) => line.topic === deviceTopic(noisy.deviceId, kind))
        .map((line) => line.code);
      expect(codes.sort(), kind).toEqual(['INVALID_JSON', 'INVALID_PAYLOAD', 'PAYLOAD_TOO_LARGE']);
    }
    expect(drops.every((line) => typeof line.reason === 'string' && line.reason.length > 0)).toBe(true);
  });

  it('disconnects a screen that sends a frame over the broker limit, and keeps serving the others', async () => {
    const client = await fleet.device(noisy);
    const other = await fleet.device(bystander);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(deviceTopic(noisy.deviceId, 'events'), Buffer.alloc(600 * 1024, 0x61), { qos: 0 });
    await closed;
    await other.publishAsync(deviceTopic(bystander.deviceId, 'telemetry'), telemetry(56), { qos: 1 });
    const served = await eventually(
      () => deviceView(bystander.deviceId),
      (device) => device.lastTelemetry?.cpu.loadPercent === 56,
    );
    expect(served.lastTelemetry.cpu.loadPercent).toBe(56);
    const closure = fleet.lines
      .map((line) => JSON.parse(line))
      .find((line) => line.msg === 'connection closed by frame guard');
    expect(closure?.reason).toMatch(/\d+ bytes|limit|large/i);
    // The store stays consistent and the screen may come back.
    const db = new Database(path.join(fleet.dataDir, 'gatecast.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const again = await fleet.device(noisy);
    expect(again.connected).toBe(true);
  });
});
