import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOperatorsApp, seedHaiPhong, type Answer, type OperatorsApp } from './operators-app.js';

let ops: OperatorsApp;
let admin: string;
let catBiOperator: string;
let viewer: string;
let catBiScreen: string;
let portScreen: string;
/** Every 403 a test saw, to compare with the audit log. */
let refusals: Answer[];

async function enrol(gateId: string, zoneId: string, name: string): Promise<string> {
  const answer = await ops.as(admin, 'POST', '/api/v1/devices', { name, gateId, zoneId });
  expect(answer.status).toBe(201);
  return answer.body.device.id;
}

beforeEach(async () => {
  ops = await startOperatorsApp();
  await seedHaiPhong(ops);
  admin = (await ops.addUser('admin', [{ role: 'admin', gateId: null }])).token;
  catBiOperator = (await ops.addUser('catbi.ops', [{ role: 'operator', gateId: 'cat-bi-airport' }])).token;
  viewer = (await ops.addUser('dic.viewer', [{ role: 'viewer', gateId: null }])).token;
  catBiScreen = await enrol('cat-bi-airport', 'arrivals', 'Arrivals screen 1');
  portScreen = await enrol('hai-phong-port', 'pier-2', 'Pier 2 screen');
  refusals = [];
});

afterEach(async () => {
  await ops.close();
});

async function call(token: string, method: InjectOptions['method'], url: string, payload?: unknown) {
  const answer = await ops.as(token, method, url, payload);
  if (answer.status === 403) refusals.push(answer);
  return answer;
}

const ids = (list: Array<{ id: string }>) => list.map((item) => item.id);

