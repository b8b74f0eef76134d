import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventSchema, reportedSchema } from '@gatecast/protocol';
import { createServer } from 'node:net';
import { createAgent, type Agent } from '../../../src/agent.js';
import { createDesiredStore } from '../../../src/state/desired-store.js';
import { FleetClient, type SeenMessage } from '../helpers/fleet-client.js';
import { DEVICE_ID, SECRET, agentConfig, desired, tempDir, testLogger } from '../helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { chromiumMissing, playerConfig } from './player-harness.js';

/** A port nothing listens on: the fleet is out of reach. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const missing = chromiumMissing();
const isKind = (kind: string) => (message: SeenMessage) =>
  message.deviceId === DEVICE_ID && message.kind === kind;

describe.skipIf(missing !== null)('the agent with the Chromium player, over a real broker', () => {
  let broker: TestBroker;
  let fleet: FleetClient;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let agent: Agent | null = null;

  beforeEach(async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
    dir = await tempDir('agent-player');
  });

  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await fleet.close();
    await broker.stop();
    await dir.remove();
  });

  it('reports playing once the page shows the item, and proof of play reaches the fleet', async () => {
    const config = { ...agentConfig(broker.url, dir.path), player: playerConfig() };
    agent = createAgent({ config, log: testLogger() });
    await agent.start();
    const document = desired(1, 'welcome');
    // Two seconds per item, so an item ends (and is proven) while the test watches.
    document.content.defaultItem = {
      ...document.content.defaultItem,
      durationSec: 2,
    } as typeof document.content.defaultItem;
    await fleet.publishDesired(DEVICE_ID, document);

    const playing = await fleet.waitFor(
      (m) => isKind('reported')(m) && m.payload.phase === 'playing',
      20_000,
      'a reported phase of playing',
    );
    expect(reportedSchema.parse(playing.payload)).toMatchObject({
      appliedVersion: 1,
      currentItemId: 'welcome',
    });

    const proof = await fleet.waitFor(
      (m) => isKind('events')(m) && m.payload.kind === 'proof-of-play',
      20_000,
      'a proof-of-play event',
    );
    const event = eventSchema.parse(proof.payload);
    expect(event).toMatchObject({ kind: 'proof-of-play', itemId: 'welcome', zone: 'main' });
    if (event.kind !== 'proof-of-play') throw new Error('unreachable');
    expect(['vi', 'en', 'zh-Hans']).toContain(event.language);
    expect(event.durationMs).toBeGreaterThan(1_000);
  });

  it('with the fleet unreachable, follows the saved document and its schedule', async () => {
    const saved = desired(7, 'welcome');
    const switchAt = Date.now() + 3_000;
    saved.content.schedule = [
      {
        id: 'boarding',
        layer: 'operational',
        zone: 'main',
        notBefore: new Date(switchAt).toISOString(),
        items: [{ kind: 'text', id: 'boarding', body: { en: 'Boarding at gate 3' }, durationSec: 60 }],
      },
    ];
    await createDesiredStore({ dataDir: dir.path, log: testLogger() }).save(saved);
    const pagePort = await closedPort();
    const config = {
      ...agentConfig(`mqtt://127.0.0.1:${await closedPort()}`, dir.path),
      player: playerConfig({ pagePort }),
    };
    const reports: string[] = [];
    agent = createAgent({ config, log: testLogger() });
    await agent.start();
    // No fleet to report to: what the page is told to show is read from the player server.
    const seen = async (): Promise<string | null> => {
      const plan = await fetch(`http://127.0.0.1:${pagePort}/plan`).then(
        (response) => (response.ok ? response.json() : null),
        () => null,
      );
      const id =
        (plan as { zones?: Array<{ items: Array<{ id: string }> }> } | null)?.zones?.[0]?.items[0]?.id ??
        null;
      if (id && reports.at(-1) !== id) reports.push(id);
      return id;
    };
    const deadline = Date.now() + 15_000;
    while (!reports.includes('boarding') && Date.now() < deadline) {
      await seen();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(reports).toEqual(['welcome', 'boarding']);
  });
});
