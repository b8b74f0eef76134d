import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, startOperatorsApp, type OperatorsApp } from './operators-app.js';

let ops: OperatorsApp;
let admin: string;
let viewer: string;

beforeEach(async () => {
  ops = await startOperatorsApp();
  admin = (await ops.addUser('admin', [{ role: 'admin', gateId: null }])).token;
  viewer = (await ops.addUser('dic.viewer', [{ role: 'viewer', gateId: null }])).token;
});

afterEach(async () => {
  await ops.close();
});

describe('API tokens per user', () => {
  it('creates a token whose secret is shown once, lists it without the secret, and signs its owner in', async () => {
    const created = await ops.as(viewer, 'POST', '/api/v1/tokens', { name: 'tablet at pier 2' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      token: {
        id: expect.stringMatching(/^tok_[0-9a-f]{16}$/),
        name: 'tablet at pier 2',
        createdAt: expect.any(String),
      },
      secret: expect.stringMatching(/^gct_[A-Za-z0-9_-]{43}$/),
    });
    const me = await ops.as(created.body.secret, 'GET', '/api/v1/me');
    expect(me.body.user.username).toBe('dic.viewer');
    const list = await ops.as(viewer, 'GET', '/api/v1/tokens');
    expect(list.body.tokens.map((token: { name: string }) => token.name)).toEqual([
      'dic.viewer cli',
      'tablet at pier 2',
    ]);
    expect(list.text).not.toContain(created.body.secret);
    expect(JSON.stringify((await ops.audit.search({})).entries)).not.toContain(created.body.secret);
    expect((await ops.audit.search({ action: 'token.create' })).entries).toMatchObject([
      { objectId: created.body.token.id, after: { name: 'tablet at pier 2', owner: 'dic.viewer' } },
    ]);
  });

  it('lists only the own tokens', async () => {
    const list = await ops.as(admin, 'GET', '/api/v1/tokens');
    expect(list.body.tokens.map((token: { name: string }) => token.name)).toEqual(['admin cli']);
  });

  it('revokes: the token answers 401 from then on and shows as revoked', async () => {
    const { body } = await ops.as(viewer, 'POST', '/api/v1/tokens', { name: 'laptop' });
    const revoked = await ops.as(viewer, 'DELETE', `/api/v1/tokens/${body.token.id}`);
    expect(revoked.status).toBe(204);
    expect((await ops.as(body.secret, 'GET', '/api/v1/gates')).status).toBe(401);
    const listed = (await ops.as(viewer, 'GET', '/api/v1/tokens')).body.tokens;
    expect(listed.find((token: { id: string }) => token.id === body.token.id).revokedAt).not.toBeNull();
    expect((await ops.as(viewer, 'DELETE', `/api/v1/tokens/${body.token.id}`)).status).toBe(404);
  });

  it("refuses (403) revoking someone else's token, unless the caller manages users", async () => {
    const { body } = await ops.as(admin, 'POST', '/api/v1/tokens', { name: 'ci deploy' });
    const refused = await ops.as(viewer, 'DELETE', `/api/v1/tokens/${body.token.id}`);
    expect(refused.status).toBe(403);
    expect((await ops.as(body.secret, 'GET', '/api/v1/gates')).status).toBe(200);
    const viewerToken = (await ops.as(viewer, 'GET', '/api/v1/tokens')).body.tokens[0].id;
    expect((await ops.as(admin, 'DELETE', `/api/v1/tokens/${viewerToken}`)).status).toBe(204);
    expect((await ops.as(viewer, 'GET', '/api/v1/gates')).status).toBe(401);
    expect(
      (await ops.audit.search({ action: 'token.revoke' })).entries.map((entry) => entry.outcome),
    ).toEqual(['ok', 'denied']);
  });

  it('refuses a malformed name or id', async () => {
    expect((await ops.as(viewer, 'POST', '/api/v1/tokens', { name: '<script>' })).status).toBe(400);
    expect((await ops.as(viewer, 'DELETE', '/api/v1/tokens/not-a-token')).status).toBe(400);
  });

  it('can be created from a dashboard session, the way `gatecast login` does', async () => {
    const browser = await ops.browser('dic.viewer', PASSWORD);
    const created = await ops.withSession(browser, 'POST', '/api/v1/tokens', { name: 'gatecast cli' });
    expect(created.status).toBe(201);
    expect((await ops.as(created.body.secret, 'GET', '/api/v1/me')).body.user.username).toBe('dic.viewer');
  });
});
