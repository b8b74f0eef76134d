import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { fakeDeps } from '../../unit/http/fake-deps.js';
import { PASSWORD, seedHaiPhong, startOperatorsApp, type OperatorsApp } from '../users/operators-app.js';

let ops: OperatorsApp;
let admin: string;

beforeEach(async () => {
  ops = await startOperatorsApp();
  await seedHaiPhong(ops);
  admin = (await ops.addUser('admin', [{ role: 'admin', gateId: null }])).token;
});

afterEach(async () => {
  await ops.close();
});

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('the audit of changes', () => {
  it('has every change route name its action, so new routes are not recorded anonymously', async () => {
    const app = buildHttpApp(fakeDeps());
    const declared: Array<{ route: string; action: string | undefined }> = [];
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods.filter((m) => CHANGES.has(m))) {
        const config = route.config as { audit?: { action: string } } | undefined;
        declared.push({ route: `${method} ${route.url}`, action: config?.audit?.action });
      }
    });
    await app.ready();
    await app.close();
    expect(declared.length).toBeGreaterThanOrEqual(14);
    for (const entry of declared) expect(entry.action, entry.route).toMatch(/^[a-z]+\.[a-z-]+$/);
  });

  it('writes exactly one entry per change, with a short before/after and no secrets', async () => {
    const steps: Array<[InjectOptions['method'], string, unknown, string]> = [
      ['POST', '/api/v1/gates', { id: 'do-son', name: 'Do Son' }, 'gate.create'],
      ['POST', '/api/v1/gates/do-son/zones', { id: 'beach', name: 'Beach' }, 'zone.create'],
      [
        'POST',
        '/api/v1/devices',
        { id: 'do-son-beach-1', name: 'Beach 1', gateId: 'do-son', zoneId: 'beach' },
        'device.create',
      ],
      ['POST', '/api/v1/devices/do-son-beach-1/commands', { name: 'ping' }, 'device.command'],
      ['DELETE', '/api/v1/devices/do-son-beach-1', undefined, 'device.remove'],
      ['POST', '/api/v1/users', { username: 'hoa.pham', displayName: 'Phạm Thị Hoa' }, 'user.create'],
      ['POST', '/api/v1/users/hoa.pham/grants', { role: 'operator', gateId: 'do-son' }, 'user.grant'],
      ['POST', '/api/v1/users/hoa.pham/grants/revoke', { role: 'operator', gateId: 'do-son' }, 'user.revoke'],
      ['POST', '/api/v1/users/hoa.pham/password-reset', undefined, 'user.password-reset'],
      ['POST', '/api/v1/tokens', { name: 'laptop' }, 'token.create'],
      ['DELETE', '/api/v1/users/hoa.pham', undefined, 'user.remove'],
    ];
    const secrets: string[] = [admin];
    for (const [method, url, payload, action] of steps) {
      const before = (await ops.audit.search({})).entries.length;
      const answer = await ops.as(admin, method, url, payload);
      expect({ url, status: answer.status < 300 }).toEqual({ url, status: true });
      for (const key of ['secret', 'oneTimePassword']) {
        const value = answer.body?.[key] ?? answer.body?.agentConfig?.[key];
        if (typeof value === 'string') secrets.push(value);
      }
      const entries = (await ops.audit.search({})).entries;
      expect({ url, added: entries.length - before }).toEqual({ url, added: 1 });
      expect(entries[0]).toMatchObject({
        action,
        outcome: 'ok',
        actor: { name: 'admin' },
        status: answer.status,
      });
    }
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const everything = JSON.stringify(ops.store.db.prepare('SELECT * FROM audit_log').all());
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/scrypt\$/);
    const byAction = Object.fromEntries(
      (await ops.audit.search({})).entries.map((entry) => [entry.action, entry]),
    );
    expect(byAction['device.create']).toMatchObject({
      objectId: 'do-son-beach-1',
      gateId: 'do-son',
      after: { name: 'Beach 1', gateId: 'do-son', zoneId: 'beach', tags: [] },
    });
    expect(byAction['device.remove']).toMatchObject({ before: { name: 'Beach 1' }, after: null });
    expect(byAction['device.command']).toMatchObject({ after: { command: 'ping', ok: true } });
    expect(byAction['gate.create']).toMatchObject({ objectId: 'do-son', after: { name: 'Do Son' } });
  });

  it('records a failed change as failed, and successful reads not at all', async () => {
    await ops.as(admin, 'GET', '/api/v1/gates');
    await ops.as(admin, 'GET', '/api/v1/gates/cat-bi-airport');
    await ops.as(admin, 'GET', '/api/v1/users');
    expect((await ops.audit.search({})).entries).toEqual([]);
    await ops.as(admin, 'POST', '/api/v1/gates', { id: 'cat-bi-airport', name: 'Again' });
    expect((await ops.audit.search({})).entries).toMatchObject([
      { action: 'gate.create', outcome: 'failed', status: 409, objectId: 'cat-bi-airport' },
    ]);
  });
});

