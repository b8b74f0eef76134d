import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assignedVersion,
  startRolloutsFleet,
  untilAssigned,
  type FakeScreen,
  type RolloutsFleet,
} from './rollouts-fleet.js';

// A real fleet (SQLite, Aedes, HTTP) and real MQTT clients acting as screens that report like
// agents do. The engine's timer is short (GATECAST_ROLLOUT_TICK_MS=100); nothing asserts timings.

let t: RolloutsFleet;
let a1: FakeScreen;
let a2: FakeScreen;
let a3: FakeScreen;

const committed = (version: string) => ({
  state: 'committed' as const,
  targetVersion: version,
  previousVersion: '1.0.0',
  problem: null,
  at: new Date().toISOString(),
});
const stateOf = (rollout: { screens: Array<{ deviceId: string; state: string }> }, screen: FakeScreen) =>
  rollout.screens.find((row) => row.deviceId === screen.id)?.state;

beforeAll(async () => {
  t = await startRolloutsFleet();
  const { fleet } = t;
  expect(
    (await fleet.api('POST', '/api/v1/gates', { id: 'cat-bi', name: 'Cát Bi', timeZone: 'UTC' })).status,
  ).toBe(201);
  expect(
    (await fleet.api('POST', '/api/v1/gates', { id: 'hai-phong', name: 'Hải Phòng', timeZone: 'UTC' }))
      .status,
  ).toBe(201);
  for (const [gate, zone] of [
    ['cat-bi', 'arrivals'],
    ['cat-bi', 'departures'],
    ['hai-phong', 'pier'],
  ] as const) {
    expect((await fleet.api('POST', `/api/v1/gates/${gate}/zones`, { id: zone, name: zone })).status).toBe(
      201,
    );
  }
  for (const version of ['1.1.0', '1.2.0', '1.3.0']) await t.publish(version);
  await t.publish('1.0.5', { rollback: true });
  a1 = await t.screen('a1', 'cat-bi', 'arrivals');
  a2 = await t.screen('a2', 'cat-bi', 'arrivals');
  a3 = await t.screen('a3', 'cat-bi', 'arrivals');
}, 30_000);

afterAll(async () => {
  await t?.close();
});

