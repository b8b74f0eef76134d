import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceTopic, reportedSchema, telemetrySchema } from '@gatecast/protocol';
import { createAgent, type Agent } from '../../src/agent.js';
import type { Indicator } from '../../src/commands/indicator.js';
import { readAgentVersion } from '../../src/lib/version.js';
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
import { startTestBroker, type TestBroker } from './helpers/test-broker.js';

const version = readAgentVersion();
const isKind = (kind: string) => (message: SeenMessage) =>
  message.deviceId === DEVICE_ID && message.kind === kind;

describe('agent over a real broker', () => {
  let broker: TestBroker;
  let fleet: FleetClient;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let screen: RecordingScreen;
  let identified: number[];
  let agent: Agent | null;

  beforeEach(async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
    dir = await tempDir('agent-link');
    screen = new RecordingScreen();
    identified = [];
    agent = null;
  });

  afterEach(async () => {
    await agent?.stop();
    await fleet.close();
    await broker.stop();
    await dir.remove();
  });

  async function startAgent(): Promise<Agent> {
    const indicator: Indicator = { identify: async (durationSec) => void identified.push(durationSec) };
    agent = createAgent({ config: agentConfig(broker.url, dir.path), log: testLogger(), screen, indicator });
    await agent.start();
    return agent;
  }

  it('connects as itself with its will on its own status topic and announces itself online', async () => {
    await startAgent();
    const online = await fleet.waitFor((m) => isKind('status')(m) && m.payload.state === 'online');
    expect(online.payload).toMatchObject({ agentVersion: version });
    expect(Date.parse(String(online.payload.at))).not.toBeNaN();

    const connect = broker.connects.find((packet) => packet.clientId === DEVICE_ID);
    expect(connect).toMatchObject({ username: DEVICE_ID, protocolVersion: 4, clean: true, keepalive: 5 });
    expect(connect?.will).toMatchObject({ topic: deviceTopic(DEVICE_ID, 'status'), qos: 1, retain: true });
    expect(JSON.parse(String(connect?.will?.payload))).toEqual({ state: 'offline' });

    const reported = await fleet.waitFor(isKind('reported'));
    expect(reportedSchema.parse(reported.payload)).toMatchObject({
      appliedVersion: null,
      desiredSource: 'none',
      agentVersion: version,
    });
    const started = await fleet.waitFor((m) => isKind('events')(m) && m.payload.kind === 'agent-started');
    expect(started.payload.agentVersion).toBe(version);

    // Status and reported are retained: a fleet that connects later still sees them.
    const late = await FleetClient.connect(broker.url);
    try {
      const retained = await late.waitFor((m) => isKind('status')(m) && m.retain);
      expect(retained.payload.state).toBe('online');
      await late.waitFor((m) => isKind('reported')(m) && m.retain);
    } finally {
      await late.close();
    }
    expect(broker.refusals).toEqual([]);
  });

  it('sends a real health sample right after connecting', async () => {
    await startAgent();
    const telemetry = await fleet.waitFor(isKind('telemetry'), 20_000, 'telemetry');
    const sample = telemetrySchema.parse(telemetry.payload);
    expect(sample.memory.totalBytes).toBeGreaterThan(0);
    expect(sample.disk?.totalBytes).toBeGreaterThan(0);
    expect(sample.agent.version).toBe(version);
  });

  it('applies a retained desired document, saves it and reports its version', async () => {
    const document = desired(2, 'welcome-arrivals');
    await fleet.publishDesired(DEVICE_ID, document);
    await startAgent();

    const reported = await fleet.waitFor((m) => isKind('reported')(m) && m.payload.appliedVersion === 2);
    expect(reported.payload).toMatchObject({
      desiredSource: 'fleet',
      phase: 'applied',
      currentItemId: 'welcome-arrivals',
      errors: [],
    });
    expect(screen.versions()).toEqual([2]);
    const saved: unknown = JSON.parse(await readFile(desiredStatePath(dir.path), 'utf8'));
    expect(saved).toEqual(document);
    await fleet.waitFor(
      (m) => isKind('events')(m) && m.payload.kind === 'desired-applied' && m.payload.version === 2,
    );
  });

  it('leaves the screen alone for the same version and rejects an older one with an event', async () => {
    await startAgent();
    await fleet.publishDesired(DEVICE_ID, desired(3));
    await fleet.waitFor((m) => isKind('reported')(m) && m.payload.appliedVersion === 3);

    await fleet.publishDesired(DEVICE_ID, desired(3, 'something-else'));
    await fleet.publishDesired(DEVICE_ID, desired(1));
    const rejected = await fleet.waitFor((m) => isKind('events')(m) && m.payload.kind === 'desired-rejected');
    expect(rejected.payload).toMatchObject({ version: 1, problem: { code: 'STALE_DESIRED' } });

    await fleet.publishDesired(DEVICE_ID, desired(4));
    await fleet.waitFor((m) => isKind('reported')(m) && m.payload.appliedVersion === 4);
    expect(screen.versions()).toEqual([3, 4]);
    const saved = JSON.parse(await readFile(desiredStatePath(dir.path), 'utf8')) as { version: number };
    expect(saved.version).toBe(4);
  });

  it('ignores a desired document that names another screen', async () => {
    await startAgent();
    await fleet.publishDesired(DEVICE_ID, { ...desired(5), deviceId: 'port-hp-gate-02' });
    await fleet.publishDesired(DEVICE_ID, desired(6));
    await fleet.waitFor((m) => isKind('reported')(m) && m.payload.appliedVersion === 6);
    expect(screen.versions()).toEqual([6]);
  });

  it('answers ping and identify with their correlation ids', async () => {
    await startAgent();
    await fleet.publishDesired(DEVICE_ID, desired(7));
    await fleet.waitFor((m) => isKind('reported')(m) && m.payload.appliedVersion === 7);
    const issuedAt = new Date().toISOString();
    await fleet.sendCommand(DEVICE_ID, { id: 'ping-corr-01', name: 'ping', issuedAt });
    await fleet.sendCommand(DEVICE_ID, {
      id: 'ident-corr-01',
      name: 'identify',
      issuedAt,
      args: { durationSec: 45 },
    });

    const pong = await fleet.waitFor((m) => isKind('cmd/res')(m) && m.payload.id === 'ping-corr-01');
    expect(pong.payload).toMatchObject({
      ok: true,
      name: 'ping',
      result: { agentVersion: version, appliedVersion: 7 },
    });
    const ident = await fleet.waitFor((m) => isKind('cmd/res')(m) && m.payload.id === 'ident-corr-01');
    expect(ident.payload).toMatchObject({ ok: true, name: 'identify' });
    const until = Date.parse(String((ident.payload.result as { until: string }).until));
    expect(until - Date.parse(issuedAt)).toBeGreaterThanOrEqual(44_000);
    expect(identified).toEqual([45]);
  });

  it('does not run an expired command, runs a repeated id once, and answers unknown commands', async () => {
    await startAgent();
    await fleet.waitFor((m) => isKind('status')(m) && m.payload.state === 'online');
    const issuedAt = new Date(Date.now() - 60_000).toISOString();
    const expiresAt = new Date(Date.now() - 30_000).toISOString();
    await fleet.sendCommand(DEVICE_ID, { id: 'late-corr-01', name: 'identify', issuedAt, expiresAt });
    const late = await fleet.waitFor((m) => isKind('cmd/res')(m) && m.payload.id === 'late-corr-01');
    expect(late.payload).toMatchObject({ ok: false, problem: { code: 'COMMAND_EXPIRED' } });

    const repeat = { id: 'dup-corr-01', name: 'identify', issuedAt: new Date().toISOString() };
    await fleet.sendCommand(DEVICE_ID, repeat);
    await fleet.sendCommand(DEVICE_ID, repeat);
    await eventually(() => expect(fleet.seen.filter((m) => m.payload.id === 'dup-corr-01')).toHaveLength(2));
    const [first, second] = fleet.seen.filter((m) => m.payload.id === 'dup-corr-01');
    expect(second?.payload).toEqual(first?.payload);

    await fleet.sendCommand(DEVICE_ID, { id: 'unk-corr-01', name: 'format-disk', issuedAt });
    const unknown = await fleet.waitFor((m) => isKind('cmd/res')(m) && m.payload.id === 'unk-corr-01');
    expect(unknown.payload).toMatchObject({
      ok: false,
      name: 'format-disk',
      problem: { code: 'UNKNOWN_COMMAND' },
    });
    expect(identified).toEqual([30]);
  });

  it('says offline itself on stop, so the will is not needed', async () => {
    await startAgent();
    await fleet.waitFor((m) => isKind('status')(m) && m.payload.state === 'online');
    await agent?.stop();
    agent = null;
    const offline = await fleet.waitFor((m) => isKind('status')(m) && m.payload.state === 'offline');
    expect(offline.payload).toMatchObject({ agentVersion: version });
    expect(offline.payload.at).toBeTypeOf('string');
    // A clean DISCONNECT: the broker dropped the will, so no second offline follows.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fleet.of(DEVICE_ID, 'status').filter((m) => m.payload.state === 'offline')).toHaveLength(1);
  });
});
