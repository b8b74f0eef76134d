import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telemetrySchema, type TelemetrySample } from '@gatecast/protocol';
import { createAgent, type Agent } from '../../../src/agent.js';
import { fakeTree, type FakeTree } from '../../unit/health/fake-tree.js';
import { FleetClient, type SeenMessage } from '../helpers/fleet-client.js';
import { DEVICE_ID, RecordingScreen, SECRET, agentConfig, tempDir, testLogger } from '../helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';

const THROTTLED = 'devices/platform/soc/soc:firmware/get_throttled';
const HDMI = 'class/drm/card1-HDMI-A-1';

describe('health telemetry on change, over a real broker', () => {
  let broker: TestBroker;
  let fleet: FleetClient;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let sys: FakeTree;
  let agent: Agent | null = null;

  beforeEach(async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
    dir = await tempDir('health-on-change');
    // A Pi 4 with a TV on HDMI and a good power supply.
    sys = await fakeTree({
      [THROTTLED]: '0\n',
      [`${HDMI}/status`]: 'connected\n',
      [`${HDMI}/modes`]: '1920x1080\n1280x720\n',
    });
  });

  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await fleet.close();
    await broker.stop();
    await dir.remove();
    await sys.remove();
  });

  const samples = (): TelemetrySample[] =>
    fleet.of(DEVICE_ID, 'telemetry').map((message) => telemetrySchema.parse(message.payload));
  const sampleWhere =
    (check: (sample: TelemetrySample) => boolean) =>
    (message: SeenMessage): boolean => {
      if (message.deviceId !== DEVICE_ID || message.kind !== 'telemetry') return false;
      const parsed = telemetrySchema.safeParse(message.payload);
      return parsed.success && check(parsed.data);
    };

  it('sends a sample at once when the supply sags or the TV is unplugged, long before the interval', async () => {
    // One sample an hour: anything sooner than that is the change watcher's doing.
    agent = createAgent({
      config: { ...agentConfig(broker.url, dir.path), healthIntervalSec: 3_600 },
      log: testLogger(),
      screen: new RecordingScreen(),
      health: {
        sysRoot: sys.root,
        vcgencmd: () => Promise.reject(new Error('not expected: the sysfs node exists')),
        watchMs: 100,
        minGapMs: 300,
      },
    });
    await agent.start();

    const first = await fleet.waitFor(
      sampleWhere(() => true),
      20_000,
      'the sample after connecting',
    );
    const initial = telemetrySchema.parse(first.payload);
    expect(initial.power).toMatchObject({ raw: 0, underVoltageNow: false });
    expect(initial.display).toMatchObject({ hdmi: 'connected', resolution: { width: 1920, height: 1080 } });
    expect(initial.storage).toBeDefined();
    expect(initial.network).toBeDefined();
    expect(initial.clock).toMatchObject({ offsetMs: null });

    await sys.write(THROTTLED, '50005\n');
    const sagged = await fleet.waitFor(
      sampleWhere((sample) => sample.power?.underVoltageNow === true),
      10_000,
      'a sample with under-voltage',
    );
    expect(telemetrySchema.parse(sagged.payload).power).toEqual({
      raw: 0x50005,
      underVoltageNow: true,
      throttledNow: true,
      frequencyCappedNow: false,
      softTemperatureLimitNow: false,
      underVoltageSinceBoot: true,
      throttledSinceBoot: true,
    });

    await sys.write(`${HDMI}/status`, 'disconnected\n');
    const unplugged = await fleet.waitFor(
      sampleWhere((sample) => sample.display?.hdmi === 'disconnected'),
      10_000,
      'a sample with HDMI disconnected',
    );
    expect(telemetrySchema.parse(unplugged.payload).display).toMatchObject({ resolution: null });

    // One sample per change, not a stream: the connect, the sag, the unplug (a change seen while a
    // sample was being taken may add one more).
    expect(samples().length).toBeGreaterThanOrEqual(3);
    expect(samples().length).toBeLessThanOrEqual(5);
  });

  it('sends a sample when the agent switches the TV over CEC', async () => {
    const switched: string[] = [];
    agent = createAgent({
      config: { ...agentConfig(broker.url, dir.path), healthIntervalSec: 3_600 },
      log: testLogger(),
      screen: new RecordingScreen(),
      displayPower: {
        on: async () => void switched.push('on'),
        standby: async () => void switched.push('standby'),
        status: async () => 'standby',
      },
      health: { sysRoot: sys.root, vcgencmd: async () => '', watchMs: 60_000, minGapMs: 300 },
    });
    await agent.start();
    await fleet.waitFor(
      sampleWhere(() => true),
      20_000,
      'the sample after connecting',
    );
    const before = samples().length;

    await fleet.sendCommand(DEVICE_ID, {
      id: 'display-standby-01',
      name: 'display',
      issuedAt: new Date().toISOString(),
      args: { action: 'standby' },
    });
    await fleet.waitFor((message) => message.kind === 'cmd/res', 10_000, 'the command result');
    await fleet.waitFor(() => samples().length > before, 10_000, 'a sample after the switch');
    expect(switched).toEqual(['standby']);
    expect(samples().at(-1)?.display).toMatchObject({ hdmi: 'connected' });
  });
});
