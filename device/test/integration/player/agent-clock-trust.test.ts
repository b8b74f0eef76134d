import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../../src/agent.js';
import { FakeClockSync } from '../../../src/hardware/clock-sync.js';
import { createDesiredStore } from '../../../src/state/desired-store.js';
import { agentConfig, desired, tempDir, testLogger } from '../helpers/fixtures.js';
import { chromiumMissing, playerConfig } from './player-harness.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const missing = chromiumMissing();

/** The agent hands its clock trust inputs to the player: an untrusted clock plays the default loop. */
describe.skipIf(missing !== null)('the agent’s clock trust inputs, with the Chromium player', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let agent: Agent | null = null;

  beforeEach(async () => {
    dir = await tempDir('agent-clock-trust');
  });

  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await dir.remove();
  });

  /** Main's first item in the plan the page is given, once there is one. */
  async function mainItem(pagePort: number): Promise<string | null> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const plan = (await fetch(`http://127.0.0.1:${pagePort}/plan`).then(
        (response) => (response.ok ? response.json() : null),
        () => null,
      )) as { zones?: Array<{ items: Array<{ id: string }> }> } | null;
      const id = plan?.zones?.[0]?.items[0]?.id;
      if (id) return id;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return null;
  }

  async function startWith(options: { clockSync: FakeClockSync; buildTime?: Date }): Promise<string | null> {
    const saved = desired(3, 'welcome');
    saved.content.schedule = [
      {
        id: 'boarding',
        layer: 'operational',
        zone: 'main',
        items: [{ kind: 'text', id: 'boarding', body: { en: 'Boarding at gate 3' }, durationSec: 60 }],
      },
    ];
    await createDesiredStore({ dataDir: dir.path, log: testLogger() }).save(saved);
    const pagePort = await freePort();
    const config = {
      ...agentConfig(`mqtt://127.0.0.1:${await freePort()}`, dir.path),
      player: playerConfig({ pagePort }),
    };
    agent = createAgent({ config, log: testLogger(), ...options });
    await agent.start();
    return mainItem(pagePort);
  }

  it('follows the schedule when NTP says the clock is synchronised', async () => {
    expect(await startWith({ clockSync: new FakeClockSync(true) })).toBe('boarding');
  });

  it('plays the default item when NTP never synchronised the clock', async () => {
    expect(await startWith({ clockSync: new FakeClockSync(false) })).toBe('welcome');
  });

  it('plays the default item when the clock is earlier than the agent’s build', async () => {
    const buildTime = new Date(Date.now() + 365 * 24 * 3_600_000);
    expect(await startWith({ clockSync: new FakeClockSync(null), buildTime })).toBe('welcome');
  });
});
