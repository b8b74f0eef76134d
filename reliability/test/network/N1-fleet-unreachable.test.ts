import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningProcess, tempDir, waitFor } from '../../../e2e/test/support/processes.js';
import { chromiumOrSkip, CHROMIUM_PATH } from '../../../e2e/test/support/browser.js';
import { DEVICE_ID, SECRET, desired } from '../../../device/test/integration/helpers/fixtures.js';
import { FleetClient, type SeenMessage } from '../../../device/test/integration/helpers/fleet-client.js';
import { startTestBroker, type TestBroker } from '../../../device/test/integration/helpers/test-broker.js';
import { recordFigure, sized } from '../../support/figures.js';
import {
  AGENT_BIN,
  createNetnsLink,
  logLines,
  netnsOrSkip,
  startRelay,
  type NetnsLink,
  type Relay,
} from '../../support/netns.js';

/** The catalogue's two outages; the short form runs a shorter first one and not the 30 minutes. */
const OUTAGES_MS = sized([20_000], [60_000, 30 * 60_000]);
const HEALTH_INTERVAL_MS = 5_000;
/** The agent's in-memory telemetry queue while offline (OUTBOX_CAPS in device/src/link/mqtt-link.ts). */
const TELEMETRY_CAP = 120;
/** How far a sample's time may sit from its interval tick (the sampler takes a moment to read). */
const TICK_SLACK_MS = 1_500;

interface Sample {
  at: number;
  black: boolean | null | undefined;
  checkedAt: number | null;
  playerUp: boolean | undefined;
}

function sampleOf(message: SeenMessage): Sample {
  const display = message.payload.display as
    { black?: boolean | null; checkedAt?: string | null } | undefined;
  const player = message.payload.player as { up?: boolean } | undefined;
  return {
    at: Date.parse(String(message.payload.at)),
    black: display?.black,
    checkedAt: display?.checkedAt ? Date.parse(display.checkedAt) : null,
    playerUp: player?.up,
  };
}

const runnable = netnsOrSkip('N1') && chromiumOrSkip();

