import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_IDLE_MS } from '../../../src/users/sessions.js';
import { PASSWORD, startOperatorsApp, type OperatorsApp } from './operators-app.js';

let ops: OperatorsApp;

beforeEach(async () => {
  ops = await startOperatorsApp();
  await ops.addUser('lan.nguyen', [{ role: 'admin', gateId: null }]);
});

afterEach(async () => {
  await ops.close();
});

const logins = async () => (await ops.audit.search({ action: 'auth.login' })).entries;

describe('signing in', () => {
  it('sets an httpOnly, SameSite=Strict session cookie and returns the user and a CSRF token', async () => {
    const answer = await ops.login('lan.nguyen', PASSWORD);
    expect(answer.status).toBe(200);
    const cookie = String(answer.headers['set-cookie']);
    expect(cookie).toMatch(/^gatecast_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure'); // plain http here; Secure when the request came over https
    expect(answer.body).toEqual({
      user: {
        id: expect.stringMatching(/^usr_/),
        username: 'lan.nguyen',
        displayName: 'lan.nguyen',
        grants: [{ role: 'admin', gateId: null }],
        mustChangePassword: false,
        permissions: expect.objectContaining({ 'users.manage': 'all', 'devices.read': 'all' }),
      },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(await logins()).toMatchObject([{ outcome: 'ok', status: 200, actor: { name: 'lan.nguyen' } }]);
  });

  it('accepts the username in any case and with spaces around it', async () => {
    expect((await ops.login('  Lan.Nguyen ', PASSWORD)).status).toBe(200);
  });

  it('answers 401 to a wrong password and to an unknown user alike, and audits both', async () => {
    const wrong = await ops.login('lan.nguyen', 'not the password');
    const unknown = await ops.login('nobody', PASSWORD);
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'wrong username or password' } });
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
    expect(
      (await logins()).map((entry) => [entry.objectId, entry.outcome, entry.status, entry.actor]),
    ).toEqual([
      ['nobody', 'failed', 401, null],
      ['lan.nguyen', 'failed', 401, null],
    ]);
    expect(JSON.stringify(await logins())).not.toContain('not the password');
  });

  it('returns the session and CSRF token for the cookie, and 401 once signed out', async () => {
    const browser = await ops.browser('lan.nguyen', PASSWORD);
    const session = await ops.withSession(browser, 'GET', '/api/v1/auth/session');
    expect(session.status).toBe(200);
    expect(session.body).toEqual(browser.body);
    const out = await ops.withSession(browser, 'POST', '/api/v1/auth/logout');
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^gatecast_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await ops.withSession(browser, 'GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await ops.withSession(browser, 'GET', '/api/v1/gates')).status).toBe(401);
    expect((await ops.audit.search({ action: 'auth.logout' })).entries).toMatchObject([{ outcome: 'ok' }]);
  });

  it('answers 401 on /auth/session to a bearer token: it is for the dashboard only', async () => {
    const { token } = await ops.addUser('duc.tran', [{ role: 'viewer', gateId: null }]);
    expect((await ops.as(token, 'GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await ops.as(token, 'GET', '/api/v1/me')).body.user.username).toBe('duc.tran');
  });

  it('ends a session after 12 idle hours, and keeps an active one going', async () => {
    const browser = await ops.browser('lan.nguyen', PASSWORD);
    ops.clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await ops.withSession(browser, 'GET', '/api/v1/gates')).status).toBe(200);
    ops.clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await ops.withSession(browser, 'GET', '/api/v1/gates')).status).toBe(200);
    ops.clock.advance(SESSION_IDLE_MS + 1);
    expect((await ops.withSession(browser, 'GET', '/api/v1/gates')).status).toBe(401);
  });
});