describe('a rollout in a real fleet', () => {
  it('hands the canary its release first, the rest once it committed, and serves each only its own', async () => {
    const created = await t.fleet.api('POST', '/api/v1/rollouts', {
      version: '1.1.0',
      target: { zones: ['cat-bi/arrivals'] },
      waves: ['canary', 100],
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ state: 'running', currentWave: 0, totals: { screens: 3 } });
    const canary = created.body.screens.find((screen: { wave: number }) => screen.wave === 0);
    expect(canary.deviceId).toBe([a1.id, a2.id, a3.id].sort()[0]);
    const [first, ...rest] = [a1, a2, a3].sort((x, y) => (x.id < y.id ? -1 : 1)) as [
      FakeScreen,
      ...FakeScreen[],
    ];

    await untilAssigned(first, '1.1.0');
    const agent = first.desired()?.agent;
    expect(agent?.artifactUrl).toBe(
      `http://127.0.0.1:${t.fleet.running.httpPort}/api/v1/device/releases/1.1.0/artifact`,
    );
    expect(agent?.release.signature.keyId).toMatch(/^[0-9a-f]{16}$/);
    for (const screen of rest) expect(assignedVersion(screen)).toBeNull();

    // The device artifact route: deny by default, the assigned release only.
    const fetchAs = (screen: FakeScreen, version: string) =>
      fetch(`http://127.0.0.1:${t.fleet.running.httpPort}/api/v1/device/releases/${version}/artifact`, {
        headers: { authorization: screen.auth },
      });
    expect((await fetchAs(first, '1.1.0')).status).toBe(200);
    const refused = await fetchAs(rest[0] as FakeScreen, '1.1.0');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect((await fetchAs(first, '1.2.0')).status).toBe(403);

    await first.report('1.1.0', committed('1.1.0'));
    for (const screen of rest) await untilAssigned(screen, '1.1.0');
    const second = await t.until(id, (rollout) => rollout.currentWave === 1);
    expect(stateOf(second, first)).toBe('committed');

    for (const screen of rest) await screen.report('1.1.0', committed('1.1.0'));
    const done = await t.until(id, (rollout) => rollout.state === 'completed');
    expect(done.finishedAt).not.toBeNull();
    expect(done.totals).toMatchObject({ committed: 3, failed: 0 });
    // The assignment is desired state: it stays after the rollout.
    expect(assignedVersion(first)).toBe('1.1.0');
  });

  it('pauses before the next wave when the canary rolls back, and takes its assignment back', async () => {
    const created = await t.fleet.api('POST', '/api/v1/rollouts', {
      version: '1.2.0',
      target: { zones: ['cat-bi/arrivals'] },
      waves: ['canary', 100],
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const [first, ...rest] = [a1, a2, a3].sort((x, y) => (x.id < y.id ? -1 : 1)) as [
      FakeScreen,
      ...FakeScreen[],
    ];
    await untilAssigned(first, '1.2.0');

    const clash = await t.fleet.api('POST', '/api/v1/rollouts', {
      version: '1.3.0',
      target: { devices: [first.id] },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toContain(first.id);

    await first.report('1.1.0', {
      state: 'rolled-back',
      targetVersion: '1.2.0',
      previousVersion: '1.1.0',
      problem: { code: 'UPDATE_FAILED', message: 'the health gate failed three times' },
      at: new Date().toISOString(),
    });
    const paused = await t.until(id, (rollout) => rollout.state === 'paused');
    expect(paused.pauseReason).toContain('failed');
    expect(paused.currentWave).toBe(0);
    expect(paused.screens.find((screen: { deviceId: string }) => screen.deviceId === first.id)).toMatchObject(
      {
        state: 'failed',
        problem: { code: 'UPDATE_FAILED' },
      },
    );
    // Back to what it had before this rollout: 1.1.0, from the first rollout.
    await untilAssigned(first, '1.1.0');
    for (const screen of rest) expect(assignedVersion(screen)).toBe('1.1.0');

    // Rolling back to an older release that is not a signed rollback release: screens would refuse it.
    const refused = await t.fleet.api('POST', `/api/v1/rollouts/${id}/rollback`, { to: '1.1.0' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('would refuse');

    const aborted = await t.fleet.api('POST', `/api/v1/rollouts/${id}/abort`);
    expect(aborted.status, aborted.text).toBe(200);
    expect(aborted.body.state).toBe('aborted');
    for (const screen of rest) expect(stateOf(aborted.body, screen)).toBe('cancelled');
  });
});

/** HH:MM in UTC, `hours` from now (the test gates keep UTC). */
const utcClock = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(11, 16);

describe('what holds a screen back', () => {
  it('keeps to the gate maintenance window: no hand-over until it opens', async () => {
    const h1 = await t.screen('h1', 'hai-phong', 'pier');
    const bad = await t.fleet.api('PUT', '/api/v1/gates/hai-phong/maintenance-window', {
      window: { from: '25:00', to: '01:00' },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('HH:MM');
    const closed = { from: utcClock(2), to: utcClock(3) };
    const set = await t.fleet.api('PUT', '/api/v1/gates/hai-phong/maintenance-window', { window: closed });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({ gateId: 'hai-phong', window: closed });
    expect((await t.fleet.api('GET', '/api/v1/gates/hai-phong')).body.gate.maintenanceWindow).toEqual(closed);

    const created = await t.fleet.api('POST', '/api/v1/rollouts', {
      version: '1.1.0',
      target: { gates: ['hai-phong'] },
      waves: [100],
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const waiting = await t.until(id, (rollout) => rollout.screens[0].state === 'waiting');
    expect(waiting.screens[0].waitingFor).toBe('maintenance-window');
    expect(assignedVersion(h1)).toBeNull();

    const open = { from: utcClock(-1), to: utcClock(1) };
    expect(
      (await t.fleet.api('PUT', '/api/v1/gates/hai-phong/maintenance-window', { window: open })).status,
    ).toBe(200);
    await untilAssigned(h1, '1.1.0');
    await h1.report('1.1.0', committed('1.1.0'));
    await t.until(id, (rollout) => rollout.state === 'completed');
  });

  it('never hands a release to a screen while an announcement shows on it', async () => {
    const d1 = await t.screen('d1', 'cat-bi', 'departures');
    const approver = await t.user('lan.admin', [{ role: 'admin', gateId: null }]);
    const sent = await t.fleet.api('POST', '/api/v1/announcements', {
      body: { vi: 'Chuyến bay bị hoãn', en: 'The flight is delayed' },
      targets: { zones: [{ gateId: 'cat-bi', zoneId: 'departures' }] },
    });
    expect(sent.status, sent.text).toBe(201);
    const approved = await t.fleet.api(
      'POST',
      `/api/v1/announcements/${sent.body.id}/approve`,
      { comment: 'urgent' },
      approver,
    );
    expect(approved.status, approved.text).toBe(200);

    const created = await t.fleet.api('POST', '/api/v1/rollouts', {
      version: '1.1.0',
      target: { devices: [d1.id] },
      waves: [100],
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const held = await t.until(id, (rollout) => rollout.screens[0].waitingFor === 'announcement');
    expect(held.screens[0].state).toBe('waiting');
    expect(assignedVersion(d1)).toBeNull();

    expect((await t.fleet.api('POST', `/api/v1/announcements/${sent.body.id}/cancel`, {})).status).toBe(200);
    await untilAssigned(d1, '1.1.0');
    await t.until(id, (rollout) => rollout.screens[0].state === 'updating');
  });
});

describe('permissions, rollback and restart', () => {
  it('lets an operator of one gate roll out there only, and a technician only read', async () => {
    const operator = await t.user('hoa.operator', [{ role: 'operator', gateId: 'hai-phong' }]);
    const technician = await t.user('tuan.tech', [{ role: 'technician', gateId: null }]);
    const elsewhere = await t.fleet.api(
      'POST',
      '/api/v1/rollouts',
      { version: '1.2.0', target: { gates: ['cat-bi'] } },
      operator,
    );
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.code).toBe('FORBIDDEN');
    const mixed = await t.fleet.api(
      'POST',
      '/api/v1/rollouts',
      { version: '1.2.0', target: { tags: [], devices: [a1.id], gates: ['hai-phong'] } },
      operator,
    );
    expect(mixed.status).toBe(403);
    const windowElsewhere = await t.fleet.api(
      'PUT',
      '/api/v1/gates/cat-bi/maintenance-window',
      { window: null },
      operator,
    );
    expect(windowElsewhere.status).toBe(403);

    const own = await t.fleet.api(
      'POST',
      '/api/v1/rollouts',
      { version: '1.2.0', target: { gates: ['hai-phong'] } },
      operator,
    );
    expect(own.status, own.text).toBe(201);
    expect(own.body.createdBy).toBe('hoa.operator');
    const listed = await t.fleet.api('GET', '/api/v1/rollouts', undefined, operator);
    expect(listed.body.rollouts.every((rollout: { target: unknown; id: string }) => rollout.id)).toBe(true);
    expect(listed.body.rollouts.map((rollout: { id: string }) => rollout.id)).toContain(own.body.id);
    expect(listed.body.rollouts.length).toBeLessThan(
      (await t.fleet.api('GET', '/api/v1/rollouts')).body.rollouts.length,
    );

    expect((await t.fleet.api('GET', `/api/v1/rollouts/${own.body.id}`, undefined, technician)).status).toBe(
      200,
    );
    const paused = await t.fleet.api('POST', `/api/v1/rollouts/${own.body.id}/pause`, undefined, technician);
    expect(paused.status).toBe(403);
    const byOperator = await t.fleet.api(
      'POST',
      `/api/v1/rollouts/${own.body.id}/pause`,
      undefined,
      operator,
    );
    expect(byOperator.status, byOperator.text).toBe(200);
    expect(byOperator.body).toMatchObject({ state: 'paused', pauseReason: 'by hoa.operator' });
    const resumed = await t.fleet.api('POST', `/api/v1/rollouts/${own.body.id}/resume`, {}, operator);
    expect(resumed.body).toMatchObject({ state: 'running', pauseReason: null });
    expect(
      (await t.fleet.api('POST', `/api/v1/rollouts/${own.body.id}/abort`, undefined, operator)).status,
    ).toBe(200);
  });

  it('rolls the screens that took a version back with a signed rollback release, in one wave', async () => {
    const created = await t.fleet.api('POST', '/api/v1/rollouts', {
      version: '1.3.0',
      target: { zones: ['cat-bi/arrivals'] },
      waves: [100],
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    for (const screen of [a1, a2, a3]) await untilAssigned(screen, '1.3.0');
    await a1.report('1.3.0', committed('1.3.0'));
    await t.until(id, (rollout) => stateOf(rollout, a1) === 'committed');

    const back = await t.fleet.api('POST', `/api/v1/rollouts/${id}/rollback`, { to: '1.0.5' });
    expect(back.status, back.text).toBe(201);
    expect(back.body).toMatchObject({
      version: '1.0.5',
      rollbackOf: id,
      waves: [100],
      ignoreMaintenanceWindows: true,
      totals: { screens: 3 },
    });
    expect((await t.rollout(id)).state).toBe('aborted');
    for (const screen of [a1, a2, a3]) await untilAssigned(screen, '1.0.5');
    await t.fleet.api('POST', `/api/v1/rollouts/${back.body.id}/abort`);
  });

  it('carries on after a fleet restart mid-rollout', async () => {
    const r1 = await t.screen('r1', 'cat-bi', 'departures');
    const r2 = await t.screen('r2', 'cat-bi', 'departures');
    const created = await t.fleet.api('POST', '/api/v1/rollouts', {
      version: '1.2.0',
      target: { devices: [r1.id, r2.id] },
      waves: ['canary', 100],
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const [first, ...rest] = [r1, r2].sort((x, y) => (x.id < y.id ? -1 : 1)) as [FakeScreen, ...FakeScreen[]];
    await untilAssigned(first, '1.2.0');

    await t.fleet.restart();
    // The screens connect again to the restarted fleet, as agents do.
    for (const screen of [first, ...rest]) await screen.reconnect();
    await untilAssigned(first, '1.2.0');
    await first.report('1.2.0', committed('1.2.0'));
    for (const screen of rest) await untilAssigned(screen, '1.2.0');
    expect((await t.rollout(id)).currentWave).toBe(1);
  });
});
