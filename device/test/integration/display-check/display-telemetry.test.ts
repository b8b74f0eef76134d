import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventSchema, reportedSchema, telemetrySchema } from '@gatecast/protocol';
import { createAgent, type Agent } from '../../../src/agent.js';
import type { DisplayPower } from '../../../src/hardware/display-power.js';
import { FleetClient, type SeenMessage } from '../helpers/fleet-client.js';
import { DEVICE_ID, SECRET, agentConfig, desired, tempDir, testLogger } from '../helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { chromiumMissing, playerConfig, startMediaOrigin } from '../player/player-harness.js';
import { encodePng, solid } from '../../unit/display-check/synthetic-frames.js';

const missing = chromiumMissing();

/** The TV as HDMI-CEC would report it: in standby, so the block shows it was really asked. */
const standbyTv: DisplayPower = {
  on: async () => undefined,
  standby: async () => undefined,
  status: async () => 'standby',
};

describe.skipIf(missing !== null)('telemetry from a screen with the player, over a real broker', () => {
  let broker: TestBroker;
  let fleet: FleetClient;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let agent: Agent | null = null;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
    dir = await tempDir('display-telemetry');
  });

  afterEach(async () => {
    await agent?.stop();
    agent = null;
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await fleet.close();
    await broker.stop();
    await dir.remove();
  });

  it('carries the display verdicts, the TV power and the browser health', async () => {
    const config = { ...agentConfig(broker.url, dir.path), healthIntervalSec: 5, player: playerConfig() };
    agent = createAgent({
      config,
      log: testLogger(),
      displayPower: standbyTv,
      displayCheck: { intervalMs: 500 },
    });
    await agent.start();
    await fleet.publishDesired(DEVICE_ID, desired(1, 'welcome'));

    const isCheckedSample = (message: SeenMessage): boolean => {
      if (message.deviceId !== DEVICE_ID || message.kind !== 'telemetry') return false;
      const sample = telemetrySchema.safeParse(message.payload);
      return sample.success && sample.data.display?.checkedAt != null && sample.data.player?.up === true;
    };
    const message = await fleet.waitFor(isCheckedSample, 30_000, 'telemetry with a display verdict');
    const sample = telemetrySchema.parse(message.payload);
    expect(sample.display).toMatchObject({ black: false, frozen: false, cecPower: 'standby' });
    expect(sample.player).toMatchObject({ up: true, restarts: 0, lastCause: null });
    expect(sample.player?.jsHeapBytes).toBeGreaterThan(0);
    // No problem on a screen that shows its content.
    const reported = fleet.of(DEVICE_ID, 'reported').at(-1)?.payload as { errors: unknown[] } | undefined;
    expect(reported?.errors).toEqual([]);
  });

  it('a screen showing black reaches the fleet as DISPLAY_BLACK in the reported errors and as events', async () => {
    // Content that is itself black: the picture the agent sees is black while the plan says content.
    const black = encodePng(solid(320, 180, [0, 0, 0]));
    const origin = await startMediaOrigin({ 'black.png': black });
    cleanups.push(origin.close);
    const config = { ...agentConfig(broker.url, dir.path), player: playerConfig() };
    agent = createAgent({
      config,
      log: testLogger(),
      displayPower: standbyTv,
      displayCheck: { intervalMs: 500 },
    });
    await agent.start();
    const document = desired(1, 'welcome');
    document.content.defaultItem = {
      kind: 'image',
      id: 'night-sky',
      url: `${origin.url}/black.png`,
      sha256: createHash('sha256').update(black).digest('hex'),
      sizeBytes: black.length,
      durationSec: 60,
    };
    await fleet.publishDesired(DEVICE_ID, document);

    const degraded = await fleet.waitFor(
      (m) =>
        m.deviceId === DEVICE_ID &&
        m.kind === 'reported' &&
        reportedSchema.safeParse(m.payload).data?.errors.some((error) => error.code === 'DISPLAY_BLACK') ===
          true,
      30_000,
      'DISPLAY_BLACK in the reported state',
    );
    expect(reportedSchema.parse(degraded.payload)).toMatchObject({ appliedVersion: 1, phase: 'degraded' });
    const began = await fleet.waitFor(
      (m) => {
        const event = eventSchema.safeParse(m.payload).data;
        return m.kind === 'events' && event?.kind === 'error' && event.problem.code === 'DISPLAY_BLACK';
      },
      10_000,
      'the DISPLAY_BLACK event',
    );
    expect(eventSchema.parse(began.payload)).toMatchObject({
      problem: { message: expect.stringMatching(/black in 2 checks/) },
    });
    await fleet.waitFor(
      (m) =>
        m.kind === 'events' &&
        (m.payload as { problem?: { message?: string } }).problem?.message ===
          'recovery: reloading the player page',
      10_000,
      'the reload as an event',
    );
  });
});
