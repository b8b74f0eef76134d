import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/agent.js';
import { desiredStatePath } from '../../src/state/desired-store.js';
import { FleetClient, type SeenMessage } from './helpers/fleet-client.js';
import {
  DEVICE_ID,
  RecordingScreen,
  SECRET,
  agentConfig,
  desired,
  eventually,
  tempDir,
  testLogger,
} from './helpers/fixtures.js';
import { freePort, startTestBroker, type TestBroker } from './helpers/test-broker.js';

const isKind = (kind: string) => (message: SeenMessage) =>
  message.deviceId === DEVICE_ID && message.kind === kind;
const reportedVersion = (version: number | null) => (m: SeenMessage) =>
  isKind('reported')(m) && m.payload.appliedVersion === version;

describe('agent offline, restarts and damaged state', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let screen: RecordingScreen;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    dir = await tempDir('agent-offline');
    screen = new RecordingScreen();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await dir.remove();
  });

  async function startAgent(url: string, random?: () => number, mqtt = {}): Promise<Agent> {
    const agent = createAgent({
      config: agentConfig(url, dir.path, mqtt),
      log: testLogger(),
      screen,
      random,
    });
    cleanups.push(() => agent.stop());
    await agent.start();
    return agent;
  }

  async function broker(port?: number): Promise<TestBroker> {
    const started = await startTestBroker({ [DEVICE_ID]: SECRET }, port);
    cleanups.push(() => started.stop());
    return started;
  }

  async function fleetOn(url: string): Promise<FleetClient> {
    const fleet = await FleetClient.connect(url);
    cleanups.push(() => fleet.close());
    return fleet;
  }

  async function saveState(text: string): Promise<void> {
    await mkdir(dirname(desiredStatePath(dir.path)), { recursive: true });
    await writeFile(desiredStatePath(dir.path), text);
  }

  it('shows the saved document with no broker at all, and reports it once the broker comes up', async () => {
    await saveState(JSON.stringify(desired(9, 'saved-item')));
    const port = await freePort();
    await startAgent(`mqtt://127.0.0.1:${port}`);
    expect(screen.versions()).toEqual([9]);

    const later = await broker(port);
    const fleet = await fleetOn(later.url);
    const reported = await fleet.waitFor(reportedVersion(9), 20_000, 'reported v9');
    expect(reported.payload).toMatchObject({
      desiredSource: 'cache',
      phase: 'applied',
      currentItemId: 'saved-item',
    });
    // Events from the offline time were kept and arrive now, in order.
    const kinds = () => fleet.of(DEVICE_ID, 'events').map((m) => m.payload.kind);
    await eventually(() => expect(kinds()).toEqual(['agent-started', 'desired-applied']));

    // The fleet confirms the same version: the report says so, the screen is not touched.
    await fleet.publishDesired(DEVICE_ID, desired(9, 'saved-item'));
    await fleet.waitFor((m) => reportedVersion(9)(m) && m.payload.desiredSource === 'fleet');
    expect(screen.versions()).toEqual([9]);
  });

  it('reconnects after a broker restart, republishes its state and takes the desired document again', async () => {
    const first = await broker();
    const port = first.port;
    let fleet = await fleetOn(first.url);
    await fleet.publishDesired(DEVICE_ID, desired(2));
    await startAgent(first.url);
    await fleet.waitFor(reportedVersion(2));

    await first.stop();
    const second = await broker(port);
    fleet = await fleetOn(second.url);
    const online = await fleet.waitFor((m) => isKind('status')(m) && m.payload.state === 'online', 20_000);
    expect(online.payload.agentVersion).toBeTypeOf('string');
    const reported = await fleet.waitFor(reportedVersion(2));
    expect(reported.payload.desiredSource).toBe('fleet');

    // Like the real fleet after its own restart, the test republishes the desired document.
    await fleet.publishDesired(DEVICE_ID, desired(2));
    await fleet.publishDesired(DEVICE_ID, desired(3));
    await fleet.waitFor(reportedVersion(3));
    expect(screen.versions()).toEqual([2, 3]);
    expect(second.connects.filter((packet) => packet.clientId === DEVICE_ID)).toHaveLength(1);
    expect(second.refusals).toEqual([]);
  });

  it('retries one connection at a time, each after a growing jittered delay', async () => {
    // A server that accepts and hangs up at once: every connection attempt is visible here.
    const port = await freePort();
    const attempts: number[] = [];
    let open = 0;
    let maxOpen = 0;
    const refuser: Server = createServer((socket: Socket) => {
      attempts.push(performance.now());
      maxOpen = Math.max(maxOpen, ++open);
      socket.on('close', () => open--);
      setTimeout(() => socket.destroy(), 20);
    });
    await new Promise<void>((resolve) => refuser.listen(port, '127.0.0.1', () => resolve()));
    const stopRefuser = () => new Promise<void>((resolve) => refuser.close(() => resolve()));
    cleanups.push(stopRefuser);

    // With the dice pinned high the delays are 600, 1800, 2000, 2000 ms (min 200, max 2000).
    await startAgent(`mqtt://127.0.0.1:${port}`, () => 0.999999, {
      reconnectMinMs: 200,
      reconnectMaxMs: 2_000,
    });
    await eventually(() => expect(attempts.length).toBeGreaterThanOrEqual(5), 15_000);
    const gaps = attempts.slice(1).map((at, index) => at - (attempts[index] ?? at));
    const expected = [600, 1_800, 2_000, 2_000];
    expected.forEach((delay, index) => expect(gaps[index]).toBeGreaterThanOrEqual(delay - 50));
    expect(maxOpen).toBe(1);

    // Once a broker answers on that port, the agent gets through.
    cleanups.splice(cleanups.indexOf(stopRefuser), 1);
    await stopRefuser();
    const real = await broker(port);
    const fleet = await fleetOn(real.url);
    await fleet.waitFor((m) => isKind('status')(m) && m.payload.state === 'online', 20_000);
  });

  it.each([
    ['garbage', 'not json at all \u0000\u0001'],
    ['a truncated document', JSON.stringify(desired(4)).slice(0, 60)],
    ['a document that fails the schema', JSON.stringify({ ...desired(4), version: -1 })],
    ['an empty file', ''],
    ['a document for another screen (a moved SD card)', JSON.stringify(desired(4, 'x', 'port-hp-gate-02'))],
  ])('treats %s in the state file as absent', async (_name, text) => {
    await saveState(text);
    const live = await broker();
    const fleet = await fleetOn(live.url);
    await startAgent(live.url);
    const reported = await fleet.waitFor(isKind('reported'));
    expect(reported.payload).toMatchObject({ appliedVersion: null, desiredSource: 'none' });
    expect(screen.versions()).toEqual([]);

    await fleet.publishDesired(DEVICE_ID, desired(5));
    await fleet.waitFor(reportedVersion(5));
    const saved = JSON.parse(await readFile(desiredStatePath(dir.path), 'utf8')) as { version: number };
    expect(saved.version).toBe(5);
  });

  it('keeps showing and reports degraded when the state cannot be saved', async () => {
    // A plain file where the state directory should be: every save fails, as on a broken card.
    await writeFile(dirname(desiredStatePath(dir.path)), 'in the way');
    const live = await broker();
    const fleet = await fleetOn(live.url);
    await startAgent(live.url);
    await fleet.publishDesired(DEVICE_ID, desired(6));
    const reported = await fleet.waitFor(reportedVersion(6));
    expect(reported.payload).toMatchObject({ phase: 'degraded', errors: [{ code: 'INTERNAL' }] });
    expect(screen.versions()).toEqual([6]);
  });
});
