import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  desiredSchema,
  type AgentConfigInput,
  type DesiredDocumentInput,
  type DeviceEvent,
} from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The agent's own Chromium lookup; in CI a missing Chromium fails instead of skipping.
import { chromiumMissing } from '../../../../device/test/integration/player/player-harness.js';
import { startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import {
  AGENT_BIN,
  enrolScreen,
  loggedIds,
  storedCounts,
  waitUntil,
  type AgentRun,
} from './agent-harness.js';

const ROUNDS = 5;
const ITEMS = [
  { id: 'arrivals-welcome', vi: 'Chào mừng đến Hải Phòng', en: 'Welcome to Hai Phong', durationSec: 2 },
  {
    id: 'passport-ready',
    vi: 'Vui lòng chuẩn bị hộ chiếu',
    en: 'Please have your passport ready',
    durationSec: 3,
  },
  { id: 'customs-lane', vi: 'Làn hải quan bên trái', en: 'Customs lane on the left', durationSec: 2 },
  { id: 'taxi-rank', vi: 'Bến taxi ở cửa số 2', en: 'Taxi rank at exit 2', durationSec: 3 },
] as const;
const ITEM_IDS = new Set<string>(['arrivals-default', ...ITEMS.map((item) => item.id)]);

/**
 * The screen's saved document: several short text items, so items end (and are proven) every
 * 2–3 s. It is version 1, the version the fleet composed at enrolment, so the fleet's retained
 * document is a no-op for the agent and this content stays on screen (as for a screen that last heard
 * from the fleet before a cut).
 */
function savedDocument(enrolled: AgentConfigInput): DesiredDocumentInput {
  const text = (item: (typeof ITEMS)[number]) => ({
    kind: 'text' as const,
    id: item.id,
    body: { vi: item.vi, en: item.en },
    durationSec: item.durationSec,
  });
  return desiredSchema.parse({
    version: 1,
    deviceId: enrolled.deviceId,
    issuedAt: new Date().toISOString(),
    device: { name: 'Arrivals screen 1', gateId: 'cat-bi-airport', zoneId: 'arrivals' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'], languageRotationSec: 60 },
    content: {
      defaultItem: {
        kind: 'text',
        id: 'arrivals-default',
        body: { vi: 'Cát Bi', en: 'Cat Bi' },
        durationSec: 2,
      },
      // The default loop plays whatever the clock says, so an untrusted test clock changes nothing.
      defaultLoop: ITEMS.map(text),
      layout: { kind: 'full', orientation: 'landscape', transition: 'cut' },
      schedule: [],
    },
  } satisfies DesiredDocumentInput);
}

async function writeChromiumAgent(dir: string, enrolled: AgentConfigInput): Promise<string> {
  const dataDir = join(dir, 'data');
  await mkdir(join(dataDir, 'state'), { recursive: true, mode: 0o700 });
  await writeFile(join(dataDir, 'state', 'desired.json'), `${JSON.stringify(savedDocument(enrolled))}\n`);
  const config: AgentConfigInput = {
    ...enrolled,
    dataDir,
    logLevel: 'debug',
    healthIntervalSec: 3_600,
    mqtt: { ...enrolled.mqtt, keepaliveSec: 5, reconnectMinMs: 100, reconnectMaxMs: 1_000 },
    player: { mode: 'chromium', headless: true, windowWidth: 640, windowHeight: 360, displayCheckSec: 3_600 },
  };
  const file = join(dir, 'agent.json');
  await writeFile(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

/** Every event in the queue's segment files, torn last lines skipped (the agent skips them too). */
async function eventsOnDisk(eventsDir: string): Promise<DeviceEvent[]> {
  const names = await readdir(eventsDir).catch(() => [] as string[]);
  const events: DeviceEvent[] = [];
  for (const name of names.filter((file) => file.endsWith('.events'))) {
    const text = await readFile(join(eventsDir, name), 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(0, -1)) {
      try {
        events.push(JSON.parse(line) as DeviceEvent);
      } catch {
        // A torn line: never confirmed, never sent.
      }
    }
  }
  return events;
}

const proofIds = (events: DeviceEvent[]) =>
  events.filter((event) => event.kind === 'proof-of-play').map((event) => event.id);

/**
 * The agent in its own process group; Chromium (which puppeteer starts in a group of its own) is
 * found by its profile under `dir` and killed with it, as a power cut would.
 */
function spawnAgentGroup(configFile: string): AgentRun {
  const child = spawn(process.execPath, [AGENT_BIN, '--config', configFile], {
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, stdout: () => out, exited };
}

/** Pids of processes whose command line names `dir` (this test's Chromium profiles). */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids.filter((pid) => pid !== process.pid);
}

const missing = chromiumMissing();

describe.skipIf(missing !== null)('proof of play through SIGKILLs, with real Chromium', () => {
  let rf: RealFleet;
  let dir: string;
  const agents: AgentRun[] = [];

  beforeEach(async () => {
    rf = await startRealFleet();
    dir = await mkdtemp(join(tmpdir(), 'gatecast-proof-of-play-'));
  });

  afterEach(async () => {
    for (const agent of agents.splice(0)) await kill(agent);
    killBrowsers();
    await rf.close();
    await rm(dir, { recursive: true, force: true });
  });

  function start(configFile: string): AgentRun {
    const agent = spawnAgentGroup(configFile);
    agents.push(agent);
    return agent;
  }

  function killBrowsers(): void {
    for (const pid of processesUnder(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** SIGKILL to the agent and its browser at once: no shutdown code runs anywhere. */
  async function kill(agent: AgentRun): Promise<void> {
    const index = agents.indexOf(agent);
    if (index >= 0) agents.splice(index, 1);
    if (agent.child.exitCode === null && agent.child.signalCode === null && agent.child.pid) {
      try {
        process.kill(-agent.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    killBrowsers();
    await agent.exited;
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('stores every proof-of-play event the agent wrote exactly once, from every round', async () => {
    const enrolled = await enrolScreen(rf);
    const deviceId = enrolled.deviceId;
    const configFile = await writeChromiumAgent(dir, enrolled);
    const eventsDir = join(dir, 'data', 'events');
    const written = new Map<string, DeviceEvent>();
    const roundOf = new Map<string, number>();
    // Read after every cut: a later start deletes the segments whose events were all acknowledged.
    const collect = async (round: number, agent: AgentRun) => {
      for (const event of await eventsOnDisk(eventsDir)) {
        if (!written.has(event.id)) roundOf.set(event.id, round);
        written.set(event.id, event);
      }
      for (const id of loggedIds(agent.stdout())) if (!roundOf.has(id)) roundOf.set(id, round);
    };
    const proofCount = async () => proofIds(await eventsOnDisk(eventsDir)).length;

    // Round 0, online: proof of play reaches the fleet, then the cut comes in the middle of an item.
    const online = start(configFile);
    await waitUntil(
      async () =>
        proofIds(await eventsOnDisk(eventsDir)).some((id) => storedCounts(rf.dataDir, deviceId).has(id)),
      40_000,
      'a proof-of-play event stored in the fleet',
    );
    await sleep(1_300);
    await kill(online);
    await collect(0, online);
    await rf.fleet.stop();

    let seed = 20261126;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 1; round <= ROUNDS; round += 1) {
      const before = await proofCount();
      const agent = start(configFile);
      // Playback has run at least one whole item; the cut then falls anywhere in the next ones.
      await waitUntil(async () => (await proofCount()) > before, 30_000, `proof of play in round ${round}`);
      await sleep(1_500 + Math.floor(random() * 4_000));
      await kill(agent);
      await collect(round, agent);
    }

    await rf.restart();
    const last = start(configFile);
    const proofs = [...written.values()].filter((event) => event.kind === 'proof-of-play');
    await waitUntil(
      () => {
        const stored = storedCounts(rf.dataDir, deviceId);
        return [...written.keys()].every((id) => stored.has(id));
      },
      30_000,
      'every written event in the fleet',
    );
    await kill(last);

    const stored = storedCounts(rf.dataDir, deviceId);
    expect([...stored.values()].filter((count) => count !== 1)).toEqual([]);
    expect([...written.keys()].filter((id) => !stored.has(id))).toEqual([]);
    // Every round, the online one and each offline one, proved what it played.
    for (let round = 0; round <= ROUNDS; round += 1) {
      expect(
        proofs.filter((event) => roundOf.get(event.id) === round).length,
        `round ${round}`,
      ).toBeGreaterThan(0);
    }

    // The events API gives them back once each, with what was shown, where and for how long.
    const answer = await rf.api('GET', `/api/v1/devices/${deviceId}/events?kind=proof-of-play&limit=1000`);
    expect(answer.status).toBe(200);
    const page = answer.body as { events: Array<{ id: string; event: DeviceEvent }> };
    const served = page.events.map((row) => row.id);
    expect(new Set(served).size).toBe(served.length);
    for (const proof of proofs) expect(served).toContain(proof.id);
    for (const row of page.events) {
      if (row.event.kind !== 'proof-of-play') throw new Error(`not proof of play: ${row.event.kind}`);
      expect(ITEM_IDS.has(row.event.itemId)).toBe(true);
      expect(row.event.zone).toBe('main');
      expect(row.event.durationMs).toBeGreaterThan(1_000);
    }
  }, 120_000);
});
