import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DesiredDocumentInput } from '@gatecast/protocol';
import {
  killAll,
  spawnAgent,
  type AgentProcess,
} from '../../../device/test/integration/helpers/agent-process.js';
import { FleetClient } from '../../../device/test/integration/helpers/fleet-client.js';
import {
  DEVICE_ID,
  SECRET,
  agentConfig,
  desired,
} from '../../../device/test/integration/helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../../../device/test/integration/helpers/test-broker.js';
import { percentile, recordFigure, sized } from '../../support/figures.js';
import {
  MB,
  chromiumMissing,
  playerConfig,
  pngShowsContent,
  processTree,
  residentBytes,
  sleep,
  linearFit,
  startFleetHttp,
  type FleetHttp,
} from '../../support/player-faults.js';

const missing = chromiumMissing();
const ITEMS = 20;
/** The catalogue's 5 s per item; the short form cycles faster so it sees the loop several times. */
const ITEM_SEC = sized(2, 5);
/** One full loop first: caches, decoders and the JIT settle before the trend is measured. */
const WARM_UP_MS = sized(ITEMS * ITEM_SEC * 1000, 600_000);
const MEASURE_MS = sized(80_000, 2 * 3_600_000);
const MEMORY_EVERY_MS = sized(1_000, 10_000);
const SCREENSHOT_EVERY_MS = sized(5_000, 30_000);
const MEDIAN_WINDOW_MS = sized(5_000, 60_000);
/**
 * Flat: the fitted trend of agent and Chromium together stays under this many MB per hour. Two
 * hours resolve 50 MB/h; a short window cannot (one garbage collection of the agent moves its
 * memory by 10-30 MB), so it only catches a leak of about 17 MB a minute.
 */
