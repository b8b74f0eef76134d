import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentConfig, DesiredDocument } from '@gatecast/protocol';
import { createAgent, type Agent } from '../../../src/agent.js';
import { readCurrent, readPrevious } from '../../../src/update/release-links.js';
import { readUpdateRecord, writeUpdateRecord } from '../../../src/update/update-state.js';
import { FleetClient, type SeenMessage } from '../helpers/fleet-client.js';
import {
  DEVICE_ID,
  RecordingScreen,
  SECRET,
  agentConfig,
  desired,
  eventually,
  tempDir,
  testLogger,
} from '../helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { newSigningKey, type TestSigningKey } from '../../unit/update/release-signing.js';
import { ArtifactServer } from './helpers/artifact-server.js';
import {
  RecordingRestarter,
  buildTestRelease,
  layDownRoot,
  releaseJsonVersion,
  eventuallyAsync,
  withAgent,
  type BuiltTestRelease,
} from './updater-support.js';

const FAST = {
  retryMinMs: 50,
  retryMaxMs: 200,
  announcementPollMs: 50,
  healthPollMs: 50,
  progressReportMs: 0,
};

describe('the agent updates itself', () => {
  let broker: TestBroker;
  let fleet: FleetClient;
  let server: ArtifactServer;
  let work: Awaited<ReturnType<typeof tempDir>>;
  let key: TestSigningKey;
  let v2: BuiltTestRelease;
  let running: Agent[];

  beforeEach(async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
    work = await tempDir('updater');
    key = newSigningKey();
    v2 = await buildTestRelease(work.path, '2.0.0', key);
    server = new ArtifactServer(v2.artifact);
    await server.start();
    await layDownRoot(root(), '1.0.0');
    running = [];
  });

  afterEach(async () => {
    for (const agent of running) await agent.stop();
    await server.stop();
    await fleet.close();
    await broker.stop();
    await work.remove();
  });

  const root = () => join(work.path, 'root');
  const dataDir = () => join(work.path, 'data');

  function config(overrides: Partial<AgentConfig['updates']> = {}, url = broker.url): AgentConfig {
    const base = agentConfig(url, dataDir());
    return {
      ...base,
      updates: {
        ...base.updates,
        publicKeys: [key.pinned],
        installRoot: root(),
        healthGateSec: 1,
        healthTimeoutSec: 600,
        ...overrides,
      },
    };
  }

  async function startAgent(
    agentVersion: string,
    options: { config?: AgentConfig; clock?: { now(): Date }; buildTime?: Date } = {},
  ): Promise<{ agent: Agent; restarts: RecordingRestarter }> {
    const restarts = new RecordingRestarter();
    const agent = createAgent({
      config: options.config ?? config(),
      log: testLogger(),
      screen: new RecordingScreen(),
      agentVersion,
      restarter: restarts,
      updateTiming: FAST,
      clockSync: { synchronized: () => true, refresh: async () => undefined },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.buildTime ? { buildTime: options.buildTime } : {}),
    });
    running.push(agent);
    await agent.start();
    return { agent, restarts };
  }

  async function stopAgent(agent: Agent): Promise<void> {
    running = running.filter((candidate) => candidate !== agent);
    await agent.stop();
  }

  const reports = (): Array<Record<string, unknown>> =>
    fleet.seen.filter((m) => m.kind === 'reported').map((m) => m.payload);
  const updateStates = (): string[] =>
    reports()
      .map((r) => (r.update as { state?: string } | undefined)?.state)
      .filter((state): state is string => state !== undefined)
      .filter((state, i, all) => i === 0 || all[i - 1] !== state);
  const reportedUpdate = (state: string) => (m: SeenMessage) =>
    m.kind === 'reported' && (m.payload.update as { state?: string } | undefined)?.state === state;
  const failures = () => fleet.seen.filter((m) => m.kind === 'events' && m.payload.kind === 'update-failed');

  async function publish(document: DesiredDocument): Promise<void> {
    await fleet.publishDesired(DEVICE_ID, document);
  }

  /** v1 takes the update up to its restart request. */
  async function updateToV2(): Promise<void> {
    const { agent, restarts } = await startAgent('1.0.0');
    await publish(withAgent(desired(1), v2, server.url));
    await eventually(() => expect(restarts.reasons).toEqual(['update to 2.0.0']), 15_000);
    await stopAgent(agent);
  }

  it('downloads, installs, switches and asks for a restart; the new release passes its gate and commits', async () => {
    await updateToV2();
    expect(updateStates()).toEqual(['downloading', 'verifying', 'installing', 'switching', 'restarting']);
    expect(await readCurrent(root())).toBe('2.0.0');
    expect(await readPrevious(root())).toBe('1.0.0');
    expect(await releaseJsonVersion(root(), 'current')).toBe('2.0.0');
    const last = reports().at(-1)!.update as Record<string, unknown>;
    expect(last).toMatchObject({
      targetVersion: '2.0.0',
      previousVersion: '1.0.0',
      downloadedBytes: v2.artifact.length,
    });

    // A release older than previous is left over from before: the commit prunes it.
    await mkdir(join(root(), 'releases', '0.9.0'));
    const { restarts } = await startAgent('2.0.0');
    const committed = await fleet.waitFor(reportedUpdate('committed'));
    expect(committed.payload).toMatchObject({
      agentVersion: '2.0.0',
      update: { targetVersion: '2.0.0', problem: null },
    });
    expect(updateStates().slice(-2)).toEqual(['health-check', 'committed']);
    const record = await readUpdateRecord(dataDir());
    expect(record).toMatchObject({ status: { state: 'committed' }, failedStage: null });
    expect(record?.healthSince).not.toBeNull();
    await eventuallyAsync(async () => {
      expect((await readdir(join(root(), 'releases'))).sort()).toEqual(['1.0.0', '2.0.0']);
    });
    await eventuallyAsync(async () => expect(await readdir(join(dataDir(), 'updates'))).toEqual([]));
    expect(restarts.reasons).toEqual([]);
    expect(failures()).toEqual([]);
  });

  it('rolls back a release that is not healthy in time, and reports it once across restarts', async () => {
    await updateToV2();
    // The new release cannot reach the fleet, and it first started longer ago than the timeout.
    const switched = (await readUpdateRecord(dataDir()))!;
    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    await writeUpdateRecord(dataDir(), { ...switched, healthSince: twoMinutesAgo });
    const deadBroker = config({ healthTimeoutSec: 60 }, 'mqtt://127.0.0.1:1');
    const { agent, restarts } = await startAgent('2.0.0', {
      config: deadBroker,
      buildTime: new Date('2026-01-01T00:00:00Z'),
    });
    await eventually(() => expect(restarts.reasons).toEqual(['rolled back from 2.0.0 to 1.0.0']));
    expect(await readCurrent(root())).toBe('1.0.0');
    const record = await readUpdateRecord(dataDir());
    expect(record).toMatchObject({
      status: { state: 'rolled-back', problem: { code: 'UPDATE_FAILED' } },
      failedStage: 'health-check',
      failureReported: true,
    });
    expect(record?.status.problem?.message).toContain('not connected to the fleet');
    await stopAgent(agent);

    // v1 again: the queued event reaches the fleet; the failed build is not tried again.
    const back = await startAgent('1.0.0');
    const failed = await fleet.waitFor((m) => m.kind === 'events' && m.payload.kind === 'update-failed');
    expect(failed.payload).toMatchObject({
      targetVersion: '2.0.0',
      runningVersion: '1.0.0',
      stage: 'health-check',
      problem: { code: 'UPDATE_FAILED' },
    });
    await fleet.waitFor((m) => reportedUpdate('rolled-back')(m) && m.payload.agentVersion === '1.0.0');
    await stopAgent(back.agent);
    const again = await startAgent('1.0.0');
    await publish(withAgent(desired(2), v2, server.url));
    await fleet.waitFor(
      (m) => m.kind === 'events' && m.payload.kind === 'desired-applied' && m.payload.version === 2,
    );
    expect(failures()).toHaveLength(1);
    expect(again.restarts.reasons).toEqual([]);
    expect(back.restarts.reasons).toEqual([]);
    expect(await readCurrent(root())).toBe('1.0.0');
    expect(server.requests).toHaveLength(1);
  });

  it('waits for an announcement to end before it switches', async () => {
    const { restarts } = await startAgent('1.0.0');
    const announcing = desired(1);
    const item = {
      kind: 'text' as const,
      id: 'gate-change',
      body: { vi: 'Đổi cửa', en: 'Gate change', 'zh-Hans': '换登机口' },
      durationSec: 10,
    };
    announcing.content.schedule = [{ id: 'gate-change', layer: 'announcement', zone: 'main', items: [item] }];
    await publish(withAgent(announcing, v2, server.url));
    await fleet.waitFor(reportedUpdate('installing'));
    await eventuallyAsync(async () => expect(await stat(join(root(), 'releases', '2.0.0'))).toBeTruthy());
    // Installed, but held: many announcement polls later nothing is switched.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await readCurrent(root())).toBe('1.0.0');
    expect(restarts.reasons).toEqual([]);
    expect(updateStates().at(-1)).toBe('installing');

    await publish(withAgent(desired(2), v2, server.url));
    await eventually(() => expect(restarts.reasons).toEqual(['update to 2.0.0']));
    expect(await readCurrent(root())).toBe('2.0.0');
  });

  it('resumes an interrupted download from its .part file', async () => {
    const half = Math.floor(v2.artifact.length / 2);
    server.behaviour.stallAt = half;
    const first = await startAgent('1.0.0');
    await publish(withAgent(desired(1), v2, server.url));
    await fleet.waitFor(
      (m) =>
        reportedUpdate('downloading')(m) &&
        (m.payload.update as { downloadedBytes?: number }).downloadedBytes === half,
    );
    await stopAgent(first.agent);
    expect((await readUpdateRecord(dataDir()))?.status.state).toBe('downloading');
    expect((await stat(join(dataDir(), 'updates', '2.0.0.part'))).size).toBe(half);

    server.behaviour.stallAt = null;
    const second = await startAgent('1.0.0');
    await eventually(() => expect(second.restarts.reasons).toEqual(['update to 2.0.0']), 15_000);
    expect(server.requests.at(-1)?.range).toBe(`bytes=${half}-`);
    expect(await readCurrent(root())).toBe('2.0.0');
  });

  it('retries a failed download while the document still names the release', async () => {
    server.behaviour.status = 503;
    const { restarts } = await startAgent('1.0.0');
    await publish(withAgent(desired(1), v2, server.url));
    const waiting = await fleet.waitFor(
      (m) => reportedUpdate('downloading')(m) && (m.payload.update as { problem: unknown }).problem !== null,
    );
    expect(waiting.payload.update).toMatchObject({ problem: { code: 'UPDATE_FAILED' } });
    server.behaviour.status = 200;
    await eventually(() => expect(restarts.reasons).toEqual(['update to 2.0.0']), 15_000);
    expect(failures()).toEqual([]);
  });

  it('drops an update not yet switched when the document no longer names it', async () => {
    const half = Math.floor(v2.artifact.length / 2);
    server.behaviour.stallAt = half;
    const { restarts } = await startAgent('1.0.0');
    await publish(withAgent(desired(1), v2, server.url));
    await fleet.waitFor(
      (m) =>
        reportedUpdate('downloading')(m) &&
        (m.payload.update as { downloadedBytes?: number }).downloadedBytes === half,
    );
    await publish(withAgent(desired(2), null, server.url));
    await fleet.waitFor(
      (m) => m.kind === 'reported' && m.payload.appliedVersion === 2 && m.payload.update === undefined,
    );
    expect(await readUpdateRecord(dataDir())).toBeNull();
    // The bytes stay for a later attempt.
    expect((await stat(join(dataDir(), 'updates', '2.0.0.part'))).size).toBe(half);
    expect(restarts.reasons).toEqual([]);
  });

  it('lets a newer target replace an update not yet switched', async () => {
    const half = Math.floor(v2.artifact.length / 2);
    server.behaviour.stallAt = half;
    const { restarts } = await startAgent('1.0.0');
    await publish(withAgent(desired(1), v2, server.url));
    await fleet.waitFor(
      (m) =>
        reportedUpdate('downloading')(m) &&
        (m.payload.update as { downloadedBytes?: number }).downloadedBytes === half,
    );
    const v3 = await buildTestRelease(work.path, '3.0.0', key);
    server.behaviour.stallAt = null;
    server.serve(v3.artifact);
    await publish(withAgent(desired(2), v3, server.url));
    await eventually(() => expect(restarts.reasons).toEqual(['update to 3.0.0']), 15_000);
    expect(await readCurrent(root())).toBe('3.0.0');
    expect(reports().at(-1)?.update).toMatchObject({ targetVersion: '3.0.0', previousVersion: '1.0.0' });
    // The replaced download keeps its bytes for a later attempt.
    expect((await stat(join(dataDir(), 'updates', '2.0.0.part'))).size).toBe(half);
  });

  it('finishes a rollback it finds half done, and sends the failure the launcher recorded', async () => {
    await updateToV2();
    const left = (await readUpdateRecord(dataDir()))!;
    const problem = {
      code: 'UPDATE_FAILED' as const,
      message: 'release 2.0.0 stopped 3 times before it was confirmed',
    };
    await writeUpdateRecord(dataDir(), {
      ...left,
      status: { ...left.status, state: 'rolling-back', problem },
      failedStage: 'restart',
      starts: 3,
    });
    const { restarts } = await startAgent('1.0.0');
    const failed = await fleet.waitFor((m) => m.kind === 'events' && m.payload.kind === 'update-failed');
    expect(failed.payload).toMatchObject({
      targetVersion: '2.0.0',
      runningVersion: '1.0.0',
      stage: 'restart',
      problem,
    });
    expect(await readCurrent(root())).toBe('1.0.0');
    expect(await readUpdateRecord(dataDir())).toMatchObject({
      status: { state: 'rolled-back', problem },
      failedStage: 'restart',
      failureReported: true,
    });
    expect(restarts.reasons).toEqual([]);
  });
});