describe('an operator scoped to Cat Bi', () => {
  it('lists only Cat Bi gates and devices', async () => {
    expect(ids((await call(catBiOperator, 'GET', '/api/v1/gates')).body.gates)).toEqual(['cat-bi-airport']);
    expect(ids((await call(catBiOperator, 'GET', '/api/v1/devices')).body.devices)).toEqual([catBiScreen]);
    expect(ids((await call(admin, 'GET', '/api/v1/devices')).body.devices).sort()).toEqual(
      [catBiScreen, portScreen].sort(),
    );
    const me = (await call(catBiOperator, 'GET', '/api/v1/me')).body.user;
    expect(me.permissions).toMatchObject({ 'devices.read': ['cat-bi-airport'], 'gates.write': [] });
  });

  it('gets 403 reading, enrolling, commanding or removing a Port device, and nothing happens', async () => {
    const answers = [
      await call(catBiOperator, 'GET', `/api/v1/devices/${portScreen}`),
      await call(catBiOperator, 'GET', '/api/v1/devices?gate=hai-phong-port'),
      await call(catBiOperator, 'GET', '/api/v1/gates/hai-phong-port'),
      await call(catBiOperator, 'POST', '/api/v1/devices', {
        name: 'Rogue',
        gateId: 'hai-phong-port',
        zoneId: 'pier-2',
      }),
      await call(catBiOperator, 'POST', `/api/v1/devices/${portScreen}/commands`, { name: 'ping' }),
      await call(catBiOperator, 'DELETE', `/api/v1/devices/${portScreen}`),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(answers[0]?.body.error).toEqual({
      code: 'FORBIDDEN',
      message: 'catbi.ops may not devices.read at gate hai-phong-port',
    });
    expect((await ops.devices.list({ gateId: 'hai-phong-port' })).map((device) => device.id)).toEqual([
      portScreen,
    ]);
    const denied = (await ops.audit.search({ outcome: 'denied' })).entries.reverse();
    expect(denied.map((entry) => [entry.action, entry.objectId, entry.gateId, entry.actor?.name])).toEqual([
      ['device.read', portScreen, 'hai-phong-port', 'catbi.ops'],
      ['device.list', null, 'hai-phong-port', 'catbi.ops'],
      ['gate.read', 'hai-phong-port', 'hai-phong-port', 'catbi.ops'],
      ['device.create', null, 'hai-phong-port', 'catbi.ops'],
      ['device.command', portScreen, 'hai-phong-port', 'catbi.ops'],
      ['device.remove', portScreen, 'hai-phong-port', 'catbi.ops'],
    ]);
  });

  it('reads, enrols, commands and removes Cat Bi devices', async () => {
    expect((await call(catBiOperator, 'GET', `/api/v1/devices/${catBiScreen}`)).status).toBe(200);
    const enrolled = await call(catBiOperator, 'POST', '/api/v1/devices', {
      name: 'Belt 3',
      gateId: 'cat-bi-airport',
      zoneId: 'arrivals',
    });
    expect(enrolled.status).toBe(201);
    const command = await call(catBiOperator, 'POST', `/api/v1/devices/${catBiScreen}/commands`, {
      name: 'ping',
    });
    expect(command.status).toBe(200);
    expect((await call(catBiOperator, 'DELETE', `/api/v1/devices/${enrolled.body.device.id}`)).status).toBe(
      204,
    );
    expect(refusals).toEqual([]);
  });

  it('may not create gates or zones, manage users or read fleet-wide metrics', async () => {
    const answers = [
      await call(catBiOperator, 'POST', '/api/v1/gates', { id: 'do-son', name: 'Do Son' }),
      await call(catBiOperator, 'POST', '/api/v1/gates/cat-bi-airport/zones', {
        id: 'belt-3',
        name: 'Belt 3',
      }),
      await call(catBiOperator, 'GET', '/api/v1/users'),
      await call(catBiOperator, 'POST', '/api/v1/users', { username: 'friend', displayName: 'Friend' }),
      await call(catBiOperator, 'GET', '/metrics'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403]);
    expect((await ops.gates.list()).map((gate) => gate.id)).not.toContain('do-son');
    expect(await ops.users.get('friend')).toBeUndefined();
  });

  it("sees only its gates' entries in the audit log", async () => {
    await call(catBiOperator, 'GET', `/api/v1/devices/${portScreen}`);
    await call(admin, 'POST', '/api/v1/users', { username: 'port.ops', displayName: 'Port operator' });
    const page = await call(catBiOperator, 'GET', '/api/v1/audit');
    expect(page.status).toBe(200);
    expect(page.body.entries.length).toBeGreaterThan(0);
    expect(new Set(page.body.entries.map((entry: { gateId: string }) => entry.gateId))).toEqual(
      new Set(['cat-bi-airport']),
    );
    expect((await call(catBiOperator, 'GET', '/api/v1/audit?gate=hai-phong-port')).status).toBe(403);
    const all = (await call(admin, 'GET', '/api/v1/audit?limit=1000')).body.entries;
    expect(all.some((entry: { gateId: string | null }) => entry.gateId === 'hai-phong-port')).toBe(true);
    expect(all.some((entry: { gateId: string | null }) => entry.gateId === null)).toBe(true);
  });
});

describe('a viewer of all gates', () => {
  it('reads everything and gets 403 on every change route', async () => {
    expect(ids((await call(viewer, 'GET', '/api/v1/devices')).body.devices)).toHaveLength(2);
    expect((await call(viewer, 'GET', `/api/v1/devices/${portScreen}`)).status).toBe(200);
    const changes: Array<[InjectOptions['method'], string, unknown]> = [
      ['POST', '/api/v1/gates', { id: 'do-son', name: 'Do Son' }],
      ['POST', '/api/v1/gates/hai-phong-port/zones', { id: 'pier-3', name: 'Pier 3' }],
      ['POST', '/api/v1/devices', { name: 'X', gateId: 'cat-bi-airport', zoneId: 'arrivals' }],
      ['POST', `/api/v1/devices/${catBiScreen}/commands`, { name: 'identify' }],
      ['DELETE', `/api/v1/devices/${portScreen}`, undefined],
      ['POST', '/api/v1/users', { username: 'friend', displayName: 'Friend' }],
      ['DELETE', '/api/v1/users/catbi.ops', undefined],
      ['POST', '/api/v1/users/dic.viewer/grants', { role: 'admin', gateId: null }],
      ['POST', '/api/v1/users/admin/grants/revoke', { role: 'admin', gateId: null }],
      ['POST', '/api/v1/users/admin/password-reset', undefined],
    ];
    for (const [method, url, payload] of changes) {
      const answer = await call(viewer, method, url, payload);
      expect({ method, url, status: answer.status }).toEqual({ method, url, status: 403 });
    }
    expect(await ops.devices.list()).toHaveLength(2);
    expect((await ops.users.get('dic.viewer'))?.grants).toEqual([{ role: 'viewer', gateId: null }]);
    expect(await ops.users.get('catbi.ops')).toBeDefined();
    const denied = (await ops.audit.search({ outcome: 'denied' })).entries;
    expect(refusals).toHaveLength(changes.length);
    expect(denied.map((entry) => [entry.actor?.name, entry.status])).toEqual(
      changes.map(() => ['dic.viewer', 403]),
    );
  });
});

describe('the audit of refusals', () => {
  it('records every 403 as denied, one entry each', async () => {
    await call(catBiOperator, 'DELETE', `/api/v1/devices/${portScreen}`);
    await call(viewer, 'POST', '/api/v1/gates', { id: 'do-son', name: 'Do Son' });
    await call(viewer, 'GET', '/api/v1/audit');
    await call(catBiOperator, 'GET', '/metrics');
    expect(refusals).toHaveLength(4);
    const denied = (await ops.audit.search({ outcome: 'denied' })).entries;
    expect(denied).toHaveLength(refusals.length);
    expect(denied.every((entry) => entry.status === 403)).toBe(true);
  });

  it('records 401s that came with credentials, never those without', async () => {
    await ops.as('gct_stolen-or-revoked', 'GET', '/api/v1/gates');
    await ops.request({ method: 'GET', url: '/api/v1/gates' });
    const entries = (await ops.audit.search({ outcome: 'denied' })).entries;
    expect(entries).toMatchObject([{ status: 401, actor: null, action: 'GET /api/v1/gates' }]);
  });
});