const FLAT_MB_PER_HOUR = sized(1_000, 50);

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../../../device/test/fixtures/${name}`, import.meta.url));
const MEDIA = { 'still.png': fixture('still.png'), 'clip.webm': fixture('clip.webm') };
const sha256 = (body: Buffer): string => createHash('sha256').update(body).digest('hex');

/** 20 items: mostly text, every fifth an image and two videos, as a gate's loop would mix them. */
function loop(mediaUrl: string): DesiredDocumentInput['content'] {
  const media = (kind: 'image' | 'video', name: keyof typeof MEDIA) => ({
    kind,
    url: `${mediaUrl}/media/${name}`,
    sha256: sha256(MEDIA[name]),
    sizeBytes: MEDIA[name].length,
  });
  const items = Array.from({ length: ITEMS }, (_, index) => {
    const id = `item-${String(index + 1).padStart(2, '0')}`;
    if (index === 7 || index === 17) return { ...media('video', 'clip.webm'), id };
    if (index % 5 === 4) return { ...media('image', 'still.png'), id, durationSec: ITEM_SEC };
    const body = { vi: `Cửa ${index + 1}`, en: `Gate ${index + 1}: check-in open` };
    return { kind: 'text' as const, id, body, durationSec: ITEM_SEC };
  });
  const [first, ...rest] = items;
  return { defaultItem: first!, defaultLoop: rest } as DesiredDocumentInput['content'];
}

/** Least-squares trend of the samples, in MB per hour, with its standard error. */
const mbPerHour = (points: Array<{ at: number; bytes: number }>): ReturnType<typeof linearFit> =>
  linearFit(points.map((p) => ({ x: p.at / 3_600_000, y: p.bytes / MB })));

/** The median of each window of samples, at the window's middle. */
function windowMedians<T extends { at: number }>(
  samples: readonly T[],
  value: (sample: T) => number,
): Array<{ at: number; bytes: number }> {
  const windows = new Map<number, number[]>();
  for (const sample of samples) {
    const key = Math.floor(sample.at / MEDIAN_WINDOW_MS);
    windows.set(key, [...(windows.get(key) ?? []), value(sample)]);
  }
  return [...windows].map(([key, values]) => ({
    at: (key + 0.5) * MEDIAN_WINDOW_MS,
    bytes: percentile(values, 50),
  }));
}

describe.skipIf(missing !== null)('K2: agent and Chromium soak', () => {
  let broker: TestBroker | null = null;
  let fleet: FleetClient | null = null;
  let http: FleetHttp | null = null;
  let dataDir: string | null = null;
  const agents: AgentProcess[] = [];
  afterEach(async () => {
    for (const agent of agents) {
      // A stopped agent closes its browser; a stuck one is killed with whatever it started.
      agent.child.kill('SIGTERM');
      const stopped = await Promise.race([agent.exited.then(() => true), sleep(10_000).then(() => false)]);
      const tree = stopped || agent.child.pid === undefined ? [] : await processTree(agent.child.pid);
      for (const pid of tree.reverse()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await killAll(agents);
    await fleet?.close();
    await broker?.stop();
    await http?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    fleet = broker = http = dataDir = null;
  });

  it(`plays ${ITEMS} items for ${MEASURE_MS / 1000} s with flat memory and no black screen`, async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
    http = await startFleetHttp(MEDIA);
    dataDir = await mkdtemp(join(tmpdir(), 'gatecast-k2-'));
    const config = {
      ...agentConfig(broker.url, dataDir),
      fleetUrl: http.url,
      logLevel: 'warn',
      player: playerConfig(),
    };
    const file = join(dataDir, 'agent.json');
    await writeFile(file, JSON.stringify(config), { mode: 0o600 });
    const agent = spawnAgent(['--config', file]);
    agents.push(agent);
    const pid = agent.child.pid!;

    const document = { ...desired(1), content: loop(http.url) };
    await fleet.publishDesired(DEVICE_ID, document);
    const f = fleet;
    await f.waitFor(
      (m) => m.kind === 'reported' && m.payload.phase === 'playing',
      60_000,
      'the agent playing its loop',
    );

    const samples: Array<{ at: number; bytes: number; agent: number }> = [];
    const shots = { asked: 0, answered: 0, content: 0 };
    const started = Date.now();
    const end = started + WARM_UP_MS + MEASURE_MS;
    const running = (): boolean =>
      Date.now() < end && agent.child.exitCode === null && agent.child.signalCode === null;

    const memory = async (): Promise<void> => {
      await sleep(WARM_UP_MS);
      while (running()) {
        const tree = await processTree(pid);
        const [total, own] = [await residentBytes(tree), await residentBytes([pid])];
        samples.push({ at: Date.now() - started, bytes: total, agent: own });
        await sleep(MEMORY_EVERY_MS);
      }
    };
    const screenshots = async (): Promise<void> => {
      while (running()) {
        const next = Date.now() + SCREENSHOT_EVERY_MS;
        shots.asked++;
        const id = randomUUID().replaceAll('-', '');
        const uploaded = http!.screenshots.length;
        await f.sendCommand(DEVICE_ID, { id, issuedAt: new Date().toISOString(), name: 'screenshot' });
        const answer = await f
          .waitFor((m) => m.kind === 'cmd/res' && m.payload.id === id, 15_000, 'the screenshot')
          .catch(() => null);
        const png = http!.screenshots[uploaded];
        if (answer?.payload.ok === true && png) {
          shots.answered++;
          if (pngShowsContent(png)) shots.content++;
        }
        await sleep(Math.max(0, next - Date.now()));
      }
    };
    await Promise.all([memory(), screenshots()]);
    const alive = agent.child.exitCode === null && agent.child.signalCode === null;

    // Medians of short windows: one odd reading (a process caught starting) does not tilt the line.
    const total = mbPerHour(windowMedians(samples, (s) => s.bytes));
    const own = mbPerHour(windowMedians(samples, (s) => s.agent));
    const browser = mbPerHour(windowMedians(samples, (s) => s.bytes - s.agent));
    const share = shots.asked === 0 ? 0 : shots.content / shots.asked;
    const flat = total.slope < FLAT_MB_PER_HOUR;
    const passed = alive && flat && shots.asked > 0 && share === 1;
    const rate = (fit: { slope: number }): string => `${fit.slope.toFixed(0)}`;
    const mb = (bytes = 0): number => Math.round(bytes / MB);
    recordFigure({
      id: 'K2',
      figure:
        `RSS (anonymous and shared pages) trend ${rate(total)} ± ${total.standardError.toFixed(0)} MB/h ` +
        `(Chromium ${rate(browser)}, agent ${rate(own)}; ${mb(samples[0]?.bytes)} → ${mb(samples.at(-1)?.bytes)} MB; ` +
        `flat means < ${FLAT_MB_PER_HOUR} MB/h); ` +
        `non-black screenshots ${shots.content}/${shots.asked} (${(share * 100).toFixed(0)} %)` +
        `${alive ? '' : '; the agent exited'}`,
      pass: `RSS slope flat (< ${FLAT_MB_PER_HOUR} MB/h); 100 % non-black screenshots`,
      passed,
      size: `${ITEMS} items × ${ITEM_SEC} s, ${WARM_UP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s`,
    });
    expect(alive).toBe(true);
    expect(total.slope).toBeLessThan(FLAT_MB_PER_HOUR);
    expect(shots.content).toBe(shots.asked);
  });
});
