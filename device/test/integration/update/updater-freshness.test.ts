import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCurrent } from '../../../src/update/release-links.js';
import { readTrustedCreatedAt, trustedReleasePath } from '../../../src/update/trusted-release.js';
import { createUpdater, type Updater } from '../../../src/update/updater.js';
import { desired, tempDir, testLogger } from '../helpers/fixtures.js';
import { newSigningKey, type TestSigningKey } from '../../unit/update/release-signing.js';
import { ArtifactServer } from './helpers/artifact-server.js';
import {
  RecordingRestarter,
  buildTestRelease,
  eventuallyAsync,
  layDownRoot,
  withAgent,
  type BuiltTestRelease,
} from './updater-support.js';

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

/**
 * The newest createdAt this screen trusts: kept on disk once an installed release is about to be
 * switched to, and read again by the next agent, which then refuses releases signed before it.
 */
describe('the updater remembers the newest release it trusted', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let server: ArtifactServer;
  let key: TestSigningKey;
  let v2: BuiltTestRelease;
  let updater: Updater | null;
  let announcing: boolean;

  beforeEach(async () => {
    work = await tempDir('freshness');
    key = newSigningKey();
    v2 = await buildTestRelease(work.path, '2.0.0', key, { createdAt: daysAgo(10) });
    server = new ArtifactServer(v2.artifact);
    await server.start();
    await layDownRoot(root(), '1.0.0');
    updater = null;
    announcing = false;
  });

  afterEach(async () => {
    await updater?.stop();
    await server.stop();
    await work.remove();
  });

  const root = () => join(work.path, 'root');
  const dataDir = () => join(work.path, 'data');

  async function start(runningVersion: string, restarts: RecordingRestarter): Promise<Updater> {
    updater = createUpdater({
      dataDir: dataDir(),
      installRoot: root(),
      runningVersion,
      updates: { publicKeys: [key.pinned], healthGateSec: 1, healthTimeoutSec: 60, maxStarts: 3 },
      clock: { now: () => new Date() },
      buildTime: new Date('2026-01-01T00:00:00Z'),
      log: testLogger(),
      probe: { connected: () => true, showingContent: () => true },
      announcementShowing: () => announcing,
      emitEvent: async () => true,
      onStatus: () => undefined,
      requestRestart: (reason) => restarts.requestRestart(reason),
      timing: {
        retryMinMs: 50,
        retryMaxMs: 100,
        announcementPollMs: 20,
        healthPollMs: 50,
        progressReportMs: 0,
      },
    });
    await updater.start();
    return updater;
  }

  const exists = (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );

  it('writes the floor only at the switch, keeps it across a restart, and refuses a rollback signed before it', async () => {
    const first = new RecordingRestarter();
    const v1 = await start('1.0.0', first);
    // A refused release leaves no trace of trust.
    const old = await buildTestRelease(work.path, '0.9.0', key);
    v1.offer(withAgent(desired(1), old, server.url));
    await eventuallyAsync(async () => expect(v1.status?.state).toBe('refused'));
    expect(await exists(trustedReleasePath(dataDir()))).toBe(false);

    // Downloaded, verified and unpacked, but held by an announcement: not trusted yet.
    announcing = true;
    v1.offer(withAgent(desired(2), v2, server.url));
    await eventuallyAsync(async () => expect(await exists(join(root(), 'releases', '2.0.0'))).toBe(true));
    await eventuallyAsync(async () => expect(v1.status?.state).toBe('installing'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await readTrustedCreatedAt(dataDir())).toBeNull();

    announcing = false;
    await eventuallyAsync(async () => expect(first.reasons).toEqual(['update to 2.0.0']));
    expect(await readTrustedCreatedAt(dataDir())).toBe(v2.signed.manifest.createdAt);
    await v1.stop();

    // The restarted agent runs 2.0.0 and reads the floor from disk.
    const second = new RecordingRestarter();
    const agent2 = await start('2.0.0', second);
    await eventuallyAsync(async () => expect(agent2.status?.state).toBe('committed'));
    const oldRollback = await buildTestRelease(work.path, '1.5.0', key, {
      rollback: true,
      createdAt: daysAgo(30),
    });
    server.serve(oldRollback.artifact);
    const requests = server.requests.length;
    agent2.offer(withAgent(desired(3), oldRollback, server.url));
    await eventuallyAsync(async () => expect(agent2.status?.state).toBe('refused'));
    expect(agent2.status?.problem).toMatchObject({
      code: 'UPDATE_DOWNGRADE',
      message: expect.stringContaining('before the newest release this screen trusts'),
    });
    expect(server.requests).toHaveLength(requests);
    expect(await readCurrent(root())).toBe('2.0.0');

    // The operator's way back: the rollback built again, after the floor, installs and raises it.
    const rebuilt = await buildTestRelease(work.path, '1.6.0', key, {
      rollback: true,
      createdAt: daysAgo(1),
    });
    server.serve(rebuilt.artifact);
    agent2.offer(withAgent(desired(4), rebuilt, server.url));
    await eventuallyAsync(async () => expect(second.reasons).toEqual(['update to 1.6.0']));
    expect(await readCurrent(root())).toBe('1.6.0');
    expect(await readTrustedCreatedAt(dataDir())).toBe(rebuilt.signed.manifest.createdAt);
  });
});
