import { deviceTopic, parseMessage, type CommandRequest, type CommandResult } from '@gatecast/protocol';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, startFleetHarness, type FleetHarness } from '../devices/fleet-harness.js';
import { enrol, seedGates } from '../store/fixtures.js';

/** A screen's side of commands: collects requests, answers when told to. */
async function listen(screen: MqttClient, deviceId: string): Promise<CommandRequest[]> {
  const requests: CommandRequest[] = [];
  screen.on('message', (topic, payload) => {
    const parsed = parseMessage(topic, payload);
    if (parsed.ok && parsed.kind === 'cmd/req') requests.push(parsed.payload);
  });
  await screen.subscribeAsync(deviceTopic(deviceId, 'cmd/req'), { qos: 1 });
  return requests;
}

function answer(screen: MqttClient, deviceId: string, result: CommandResult): Promise<unknown> {
  return screen.publishAsync(deviceTopic(deviceId, 'cmd/res'), JSON.stringify(result), { qos: 1 });
}

describe('CommandClient behind a real broker', () => {
  let fleet: FleetHarness;
  let secrets: Record<string, string>;

  beforeEach(async () => {
    fleet = await startFleetHarness();
    await seedGates(fleet.gates);
    secrets = {
      a: await enrol(fleet.devices, 'cat-bi-arr-01'),
      b: await enrol(fleet.devices, 'cat-bi-arr-02'),
    };
  });
  afterEach(() => fleet.close());

  it('round-trips a command: the screen gets the request and its answer resolves send()', async () => {
    const screen = await fleet.connectDevice('cat-bi-arr-01', secrets.a!);
    const requests = await listen(screen, 'cat-bi-arr-01');
    await eventually(() => expect(fleet.broker.isConnected('cat-bi-arr-01')).toBe(true));

    const pending = fleet.commands.send('cat-bi-arr-01', 'identify', { durationSec: 10 }, 10_000);
    await eventually(() => expect(requests).toHaveLength(1));
    const request = requests[0]!;
    expect(request).toMatchObject({ name: 'identify', args: { durationSec: 10 } });
    expect(Date.parse(request.expiresAt!) - Date.parse(request.issuedAt)).toBe(10_000);

    const result: CommandResult = {
      id: request.id,
      name: 'identify',
      at: new Date().toISOString(),
      ok: true,
      result: { shown: true },
    };
    await answer(screen, 'cat-bi-arr-01', result);
    await expect(pending).resolves.toEqual(result);
  });

  it('ignores an answer with a stolen correlation id from another screen', async () => {
    const screenA = await fleet.connectDevice('cat-bi-arr-01', secrets.a!);
    const screenB = await fleet.connectDevice('cat-bi-arr-02', secrets.b!);
    const requests = await listen(screenA, 'cat-bi-arr-01');
    await eventually(() => expect(fleet.broker.isConnected('cat-bi-arr-02')).toBe(true));

    const pending = fleet.commands.send('cat-bi-arr-01', 'ping', {}, 10_000);
    await eventually(() => expect(requests).toHaveLength(1));
    const id = requests[0]!.id;
    const forged: CommandResult = {
      id,
      name: 'ping',
      at: new Date().toISOString(),
      ok: false,
      problem: { code: 'COMMAND_FAILED', message: 'forged' },
    };
    await answer(screenB, 'cat-bi-arr-02', forged);
    await eventually(() =>
      expect(fleet.lines).toContainEqual(
        expect.objectContaining({ msg: 'command result from another device ignored' }),
      ),
    );
    expect(fleet.commands.pendingCount()).toBe(1);

    await answer(screenA, 'cat-bi-arr-01', {
      id,
      name: 'ping',
      at: new Date().toISOString(),
      ok: true,
      result: {},
    });
    await expect(pending).resolves.toMatchObject({ id, ok: true });
  });

  it('times out when the screen stays silent', async () => {
    const screen = await fleet.connectDevice('cat-bi-arr-01', secrets.a!);
    const requests = await listen(screen, 'cat-bi-arr-01');
    await eventually(() => expect(fleet.broker.isConnected('cat-bi-arr-01')).toBe(true));
    await expect(fleet.commands.send('cat-bi-arr-01', 'ping', {}, 500)).rejects.toMatchObject({
      code: 'COMMAND_TIMEOUT',
    });
    expect(requests).toHaveLength(1);
    expect(fleet.commands.pendingCount()).toBe(0);
  });

  it('rejects DEVICE_OFFLINE for an enrolled screen that is not connected', async () => {
    await expect(fleet.commands.send('cat-bi-arr-02', 'ping', {}, 5_000)).rejects.toMatchObject({
      code: 'DEVICE_OFFLINE',
    });
  });
});