// N1: the fleet is out of reach. The screen keeps playing what it has (the display check's own
// verdicts, carried by the health samples, say so), and the samples taken meanwhile arrive after.
describe.runIf(runnable)('N1 fleet unreachable', () => {
  const dir = tempDir('rel-n1');
  let link: NetnsLink;
  let broker: TestBroker;
  let relay: Relay;
  let fleet: FleetClient;
  let agent: RunningProcess;

  beforeAll(async () => {
    link = createNetnsLink();
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    relay = await startRelay(link.hostAddress, broker.port);
    fleet = await FleetClient.connect(broker.url);
    await fleet.publishDesired(DEVICE_ID, desired(1, 'welcome'));
    const config = join(dir.path, 'agent.json');
    writeFileSync(
      config,
      JSON.stringify({
        deviceId: DEVICE_ID,
        secret: SECRET,
        mqtt: {
          url: `mqtt://${link.hostAddress}:${relay.port}`,
          keepaliveSec: 5,
          reconnectMinMs: 200,
          reconnectMaxMs: 2_000,
        },
        dataDir: join(dir.path, 'data'),
        healthIntervalSec: HEALTH_INTERVAL_MS / 1000,
        logLevel: 'info',
        player: {
          mode: 'chromium',
          chromiumPath: CHROMIUM_PATH,
          headless: true,
          windowWidth: 640,
          windowHeight: 360,
          displayCheckSec: 5,
        },
      }),
    );
    agent = new RunningProcess(link.spawn(process.execPath, [AGENT_BIN, '--config', config]));
    await fleet.waitFor(
      (m) => m.kind === 'reported' && m.payload.phase === 'playing',
      60_000,
      'the screen playing',
    );
  });

  afterAll(async () => {
    await agent?.stop();
    await fleet?.close();
    await relay?.close();
    await broker?.stop();
    link?.remove();
    dir.remove();
  });

  it('blank screens 0; health samples from the outage delivered, up to the cap', async () => {
    const samples = () => fleet.of(DEVICE_ID, 'telemetry').map(sampleOf);
    const results: Array<{
      text: string;
      delivered: number;
      expected: number;
      enough: boolean;
      checked: number;
    }> = [];
    const since = Date.now();
    for (const outageMs of OUTAGES_MS) {
      // Two interval samples in a row on the live link first: the ticks' phase, for counting what
      // was produced (a sample on reconnect or on a changed reading falls outside it).
      const liveFrom = Date.now();
      const lastTick = await waitFor(
        'two live interval samples',
        () => {
          const live = samples().filter((s) => s.at >= liveFrom);
          const tick = live.findLast((s) =>
            live.some((p) => Math.abs(s.at - p.at - HEALTH_INTERVAL_MS) <= 300),
          );
          return tick?.at;
        },
        4 * HEALTH_INTERVAL_MS,
      );
      // Cut halfway to the next tick: that sample is taken before the agent can know the link is dead.
      await sleep(Math.max(0, lastTick + HEALTH_INTERVAL_MS / 2 - Date.now()));

      const cutAt = Date.now();
      link.cut();
      await sleep(outageMs);
      const restoredAt = Date.now();
      link.restore();
      const connected = await waitFor(
        'the agent connected again',
        () => logLines(agent.stdout).find((l) => l.msg === 'connected' && Number(l.time) > restoredAt),
        60_000,
      );
      const reconnectAt = Number(connected.time);
      // What the outbox sends goes out right after CONNACK; a few seconds cover the broker's delivery.
      await sleep(3_000);

      // The interval ticks between the cut and the reconnect: the samples the agent produced.
      const ticks: number[] = [];
      for (let tick = lastTick + HEALTH_INTERVAL_MS; tick < reconnectAt; tick += HEALTH_INTERVAL_MS) {
        if (tick >= cutAt) ticks.push(tick);
      }
      const inWindow = samples().filter((s) => s.at >= cutAt - TICK_SLACK_MS && s.at < reconnectAt);
      const delivered = ticks.filter((tick) => inWindow.some((s) => Math.abs(s.at - tick) <= TICK_SLACK_MS));
      const expected = Math.min(ticks.length, TELEMETRY_CAP);
      // Beyond the cap the oldest go: then at least the cap's worth must arrive, newest first.
      const enough =
        ticks.length <= TELEMETRY_CAP ? delivered.length === expected : inWindow.length >= expected;
      const checked = inWindow.filter((s) => s.checkedAt !== null && s.checkedAt >= cutAt).length;
      results.push({
        text:
          `${Math.round(outageMs / 1000)} s: produced ${ticks.length}, delivered ${delivered.length} ` +
          `(expected ${expected}), display checked in ${checked}`,
        delivered: delivered.length,
        expected,
        enough,
        checked,
      });
    }

    // Every sample since the test began says what the display check saw: black, or no player.
    const blank = samples().filter((s) => s.at >= since && (s.black === true || s.playerUp === false)).length;
    const crashed = !agent.running;
    const passed = blank === 0 && !crashed && results.every((r) => r.enough && r.checked > 0);
    recordFigure({
      id: 'N1',
      figure: `blank screens ${blank}; health after the outage: ${results.map((r) => r.text).join('; ')}${crashed ? '; agent exited' : ''}`,
      pass: '0; all up to the cap',
      passed,
      size: sized('one 20 s outage (the 30 min one runs in the full form)', '60 s and 30 min outages'),
    });
    expect(blank).toBe(0);
    expect(crashed).toBe(false);
    for (const result of results) {
      expect(result.enough, result.text).toBe(true);
      // The screen's own check ran while the fleet was gone: its verdicts above are evidence.
      expect(result.checked, result.text).toBeGreaterThan(0);
    }
  });
});