describe('login throttling', () => {
  it('slows the answers after 3 failures: 1 s, 2 s, 4 s, then 5 s at most', async () => {
    for (let i = 0; i < 7; i++) expect((await ops.login('lan.nguyen', `wrong ${i}`)).status).toBe(401);
    expect(ops.sleeps).toEqual([1_000, 2_000, 4_000, 5_000]);
  });

  it('after 10 failures locks the account for 15 minutes: 429 with Retry-After even with the right password', async () => {
    for (let i = 0; i < 10; i++) await ops.login('lan.nguyen', `wrong ${i}`);
    const locked = await ops.login('lan.nguyen', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('900');
    expect(locked.body.error.code).toBe('RATE_LIMITED');
    expect(locked.headers['set-cookie']).toBeUndefined();
    expect((await ops.users.get('lan.nguyen'))?.lockedUntil).toBe('2025-03-01T08:15:00.000Z');

    ops.clock.advance(10 * 60 * 1000);
    const still = await ops.login('lan.nguyen', PASSWORD);
    expect(still.status).toBe(429);
    expect(still.headers['retry-after']).toBe('300');

    ops.clock.advance(5 * 60 * 1000);
    expect((await ops.login('lan.nguyen', PASSWORD)).status).toBe(200);
    expect(await ops.users.get('lan.nguyen')).toMatchObject({ failedLogins: 0, lockedUntil: null });
    const outcomes = (await logins()).map((entry) => `${entry.outcome} ${entry.status}`);
    expect(outcomes.slice(0, 3)).toEqual(['ok 200', 'denied 429', 'denied 429']);
    expect(outcomes.filter((outcome) => outcome === 'failed 401')).toHaveLength(10);
  });

  it('resets the count on a success', async () => {
    for (let i = 0; i < 3; i++) await ops.login('lan.nguyen', `wrong ${i}`);
    expect((await ops.login('lan.nguyen', PASSWORD)).status).toBe(200);
    expect(ops.sleeps).toEqual([1_000]); // the fourth attempt was held back, right password or not
    for (let i = 0; i < 3; i++) await ops.login('lan.nguyen', `wrong ${i}`);
    expect(ops.sleeps).toEqual([1_000]);
  });

  it('also counts per client address: guessing across many usernames locks that address', async () => {
    for (let i = 0; i < 10; i++) await ops.login(`guess-${i}`, 'password123456', '203.0.113.9');
    const locked = await ops.login('lan.nguyen', PASSWORD, '203.0.113.9');
    expect(locked.status).toBe(429);
    expect((await ops.login('lan.nguyen', PASSWORD, '198.51.100.20')).status).toBe(200);
  });
});

describe('a password that must be changed', () => {
  it('keeps a session to sign-in matters and /me until it is changed, then lets it through', async () => {
    const lan = (await ops.users.get('lan.nguyen'))!;
    await ops.users.setPassword(lan.id, (await ops.users.passwordHash(lan.id))!, true);
    const browser = await ops.browser('lan.nguyen', PASSWORD);
    expect(browser.body.user.mustChangePassword).toBe(true);
    expect((await ops.withSession(browser, 'GET', '/api/v1/me')).status).toBe(200);
    for (const [method, url, payload] of [
      ['GET', '/api/v1/gates', undefined],
      ['GET', '/api/v1/users', undefined],
      ['POST', '/api/v1/tokens', { name: 'laptop' }],
      ['POST', '/api/v1/gates', { id: 'cat-bi-airport', name: 'Cat Bi' }],
    ] as const) {
      const answer = await ops.withSession(browser, method, url, payload);
      expect({ url, status: answer.status, body: answer.body }).toEqual({
        url,
        status: 403,
        body: { error: { code: 'FORBIDDEN', message: 'change your password first' } },
      });
    }
    expect(await ops.gates.list()).toEqual([]);

    const tooShort = await ops.withSession(browser, 'POST', '/api/v1/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'short',
    });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error.message).toContain('body.newPassword: must be at least 12 characters');
    const wrongCurrent = await ops.withSession(browser, 'POST', '/api/v1/auth/password', {
      currentPassword: 'not it at all',
      newPassword: 'Bến Bính ferry 1901',
    });
    expect(wrongCurrent.status).toBe(403);
    const changed = await ops.withSession(browser, 'POST', '/api/v1/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'Bến Bính ferry 1901',
    });
    expect(changed.status).toBe(204);
    expect((await ops.withSession(browser, 'GET', '/api/v1/gates')).status).toBe(200);
    expect((await ops.login('lan.nguyen', PASSWORD)).status).toBe(401);
    expect((await ops.login('lan.nguyen', 'Bến Bính ferry 1901')).status).toBe(200);
    const audited = (await ops.audit.search({ action: 'auth.password' })).entries;
    expect(audited.map((entry) => entry.outcome)).toEqual(['ok', 'denied', 'failed']);
    expect(JSON.stringify(audited)).not.toContain('Bến Bính');
  });

  it('does not hold back the API tokens of that user (the CLI keeps working)', async () => {
    const { token } = await ops.addUser('admin2', [{ role: 'admin', gateId: null }]);
    await ops.users.setPassword((await ops.users.get('admin2'))!.id, 'scrypt$x', true);
    expect((await ops.as(token, 'GET', '/api/v1/gates')).status).toBe(200);
  });

  it('ends the other sessions of the user when the password changes', async () => {
    const first = await ops.browser('lan.nguyen', PASSWORD);
    const second = await ops.browser('lan.nguyen', PASSWORD);
    const changed = await ops.withSession(first, 'POST', '/api/v1/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'Đồ Sơn beach 2025',
    });
    expect(changed.status).toBe(204);
    expect((await ops.withSession(first, 'GET', '/api/v1/me')).status).toBe(200);
    expect((await ops.withSession(second, 'GET', '/api/v1/me')).status).toBe(401);
  });
});

