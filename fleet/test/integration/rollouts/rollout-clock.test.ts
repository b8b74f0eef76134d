import type { ReportedState } from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { generateReleaseKey } from '../../../src/releases/release-keys.js';
import { ReleasesRepo } from '../../../src/releases/releases-repo.js';
import { createRollouts, type Rollouts } from '../../../src/rollouts/rollouts-domain.js';
import { signedRelease } from '../releases/releases-app.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { openApiCore, type ApiCore } from '../support/api-app.js';

// The engine over a real store and a real desired service, with the clock injected: a window
// that opens at 01:00 in Hai Phong is waited for without waiting an hour.

const BASE = 'http://fleet.example:8080';
let core: ApiCore;
let rollouts: Rollouts;
let desired: DesiredService;
let clock: Date;

const reported = (agentVersion: string): ReportedState => ({
  at: clock.toISOString(),
  agentVersion,
  appliedVersion: 1,
  desiredSource: 'fleet',
  phase: 'playing',
  currentItemId: 'welcome',
  errors: [],
});

beforeEach(async () => {
  clock = new Date('2026-11-26T03:00:00.000Z'); // 10:00 in Hai Phong (UTC+7)
  core = openApiCore();
  await seedGates(core.gates);
  for (const id of ['cat-bi-01', 'cat-bi-02']) {
    await enrol(core.devices, id);
    await core.devices.saveReported(id, reported('1.0.0'), new Date().toISOString());
  }
  const key = generateReleaseKey();
  const releases = new ReleasesRepo(core.store.sql);
  const { signed } = signedRelease('1.1.0', key, 1000);
  await releases.insert(signed, '2026-11-26T00:00:00.000Z', 'lan');
  await releases.markPublished('1.1.0', '2026-11-26T00:00:01.000Z', 'lan');
  rollouts = createRollouts({
    sql: core.sql,
    gates: core.gates,
    devices: core.devices,
    refresh: (ids) => desired.refreshMany(ids),
    mediaBaseUrl: () => BASE,
    tickMs: 60_000,
    log: core.log,
    now: () => clock,
  });
  desired = new DesiredService({ ...core.desiredDeps, extras: [rollouts.extras], now: () => clock });
  rollouts.engine.start();
});

afterEach(async () => {
  await rollouts?.engine.stop();
  await core.close({ close: async () => undefined });
});

const agentOf = async (id: string) => (await desired.refresh(id)).agent;

describe('the rollout engine and the clock', () => {
  it('hands releases out only once the injected clock enters the gate maintenance window', async () => {
    await core.gates.setMaintenanceWindow('cat-bi-airport', { from: '01:00', to: '03:00' });
    const created = await rollouts.service.create(
      {
        version: '1.1.0',
        target: { gates: ['cat-bi-airport'], zones: [], tags: [], devices: [] },
        waves: [100],
        maxFailures: 0,
        ignoreMaintenanceWindows: false,
      },
      'lan',
      () => undefined,
    );
    await rollouts.engine.settle();
    const waiting = await rollouts.service.screensOf(created.id);
    expect(waiting.map((screen) => [screen.state, screen.waitingFor])).toEqual([
      ['waiting', 'maintenance-window'],
      ['waiting', 'maintenance-window'],
    ]);
    expect(await agentOf('cat-bi-01')).toBeUndefined();

    clock = new Date('2026-11-26T18:30:00.000Z'); // 01:30 the next night in Hai Phong
    await rollouts.engine.settle();
    expect((await rollouts.service.screensOf(created.id)).map((screen) => screen.state)).toEqual([
      'updating',
      'updating',
    ]);
    const agent = await agentOf('cat-bi-01');
    expect(agent?.artifactUrl).toBe(`${BASE}/api/v1/device/releases/1.1.0/artifact`);
    expect(agent?.release.manifest.version).toBe('1.1.0');
    expect(await rollouts.mayFetch('cat-bi-01', '1.1.0')).toBe(true);
    expect(await rollouts.mayFetch('cat-bi-01', '1.0.0')).toBe(false);

    for (const id of ['cat-bi-01', 'cat-bi-02'])
      await core.devices.saveReported(id, reported('1.1.0'), clock.toISOString());
    await rollouts.engine.settle();
    expect(await rollouts.service.get(created.id)).toMatchObject({
      state: 'completed',
      finishedAt: clock.toISOString(),
    });
    // Desired state outlives the rollout.
    expect((await agentOf('cat-bi-02'))?.release.manifest.version).toBe('1.1.0');
  });

  it('ignores the window when told to, and an abort takes the assignment back', async () => {
    await core.gates.setMaintenanceWindow('cat-bi-airport', { from: '01:00', to: '03:00' });
    const created = await rollouts.service.create(
      {
        version: '1.1.0',
        target: { gates: [], zones: [], tags: [], devices: ['cat-bi-01'] },
        waves: [100],
        maxFailures: 0,
        ignoreMaintenanceWindows: true,
      },
      'lan',
      () => undefined,
    );
    await rollouts.engine.settle();
    expect(await agentOf('cat-bi-01')).toBeDefined();
    const aborted = await rollouts.service.abort(created.id);
    expect(aborted.state).toBe('aborted');
    expect((await rollouts.service.screensOf(created.id))[0]?.state).toBe('cancelled');
    expect(await agentOf('cat-bi-01')).toBeUndefined();
    expect(await rollouts.mayFetch('cat-bi-01', '1.1.0')).toBe(false);
  });
});
