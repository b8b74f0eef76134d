import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, registerDashboard } from '../../../src/http/dashboard.js';
import { registerErrorHandling } from '../../../src/http/error-reply.js';
import { startRealFleet, type RealFleet } from '../fleet/real-fleet.js';

const PAGE =
  '<!doctype html><title>gatecast</title><script type="module" src="/assets/index-abc123.js"></script>';

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  expect(headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

// How the fleet hands out the built dashboard: real files in a temp dir, requests through inject().
describe('serving the dashboard', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gatecast-web-'));
  const webRoot = path.join(root, 'dist');
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;

  beforeAll(async () => {
    fs.mkdirSync(path.join(webRoot, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(webRoot, 'index.html'), PAGE);
    fs.writeFileSync(path.join(webRoot, 'assets', 'index-abc123.js'), 'console.log("gatecast")');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'not for the web');
    app = Fastify();
    registerErrorHandling(app);
    registerDashboard(app, { webRoot });
    unbuilt = Fastify();
    registerErrorHandling(unbuilt);
    registerDashboard(unbuilt, { webRoot: path.join(root, 'missing') });
  });

  afterAll(async () => {
    await app.close();
    await unbuilt.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves the page at / with a strict content security policy, fetched fresh each time', async () => {
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toBe(PAGE);
    expect(response.headers['cache-control']).toBe('no-cache');
    expectSecurityHeaders(response.headers);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('serves the hashed assets as immutable', async () => {
    const response = await app.inject({ url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(response.headers);
  });

  it('answers the app’s own pages with the page, so a reload or a shared link works', async () => {
    for (const url of ['/devices/cat-bi-belt-01', '/users', '/audit?gate=cat-bi-airport']) {
      const response = await app.inject({ url });
      expect({ url, status: response.statusCode, body: response.body }).toEqual({
        url,
        status: 200,
        body: PAGE,
      });
    }
  });

  it('never answers an API path with the page', async () => {
    for (const url of ['/api/v1/nothing', '/api', '/metrics/x', '/API/v1/devices']) {
      const response = await app.inject({ url });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
      expect(response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expectSecurityHeaders(response.headers);
    }
  });

  it('serves nothing outside the assets folder', async () => {
    for (const url of [
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
    ]) {
      const response = await app.inject({ url });
      expect(response.body).not.toContain('not for the web');
    }
    expect((await app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
  });

  it('says in one line how to build the dashboard when it is missing', async () => {
    const response = await unbuilt.inject({ url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.body.trim().split('\n')).toEqual([expect.stringMatching(/run `npm run build`/)]);
    expectSecurityHeaders(response.headers);
  });
});

describe('the dashboard on a running fleet', () => {
  let fleet: RealFleet;

  beforeAll(async () => {
    fleet = await startRealFleet();
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('serves / without signing in (the page itself asks), and keeps the API closed', async () => {
    const page = await fleet.api('GET', '/', undefined, null);
    // 200 once `npm run build` has built fleet/web/dist; 503 with the hint before.
    expect([200, 503]).toContain(page.status);
    const api = await fleet.api('GET', '/api/v1/devices', undefined, null);
    expect(api.status).toBe(401);
    const stream = await fleet.api('GET', '/api/v1/stream', undefined, null);
    expect(stream.status).toBe(401);
  });

  it('puts the security headers on API answers as well', async () => {
    const response = await fetch(`http://127.0.0.1:${fleet.running.httpPort}/api/v1/gates`, {
      headers: { authorization: `Bearer ${fleet.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