describe('CSRF protection', () => {
  it('refuses a change with the session cookie but without or with a wrong x-csrf-token, and nothing changes', async () => {
    const browser = await ops.browser('lan.nguyen', PASSWORD);
    const gate = { id: 'cat-bi-airport', name: 'Cat Bi International Airport' };
    for (const csrf of [false, 'forged-token', '', `${browser.csrfToken}x`] as const) {
      const answer = await ops.withSession(browser, 'POST', '/api/v1/gates', gate, csrf);
      expect({ csrf, status: answer.status }).toEqual({ csrf, status: 403 });
      expect(answer.body.error).toEqual({
        code: 'FORBIDDEN',
        message: 'missing or wrong x-csrf-token header',
      });
    }
    expect(await ops.gates.list()).toEqual([]);
    const denied = (await ops.audit.search({ outcome: 'denied' })).entries;
    expect(denied).toHaveLength(4);
    expect(denied[0]).toMatchObject({ action: 'gate.create', status: 403, actor: { name: 'lan.nguyen' } });

    const made = await ops.withSession(browser, 'POST', '/api/v1/gates', gate);
    expect(made.status).toBe(201);
    expect((await ops.gates.list()).map((g) => g.id)).toEqual(['cat-bi-airport']);
  });

  it('refuses a forged sign-out and deletion too: every change method is covered', async () => {
    const browser = await ops.browser('lan.nguyen', PASSWORD);
    await ops.addUser('duc.tran', []);
    expect(
      (await ops.withSession(browser, 'DELETE', '/api/v1/users/duc.tran', undefined, false)).status,
    ).toBe(403);
    expect(await ops.users.get('duc.tran')).toBeDefined();
    expect((await ops.withSession(browser, 'POST', '/api/v1/auth/logout', undefined, false)).status).toBe(
      403,
    );
    expect((await ops.withSession(browser, 'GET', '/api/v1/auth/session')).status).toBe(200);
  });

  it('needs no CSRF token with a bearer token, which browsers never send on their own', async () => {
    const { token } = await ops.addUser('ci-deploy', [{ role: 'admin', gateId: null }]);
    const made = await ops.as(token, 'POST', '/api/v1/gates', {
      id: 'hai-phong-port',
      name: 'Port of Hai Phong',
    });
    expect(made.status).toBe(201);
  });
});
