import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, seedHaiPhong, startOperatorsApp, type OperatorsApp } from './operators-app.js';

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

describe('managing users', () => {
  it('creates a user with a one-time password that must be changed at the first sign-in', async () => {
    const created = await ops.as(admin, 'POST', '/api/v1/users', {
      username: 'hoa.pham',
      displayName: 'Phạm Thị Hoa',
      grants: [{ role: 'technician', gateId: 'hai-phong-port' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      user: {
        id: expect.stringMatching(/^usr_/),
        username: 'hoa.pham',
        displayName: 'Phạm Thị Hoa',
        grants: [{ role: 'technician', gateId: 'hai-phong-port' }],
        mustChangePassword: true,
        createdAt: expect.any(String),
        lockedUntil: null,
      },
      oneTimePassword: expect.stringMatching(/^[A-Za-z2-9-]{23}$/),
    });
    const session = await ops.login('hoa.pham', created.body.oneTimePassword);
    expect(session.body.user).toMatchObject({ mustChangePassword: true });
    const entries = (await ops.audit.search({ action: 'user.create' })).entries;
    expect(entries).toMatchObject([
      {
        objectType: 'user',
        objectId: 'hoa.pham',
        outcome: 'ok',
        after: { username: 'hoa.pham', grants: [{ role: 'technician', gateId: 'hai-phong-port' }] },
      },
    ]);
    expect(JSON.stringify(entries)).not.toContain(created.body.oneTimePassword);
  });

  it('creates a user with a given password that needs no change, and refuses a short one', async () => {
    const created = await ops.as(admin, 'POST', '/api/v1/users', {
      username: 'minh.vo',
      displayName: 'Võ Minh',
      password: PASSWORD,
    });
    expect(created.body.oneTimePassword).toBeUndefined();
    expect(created.body.user.mustChangePassword).toBe(false);
    const short = await ops.as(admin, 'POST', '/api/v1/users', {
      username: 'x.short',
      displayName: 'Short',
      password: 'hunter2',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain('body.password: must be at least 12 characters');
  });

  it('refuses a duplicate, a malformed username, an unknown role, and a grant on a gate that does not exist', async () => {
    const base = { username: 'admin', displayName: 'Again' };
    expect((await ops.as(admin, 'POST', '/api/v1/users', base)).status).toBe(409);
    expect((await ops.as(admin, 'POST', '/api/v1/users', { ...base, username: 'Nguyen Van A' })).status).toBe(
      400,
    );
    const badRole = await ops.as(admin, 'POST', '/api/v1/users/admin/grants', { role: 'root', gateId: null });
    expect(badRole.status).toBe(400);
    const noGate = await ops.as(admin, 'POST', '/api/v1/users/admin/grants', {
      role: 'viewer',
      gateId: 'cat-bi-airpot',
    });
    expect(noGate.status).toBe(404);
    const implicit = await ops.as(admin, 'POST', '/api/v1/users/admin/grants', { role: 'viewer' });
    expect(implicit.status).toBe(400);
  });

  it('grants and revokes roles per gate, with a short before/after in the audit log', async () => {
    await ops.addUser('duc.tran', [{ role: 'viewer', gateId: null }]);
    const granted = await ops.as(admin, 'POST', '/api/v1/users/duc.tran/grants', {
      role: 'operator',
      gateId: 'cat-bi-airport',
    });
    expect(granted.status).toBe(200);
    expect(granted.body.user.grants).toEqual([
      { role: 'viewer', gateId: null },
      { role: 'operator', gateId: 'cat-bi-airport' },
    ]);
    const revoked = await ops.as(admin, 'POST', '/api/v1/users/duc.tran/grants/revoke', {
      role: 'viewer',
      gateId: null,
    });
    expect(revoked.body.user.grants).toEqual([{ role: 'operator', gateId: 'cat-bi-airport' }]);
    const again = await ops.as(admin, 'POST', '/api/v1/users/duc.tran/grants/revoke', {
      role: 'viewer',
      gateId: null,
    });
    expect(again.status).toBe(404);
    const [grant] = (await ops.audit.search({ action: 'user.grant' })).entries;
    expect(grant).toMatchObject({
      objectId: 'duc.tran',
      gateId: 'cat-bi-airport',
      before: { grants: [{ role: 'viewer', gateId: null }] },
      after: {
        grants: [
          { role: 'viewer', gateId: null },
          { role: 'operator', gateId: 'cat-bi-airport' },
        ],
      },
    });
  });

  it('lists and reads users, never with a password hash', async () => {
    await ops.addUser('duc.tran', []);
    const list = await ops.as(admin, 'GET', '/api/v1/users');
    expect(list.body.users.map((user: { username: string }) => user.username)).toEqual(['admin', 'duc.tran']);
    const one = await ops.as(admin, 'GET', '/api/v1/users/duc.tran');
    expect(one.body.user).toMatchObject({ username: 'duc.tran', grants: [] });
    expect(list.text + one.text).not.toMatch(/scrypt|password_hash|passwordHash/);
    expect((await ops.as(admin, 'GET', '/api/v1/users/nobody')).status).toBe(404);
  });

  it('removes a user: their sessions and tokens stop working at once', async () => {
    const { token } = await ops.addUser('duc.tran', [{ role: 'viewer', gateId: null }]);
    const browser = await ops.browser('duc.tran', PASSWORD);
    expect((await ops.as(token, 'GET', '/api/v1/gates')).status).toBe(200);
    const removed = await ops.as(admin, 'DELETE', '/api/v1/users/duc.tran');
    expect(removed.status).toBe(204);
    expect((await ops.as(token, 'GET', '/api/v1/gates')).status).toBe(401);
    expect((await ops.withSession(browser, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await ops.audit.search({ action: 'user.remove' })).entries).toMatchObject([
      { objectId: 'duc.tran', before: { username: 'duc.tran', grants: [{ role: 'viewer', gateId: null }] } },
    ]);
  });

  it('refuses to remove yourself or the last administrator of all gates (409)', async () => {
    const self = await ops.as(admin, 'DELETE', '/api/v1/users/admin');
    expect(self.status).toBe(409);
    expect(self.body.error.message).toBe('you cannot remove your own account');
    const { token: second } = await ops.addUser('admin2', [{ role: 'admin', gateId: 'cat-bi-airport' }]);
    await ops.as(admin, 'POST', '/api/v1/users/admin2/grants', { role: 'admin', gateId: null });
    expect((await ops.as(second, 'DELETE', '/api/v1/users/admin')).status).toBe(204);
    const last = await ops.as(second, 'POST', '/api/v1/users/admin2/grants/revoke', {
      role: 'admin',
      gateId: null,
    });
    expect(last.status).toBe(409);
    expect(last.body.error.message).toBe('admin2 is the last administrator of all gates');
    const scopedOnly = await ops.as(second, 'POST', '/api/v1/users/admin2/grants/revoke', {
      role: 'admin',
      gateId: 'cat-bi-airport',
    });
    expect(scopedOnly.status).toBe(200);
    expect(
      (await ops.audit.search({ outcome: 'failed' })).entries.map((entry) => [entry.action, entry.status]),
    ).toEqual([
      ['user.revoke', 409],
      ['user.remove', 409],
    ]);
  });

  it('resets a password: a new one-time password, the lock lifted, the sessions ended', async () => {
    await ops.addUser('duc.tran', []);
    const browser = await ops.browser('duc.tran', PASSWORD);
    for (let i = 0; i < 10; i++) await ops.login('duc.tran', `wrong ${i}`, '10.1.1.1');
    expect((await ops.users.get('duc.tran'))?.lockedUntil).not.toBeNull();
    const reset = await ops.as(admin, 'POST', '/api/v1/users/duc.tran/password-reset');
    expect(reset.status).toBe(200);
    expect(reset.body.oneTimePassword).toMatch(/^[A-Za-z2-9-]{23}$/);
    expect((await ops.withSession(browser, 'GET', '/api/v1/me')).status).toBe(401);
    const signedIn = await ops.login('duc.tran', reset.body.oneTimePassword);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.mustChangePassword).toBe(true);
    expect(JSON.stringify((await ops.audit.search({})).entries)).not.toContain(reset.body.oneTimePassword);
  });
});

describe('names with markup', () => {
  it('are stored verbatim and returned as JSON strings: escaping is the dashboard’s job', async () => {
    const markup = '<img src=x onerror=alert(1)>';
    const script = '"><script>alert("gate")</script>';
    const gate = await ops.as(admin, 'POST', '/api/v1/gates', { id: 'do-son', name: script });
    expect(gate.body.gate.name).toBe(script);
    await ops.as(admin, 'POST', '/api/v1/gates/do-son/zones', { id: 'beach', name: markup });
    const device = await ops.as(admin, 'POST', '/api/v1/devices', {
      name: markup,
      gateId: 'do-son',
      zoneId: 'beach',
    });
    expect(device.status).toBe(201);
    const user = await ops.as(admin, 'POST', '/api/v1/users', { username: 'xss.test', displayName: markup });
    expect(user.body.user.displayName).toBe(markup);

    const read = await ops.as(admin, 'GET', `/api/v1/devices/${device.body.device.id}`);
    expect(read.headers['content-type']).toMatch(/^application\/json/);
    expect(read.body.device.name).toBe(markup);
    expect(read.text).toContain(JSON.stringify(markup).slice(1, -1));
    expect((await ops.devices.get(device.body.device.id))?.name).toBe(markup);
    expect((await ops.as(admin, 'GET', '/api/v1/gates/do-son')).body.gate.zones[0].name).toBe(markup);
    const audited = (await ops.audit.search({ objectId: device.body.device.id })).entries;
    expect(audited[0]?.after).toMatchObject({ name: markup });
  });
});
