import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telemetrySchema } from '@gatecast/protocol';
import { createAgent, type Agent } from '../../../src/agent.js';
import type { DisplayPower } from '../../../src/hardware/display-power.js';
import { FleetClient, type SeenMessage } from '../helpers/fleet-client.js';
import { DEVICE_ID, SECRET, agentConfig, desired, tempDir, testLogger } from '../helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { chromiumMissing, playerConfig, startMediaOrigin } from '../player/player-harness.js';
import { encodePng, solid } from '../../unit/display-check/synthetic-frames.js';

const missing = chromiumMissing();

const tvOn: DisplayPower = {
  on: async () => undefined,
  standby: async () => undefined,
  status: async () => 'on',
};

describe.skipIf(missing !== null)(
  "the browser's memory and window in telemetry, with a real Chromium",
  () => {
    let broker: TestBroker;
    let fleet: FleetClient;
    let dir: Awaited<ReturnType<typeof tempDir>>;
    let agent: Agent | null = null;
    const cleanups: Array<() => Promise<void>> = [];

    beforeEach(async () => {
      broker = await startTestBroker({ [DEVICE_ID]: SECRET });
      fleet = await FleetClient.connect(broker.url);
      dir = await tempDir('player-telemetry');
    });

    afterEach(async () => {
      await agent?.stop();
      agent = null;
      for (const cleanup of cleanups.splice(0)) await cleanup();
      await fleet.close();
      await broker.stop();
      await dir.remove();
    });

    it('sums every Chromium process and reports the size the page is shown at', async () => {
      const config = { ...agentConfig(broker.url, dir.path), healthIntervalSec: 5, player: playerConfig() };
      agent = createAgent({
        config,
        log: testLogger(),
        displayPower: tvOn,
        displayCheck: { intervalMs: 1_000 },
      });
      await agent.start();
      await fleet.publishDesired(DEVICE_ID, desired(1, 'welcome'));

      const withBrowser = (message: SeenMessage): boolean =>
        message.deviceId === DEVICE_ID &&
        message.kind === 'telemetry' &&
        telemetrySchema.safeParse(message.payload).data?.player?.up === true;
      const message = await fleet.waitFor(withBrowser, 30_000, 'telemetry with the browser up');
      const sample = telemetrySchema.parse(message.payload);
      const memoryBytes = sample.player?.memoryBytes ?? 0;
      // More than one process's worth: a browser, a GPU or utility process and a renderer at least.
      expect(memoryBytes).toBeGreaterThan(sample.player?.jsHeapBytes ?? 0);
      expect(memoryBytes).toBeGreaterThan(20 * 1024 * 1024);
      // Far below the whole machine's memory: the tree is Chromium's, not everything on the host.
      expect(memoryBytes).toBeLessThan(sample.memory.totalBytes);
      expect(sample.display?.resolution).toEqual({ width: 640, height: 360 });
      expect(sample.display?.cecPower).toBe('on');
    });

    it('sends a sample as soon as the screen turns black, without waiting for the interval', async () => {
      const black = encodePng(solid(320, 180, [0, 0, 0]));
      const origin = await startMediaOrigin({ 'black.png': black });
      cleanups.push(origin.close);
      const config = {
        ...agentConfig(broker.url, dir.path),
        healthIntervalSec: 3_600,
        player: playerConfig(),
      };
      agent = createAgent({
        config,
        log: testLogger(),
        displayPower: tvOn,
        displayCheck: { intervalMs: 500 },
        health: { watchMs: 60_000, minGapMs: 100 },
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

      // The interval is an hour: a sample that says black can only come from the change.
      const blackSample = await fleet.waitFor(
        (message) =>
          message.deviceId === DEVICE_ID &&
          message.kind === 'telemetry' &&
          telemetrySchema.safeParse(message.payload).data?.display?.black === true,
        30_000,
        'a sample with a black screen',
      );
      expect(telemetrySchema.parse(blackSample.payload).display).toMatchObject({
        black: true,
        cecPower: 'on',
      });
    });
  },
);
