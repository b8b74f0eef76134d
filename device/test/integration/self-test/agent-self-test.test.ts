import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selfTestReportSchema } from '@gatecast/protocol';
import { createAgent, type Agent } from '../../../src/agent.js';
import { FakeClockSync } from '../../../src/hardware/clock-sync.js';
import { FakeDisplayPower } from '../../../src/hardware/fake-hardware.js';
import { SELF_TEST_PENDING_FILE } from '../../../src/self-test/agent-self-test.js';
import { FleetClient } from '../helpers/fleet-client.js';
import { DEVICE_ID, SECRET, agentConfig, eventually, tempDir, testLogger } from '../helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';

// The agent over a real Aedes, watched by a real mqtt.js "fleet"; only sysfs and the TV are fakes.
describe('the self-test in the agent', () => {
  let broker: TestBroker;
  let fleet: FleetClient;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let agent: Agent | null = null;

  beforeEach(async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
    dir = await tempDir('agent-self-test');
  });

  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await fleet.close();
    await broker.stop();
    await dir.remove();
  });

  async function start(): Promise<string> {
    const dataDir = join(dir.path, 'data');
    const sys = join(dir.path, 'sys');
    await mkdir(join(sys, 'class/drm/card1-HDMI-A-1'), { recursive: true });
    await writeFile(join(sys, 'class/drm/card1-HDMI-A-1/status'), 'connected\n');
    await writeFile(join(sys, 'class/drm/card1-HDMI-A-1/modes'), '1920x1080\n');
    await mkdir(dataDir, { recursive: true });
    agent = createAgent({
      config: agentConfig(broker.url, dataDir),
      log: testLogger(),
      displayPower: new FakeDisplayPower(),
      clockSync: new FakeClockSync(true),
      health: { sysRoot: sys },
      selfTest: { devRoot: join(dir.path, 'dev'), storageBytes: 1024 * 1024 },
    });
    return dataDir;
  }

  const onlineCount = () =>
    fleet.of(DEVICE_ID, 'status').filter((message) => message.payload.state === 'online').length;
  const selfTestEvents = () =>
    fleet.of(DEVICE_ID, 'events').filter((message) => message.payload.kind === 'self-test');

  it('answers the self-test command with the report, and sends it as an event too', async () => {
    await start();
    await agent?.start();
    await fleet.waitFor((m) => m.kind === 'status' && m.payload.state === 'online', 15_000, 'online');
    await fleet.sendCommand(DEVICE_ID, {
      id: 'selftest-0001',
      name: 'self-test',
      issuedAt: new Date().toISOString(),
      args: {},
    });
    const answer = await fleet.waitFor(
      (m) => m.kind === 'cmd/res' && m.payload.id === 'selftest-0001',
      30_000,
      'the self-test answer',
    );
    expect(answer.payload).toMatchObject({ ok: true, name: 'self-test' });
    const report = selfTestReportSchema.parse((answer.payload.result as { report: unknown }).report);
    expect(report.trigger).toBe('on-demand');
    expect(Object.fromEntries(report.checks.map((c) => [c.check, c.status]))).toMatchObject({
      display: 'pass',
      'hdmi-cec': 'skipped',
      // The broker the agent itself is connected to.
      fleet: 'pass',
      storage: 'pass',
      clock: 'pass',
    });
    const event = await fleet.waitFor((m) => m.kind === 'events' && m.payload.kind === 'self-test');
    expect(event.payload.report).toEqual(report);
  });

  it('runs once at first boot after the link is up, and removes the marker', async () => {
    const dataDir = await start();
    const marker = join(dataDir, SELF_TEST_PENDING_FILE);
    await writeFile(marker, '');
    await agent?.start();
    const event = await fleet.waitFor(
      (m) => m.kind === 'events' && m.payload.kind === 'self-test',
      30_000,
      'the first-boot report',
    );
    expect(selfTestReportSchema.parse(event.payload.report).trigger).toBe('first-boot');
    await eventually(async () => {
      await expect(access(marker)).rejects.toThrow();
    });
    // A restart does not test again.
    await agent?.stop();
    agent = createAgent({
      config: agentConfig(broker.url, dataDir),
      log: testLogger(),
      clockSync: new FakeClockSync(true),
      selfTest: { storageBytes: 1024 * 1024 },
    });
    await agent.start();
    await eventually(() => expect(onlineCount()).toBe(2), 15_000);
    // A first-boot run would have started at connect, and this command would have joined it.
    await fleet.sendCommand(DEVICE_ID, {
      id: 'selftest-0002',
      name: 'self-test',
      issuedAt: new Date().toISOString(),
      args: {},
    });
    const answer = await fleet.waitFor(
      (m) => m.kind === 'cmd/res' && m.payload.id === 'selftest-0002',
      30_000,
    );
    expect((answer.payload.result as { report: { trigger: string } }).report.trigger).toBe('on-demand');
    await eventually(() => expect(selfTestEvents()).toHaveLength(2));
    expect(selfTestEvents().map((m) => (m.payload.report as { trigger: string }).trigger)).toEqual([
      'first-boot',
      'on-demand',
    ]);
  });
});