describe('searching the audit log over the API', () => {
  it('filters and pages with nextBefore, newest first', async () => {
    for (const id of ['zone-a', 'zone-b', 'zone-c']) {
      await ops.as(admin, 'POST', '/api/v1/gates/hai-phong-port/zones', { id, name: id });
    }
    await ops.as(admin, 'POST', '/api/v1/gates/cat-bi-airport/zones', { id: 'belt-1', name: 'Belt 1' });
    const first = await ops.as(admin, 'GET', '/api/v1/audit?gate=hai-phong-port&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.entries.map((entry: { objectId: string }) => entry.objectId)).toEqual([
      'hai-phong-port/zone-c',
      'hai-phong-port/zone-b',
    ]);
    const next = await ops.as(
      admin,
      'GET',
      `/api/v1/audit?gate=hai-phong-port&limit=2&before=${first.body.nextBefore}`,
    );
    expect(next.body).toMatchObject({ entries: [{ objectId: 'hai-phong-port/zone-a' }], nextBefore: null });
    const byUser = await ops.as(admin, 'GET', '/api/v1/audit?user=admin&action=zone.create&outcome=ok');
    expect(byUser.body.entries).toHaveLength(4);
    const window = await ops.as(
      admin,
      'GET',
      `/api/v1/audit?since=${encodeURIComponent('2025-03-01T15:00:00+07:00')}&until=2025-03-01T08:00:00Z`,
    );
    expect(window.body.entries).toHaveLength(4);
    const none = await ops.as(admin, 'GET', '/api/v1/audit?until=2025-03-01T07:59:59Z');
    expect(none.body).toEqual({ entries: [], nextBefore: null });
  });

  it('refuses bad filters naming the field', async () => {
    const tooMany = await ops.as(admin, 'GET', '/api/v1/audit?limit=5000');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/^querystring\.limit: /);
    expect((await ops.as(admin, 'GET', '/api/v1/audit?since=yesterday')).status).toBe(400);
    expect((await ops.as(admin, 'GET', '/api/v1/audit?outcome=maybe')).status).toBe(400);
  });

  it('is refused (403, audited) to a user without audit.read anywhere', async () => {
    const { token } = await ops.addUser('tech.port', [{ role: 'technician', gateId: 'hai-phong-port' }]);
    expect((await ops.as(token, 'GET', '/api/v1/audit')).status).toBe(403);
    expect((await ops.audit.search({ outcome: 'denied' })).entries).toMatchObject([
      { action: 'audit.read', status: 403 },
    ]);
  });

  it('is readable from a dashboard session', async () => {
    const browser = await ops.browser('admin', PASSWORD);
    expect((await ops.withSession(browser, 'GET', '/api/v1/audit')).body.entries[0]).toMatchObject({
      action: 'auth.login',
      outcome: 'ok',
    });
  });
});
