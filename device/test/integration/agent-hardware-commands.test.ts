import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/agent.js';
import { FakeDisplayPower } from '../../src/hardware/fake-hardware.js';
import type { Rebooter } from '../../src/hardware/rebooter.js';
import { FleetClient } from './helpers/fleet-client.js';
import { DEVICE_ID, SECRET, agentConfig, tempDir, testLogger } from './helpers/fixtures.js';
import { startTestBroker, type TestBroker } from './helpers/test-broker.js';

// The agent over a real broker, with the hardware edges faked: what reaches the fleet, and when.
describe('hardware and player commands through the agent', () => {
  let broker: TestBroker;
  let fleet: FleetClient;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let agent: Agent | null = null;
  const issuedAt = () => new Date().toISOString();
  const answerTo = (id: string) =>
    fleet.waitFor((m) => m.kind === 'cmd/res' && m.payload.id === id, 15_000, `the answer to ${id}`);

  beforeEach(async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
    dir = await tempDir('agent-hardware');
  });

  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await fleet.close();
    await broker.stop();
    await dir.remove();
  });

  async function start(rebooter: Rebooter, displayPower: FakeDisplayPower): Promise<void> {
    agent = createAgent({
      config: agentConfig(broker.url, dir.path),
      log: testLogger(),
      rebooter,
      displayPower,
    });
    await agent.start();
    await fleet.waitFor((m) => m.kind === 'status' && m.payload.state === 'online', 15_000, 'online');
  }

  it('reboots only after the fleet has the answer', async () => {
    let answeredFirst: boolean | null = null;
    let rebooted!: () => void;
    const done = new Promise<void>((resolve) => (rebooted = resolve));
    const rebooter: Rebooter = {
      async reboot() {
        answeredFirst = fleet.of(DEVICE_ID, 'cmd/res').some((m) => m.payload.id === 'reboot-0001');
        rebooted();
      },
    };
    await start(rebooter, new FakeDisplayPower());
    await fleet.sendCommand(DEVICE_ID, {
      id: 'reboot-0001',
      name: 'reboot',
      issuedAt: issuedAt(),
      args: { delaySec: 0 },
    });
    expect((await answerTo('reboot-0001')).payload).toMatchObject({ ok: true, name: 'reboot' });
    await done;
    expect(answeredFirst).toBe(true);
  });

  it('switches the display over HDMI-CEC and reads the power state back', async () => {
    const display = new FakeDisplayPower();
    await start({ reboot: async () => {} }, display);
    await fleet.sendCommand(DEVICE_ID, {
      id: 'disp-00001',
      name: 'display',
      issuedAt: issuedAt(),
      args: { action: 'standby' },
    });
    expect((await answerTo('disp-00001')).payload).toMatchObject({ ok: true, result: { power: 'standby' } });
    expect(display.power).toBe('standby');
  });

  it('answers HARDWARE_UNAVAILABLE to display commands without HDMI-CEC', async () => {
    await start({ reboot: async () => {} }, new FakeDisplayPower(false));
    await fleet.sendCommand(DEVICE_ID, {
      id: 'disp-00002',
      name: 'display',
      issuedAt: issuedAt(),
      args: { action: 'status' },
    });
    expect((await answerTo('disp-00002')).payload).toMatchObject({
      ok: false,
      problem: { code: 'HARDWARE_UNAVAILABLE' },
    });
  });

  it('answers PLAYER_UNAVAILABLE to player commands when it runs without a player', async () => {
    await start({ reboot: async () => {} }, new FakeDisplayPower());
    for (const name of ['screenshot', 'reload', 'restart-browser']) {
      const id = `${name}-none`;
      await fleet.sendCommand(DEVICE_ID, { id, name, issuedAt: issuedAt() });
      expect((await answerTo(id)).payload).toMatchObject({
        ok: false,
        problem: { code: 'PLAYER_UNAVAILABLE' },
      });
    }
  });
});
