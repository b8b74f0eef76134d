import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DesiredDocument, DeviceEvent, SignedManifest } from '@gatecast/protocol';
import { readCurrent } from '../../../src/update/release-links.js';
import { createUpdater, type Updater } from '../../../src/update/updater.js';
import { readUpdateRecord } from '../../../src/update/update-state.js';
import { desired, tempDir, testLogger } from '../helpers/fixtures.js';
import { newSigningKey, signManifest, type TestSigningKey } from '../../unit/update/release-signing.js';
import { ArtifactServer } from './helpers/artifact-server.js';
import {
  RecordingRestarter,
  buildTestRelease,
  eventuallyAsync,
  layDownRoot,
  withAgent,
  type BuiltTestRelease,
} from './updater-support.js';

describe('the updater refuses what it must not install', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let server: ArtifactServer;
  let key: TestSigningKey;
  let v2: BuiltTestRelease;
  let events: DeviceEvent[];
  let restarts: RecordingRestarter;
  let updater: Updater | null;

  beforeEach(async () => {
    work = await tempDir('refusals');
    key = newSigningKey();
    v2 = await buildTestRelease(work.path, '2.0.0', key);
    server = new ArtifactServer(v2.artifact);
    await server.start();
    await layDownRoot(join(work.path, 'root'), '1.0.0');
    events = [];
    restarts = new RecordingRestarter();
    updater = null;
  });

  afterEach(async () => {
    await updater?.stop();
    await server.stop();
    await work.remove();
  });

  async function start(installRoot: string | null = join(work.path, 'root')): Promise<Updater> {
    updater = createUpdater({
      dataDir: join(work.path, 'data'),
      installRoot,
      runningVersion: '1.0.0',
      updates: { publicKeys: [key.pinned], healthGateSec: 1, healthTimeoutSec: 60, maxStarts: 3 },
      clock: { now: () => new Date() },
      buildTime: new Date('2026-01-01T00:00:00Z'),
      log: testLogger(),
      probe: { connected: () => true, showingContent: () => true },
      announcementShowing: () => false,
      emitEvent: async (event) => {
        events.push(event);
        return true;
      },
      onStatus: () => undefined,
      requestRestart: (reason) => restarts.requestRestart(reason),
      timing: {
        retryMinMs: 50,
        retryMaxMs: 100,
        announcementPollMs: 50,
        healthPollMs: 50,
        progressReportMs: 0,
      },
    });
    await updater.start();
    return updater;
  }

  /** Offers the document twice: the second time must neither retry nor report again. */
  async function offerRefused(document: DesiredDocument, installRoot?: string | null) {
    const agent = await start(installRoot);
    agent.offer(document);
    await eventuallyAsync(async () => expect(agent.status?.state).toBe('refused'));
    await eventuallyAsync(async () => expect(events).toHaveLength(1));
    const requests = server.requests.length;
    agent.offer({ ...document, version: document.version + 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toHaveLength(1);
    expect(server.requests).toHaveLength(requests);
    expect(restarts.reasons).toEqual([]);
    expect(await readCurrent(join(work.path, 'root'))).toBe('1.0.0');
    const record = await readUpdateRecord(join(work.path, 'data'));
    expect(record?.failureReported).toBe(true);
    return {
      status: agent.status!,
      event: events[0] as Extract<DeviceEvent, { kind: 'update-failed' }>,
      record,
    };
  }

  const named = (signed: unknown): DesiredDocument =>
    ({
      ...desired(1),
      agent: { release: signed as SignedManifest, artifactUrl: server.url },
    }) as DesiredDocument;

  it('refuses an unsigned manifest', async () => {
    const { status, event } = await offerRefused(named({ manifest: v2.signed.manifest, signature: null }));
    expect(status.problem?.code).toBe('UPDATE_UNSIGNED');
    expect(event).toMatchObject({ targetVersion: '2.0.0', runningVersion: '1.0.0', stage: 'verify' });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a release signed by a key that is not pinned', async () => {
    const stranger = signManifest(v2.signed.manifest, newSigningKey());
    const { status } = await offerRefused(named(stranger));
    expect(status.problem?.code).toBe('UPDATE_UNKNOWN_KEY');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a manifest changed after it was signed', async () => {
    const forged = { ...v2.signed, manifest: { ...v2.signed.manifest, notes: 'now with extras' } };
    const { status, record } = await offerRefused(named(forged));
    expect(status.problem?.code).toBe('UPDATE_BAD_SIGNATURE');
    expect(record?.failedStage).toBe('verify');
  });

  it('refuses an older release that is not a signed rollback', async () => {
    const old = await buildTestRelease(work.path, '0.9.0', key);
    const { status, event } = await offerRefused(withAgent(desired(1), old, server.url));
    expect(status.problem?.code).toBe('UPDATE_DOWNGRADE');
    expect(event.targetVersion).toBe('0.9.0');
  });

  it('refuses an expired manifest before fetching a byte', async () => {
    const stale = await buildTestRelease(work.path, '2.1.0', key, {
      createdAt: new Date(Date.now() - 400 * 86_400_000).toISOString(),
    });
    const { status, event } = await offerRefused(withAgent(desired(1), stale, server.url));
    expect(status.problem?.code).toBe('UPDATE_EXPIRED');
    expect(status.problem?.message).toContain(`expired at ${stale.signed.manifest.expiresAt}`);
    expect(event).toMatchObject({ targetVersion: '2.1.0', stage: 'verify' });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses an artifact whose bytes do not match the signed sha256', async () => {
    const tampered = Buffer.from(v2.artifact);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 0xff, tampered.length - 1);
    server.serve(tampered);
    const { status, event } = await offerRefused(withAgent(desired(1), v2, server.url));
    expect(status.problem?.code).toBe('UPDATE_TAMPERED');
    expect(event.stage).toBe('download');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses any update without an install root', async () => {
    const { status } = await offerRefused(withAgent(desired(1), v2, server.url), null);
    expect(status.problem).toMatchObject({ code: 'UPDATE_FAILED' });
    expect(status.problem?.message).toContain('does not run from an install root');
  });
});
