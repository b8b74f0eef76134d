import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReleaseAssignments } from '../../../src/rollouts/release-assignments.js';
import type { Rollout, RolloutScreen } from '../../../src/rollouts/rollout-model.js';
import { RolloutsRepo } from '../../../src/rollouts/rollouts-repo.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { silentLogger } from '../store/temp-store.js';

const AT = '2026-11-26T03:00:00.000Z';

const rollout: Rollout = {
  id: 'ro-0001',
  version: '2.0.0',
  state: 'running',
  pauseReason: null,
  target: { gates: ['cat-bi'], zones: [], tags: [], devices: [] },
  waves: ['canary', 100],
  gates: ['cat-bi'],
  currentWave: 0,
  maxFailures: 0,
  failuresAccepted: 0,
  ignoreMaintenanceWindows: false,
  rollbackOf: null,
  createdBy: 'lan',
  createdAt: AT,
  updatedAt: AT,
  finishedAt: null,
};

const screen = (deviceId: string, wave: number): RolloutScreen => ({
  rolloutId: rollout.id,
  deviceId,
  name: deviceId,
  gateId: 'cat-bi',
  zoneId: 'arrivals',
  wave,
  state: 'pending',
  waitingFor: null,
  fromVersion: '1.0.0',
  previous: null,
  problem: null,
  updatedAt: AT,
});

async function addRelease(store: TestStore, version: string): Promise<void> {
  await store.sql.run(
    sql`INSERT INTO releases (version, manifest, key_id, signature, artifact, sha256, size, created_at)
        VALUES (${version}, '{}', 'key', 'sig', ${`gatecast-agent-${version}.tgz`}, ${'a'.repeat(64)}, 1000, ${AT})`,
  );
}

describe.each(STORE_DIALECTS)('rollouts in the store (%s)', (dialect) => {
  let store: TestStore;
  let repo: RolloutsRepo;
  let assignments: ReleaseAssignments;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    repo = new RolloutsRepo(store.sql, silentLogger());
    assignments = new ReleaseAssignments(store.sql);
    await addRelease(store, '1.0.0');
    await addRelease(store, '2.0.0');
  });
  afterEach(async () => store?.dispose());

  it('keeps a rollout, its screens and its state changes', async () => {
    await repo.insert(rollout, [screen('cat-bi-02', 1), screen('cat-bi-01', 0)]);
    expect(await repo.get(rollout.id)).toEqual(rollout);
    expect((await repo.screensOf(rollout.id)).map((s) => s.deviceId)).toEqual(['cat-bi-01', 'cat-bi-02']);
    const failed = {
      ...screen('cat-bi-01', 0),
      state: 'failed' as const,
      problem: { code: 'UPDATE_TAMPERED', message: 'sha256' },
    };
    await repo.saveScreens([failed]);
    await repo.update({ ...rollout, state: 'paused', pauseReason: '1 failed' });
    expect((await repo.screensOf(rollout.id))[0]).toMatchObject({ state: 'failed', problem: failed.problem });
    expect([...(await repo.activeScreens()).entries()].sort()).toEqual([
      ['cat-bi-01', { rolloutId: rollout.id, state: 'paused' }],
      ['cat-bi-02', { rolloutId: rollout.id, state: 'paused' }],
    ]);
    expect((await repo.active()).map((r) => r.pauseReason)).toEqual(['1 failed']);
  });

  it('writes a rollout and its screens together or not at all', async () => {
    const nameless = { ...screen('cat-bi-02', 1), name: null as unknown as string };
    await expect(repo.insert(rollout, [screen('cat-bi-01', 0), nameless])).rejects.toThrow();
    expect(await repo.list()).toEqual([]);
    expect(await repo.screensOf(rollout.id)).toEqual([]);
  });

  it('assigns releases, and restores only what the same rollout replaced', async () => {
    await repo.insert(rollout, [screen('cat-bi-01', 0)]);
    await assignments.set('cat-bi-01', { version: '1.0.0', rolloutId: null }, AT);
    await assignments.set('cat-bi-01', { version: '2.0.0', rolloutId: rollout.id }, AT);
    expect(await assignments.isAssigned('cat-bi-01', '2.0.0')).toBe(true);
    await assignments.restore('cat-bi-01', 'ro-other', null, AT);
    expect(await assignments.get('cat-bi-01')).toEqual({ version: '2.0.0', rolloutId: rollout.id });
    await assignments.restore('cat-bi-01', rollout.id, { version: '1.0.0', rolloutId: null }, AT);
    expect(await assignments.get('cat-bi-01')).toEqual({ version: '1.0.0', rolloutId: null });
    await assignments.set('cat-bi-01', { version: '2.0.0', rolloutId: rollout.id }, AT);
    await assignments.restore('cat-bi-01', rollout.id, null, AT);
    expect(await assignments.get('cat-bi-01')).toBeNull();
  });
});
