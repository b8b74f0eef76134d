import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicRequest } from '../../../src/http/auth-hook.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { TRAVELLER_CSP } from '../../../src/traveller/traveller-style.js';
import { fakeDeps, seedGate } from '../../unit/http/fake-deps.js';
import { concreteUrl, recordRoutes, type RouteEntry } from '../../unit/http/route-table.js';
import { FIXTURE_IMAGE_SHA, fixtureBundle } from '../../unit/traveller/traveller-fixture.js';

const PRIVATE_SHA = 'b'.repeat(64);
let app: FastifyInstance;
let routes: RouteEntry[];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatecast-traveller-'));
  const file = (sha256: string, name: string) => {
    const path = join(dir, name);
    writeFileSync(path, `picture ${name}`);
    return { sha256, name, path, sizeBytes: `picture ${name}`.length, contentType: 'image/png' };
  };
  const files = new Map([
    [FIXTURE_IMAGE_SHA, file(FIXTURE_IMAGE_SHA, 'map.png')],
    [PRIVATE_SHA, file(PRIVATE_SHA, 'draft.png')],
  ]);
  const deps = fakeDeps();
  await seedGate(deps);
  await deps.gates.create({ id: 'tan-vu', name: 'Tan Vu port' });
  deps.media = { get: (sha256) => files.get(sha256) };
  deps.traveller = {
    bundles: { bundle: async (gateId) => (gateId === 'cat-bi' ? fixtureBundle() : undefined) },
  };
  // The built dashboard's hooks (security headers, catch-all page) run as in production.
  deps.webRoot = dir;
  app = buildHttpApp(deps);
  routes = recordRoutes(app);
  await app.ready();
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the traveller page over HTTP', () => {
  it('serves home, page and search without signing in, with no cookie, a strict CSP and caching', async () => {
    for (const url of [
      '/t/cat-bi',
      '/t/cat-bi?lang=lo',
      '/t/cat-bi/visa?lang=km',
      '/t/cat-bi?q=thu%20tuc&lang=vi',
    ]) {
      const response = await app.inject({ url });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(response.headers['content-security-policy']).toBe(TRAVELLER_CSP);
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['cache-control']).toBe('public, max-age=300');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    }
    expect((await app.inject({ url: '/t/cat-bi?lang=lo' })).body).toContain('<html lang="lo">');
    expect((await app.inject({ url: '/t/cat-bi/visa?lang=km' })).body).toContain('<h1>នីតិវិធីចូលប្រទេស</h1>');
    const found = (await app.inject({ url: '/t/cat-bi?q=thu%20tuc&lang=vi' })).body;
    expect(found).toContain('<a href="/t/cat-bi/visa?lang=vi">Thủ tục nhập cảnh');
  });

  it('ignores a cookie sent to it and never answers with one, even to a signed-in browser', async () => {
    const response = await app.inject({
      url: '/t/cat-bi',
      headers: { cookie: 'gatecast_session=abc; other=1' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('defaults to the gate first language and links every page in the language shown', async () => {
    const body = (await app.inject({ url: '/t/cat-bi?lang=xx' })).body;
    expect(body).toContain('<html lang="vi">');
    expect(body).toContain('href="/t/cat-bi/entry?lang=vi"');
    expect(body).toContain('href="/t/cat-bi?lang=th" lang="th" hreflang="th">ไทย</a>');
  });

  it('serves the pictures of the published tree only, by sha256', async () => {
    const picture = await app.inject({ url: `/t/cat-bi/media/${FIXTURE_IMAGE_SHA}` });
    expect(picture.statusCode).toBe(200);
    expect(picture.body).toBe('picture map.png');
    expect(picture.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(picture.headers['set-cookie']).toBeUndefined();
    const again = await app.inject({
      url: `/t/cat-bi/media/${FIXTURE_IMAGE_SHA}`,
      headers: { 'if-none-match': `"${FIXTURE_IMAGE_SHA}"` },
    });
    expect(again.statusCode).toBe(304);
    // A library file no published page shows, and the gate without a tree, stay private.
    for (const url of [`/t/cat-bi/media/${PRIVATE_SHA}`, `/t/tan-vu/media/${FIXTURE_IMAGE_SHA}`]) {
      const response = await app.inject({ url });
      expect({ url, status: response.statusCode, code: response.json().error.code }).toEqual({
        url,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
  });

  it('gives the published tree as data, the same the pages show', async () => {
    const response = await app.inject({ url: '/t/cat-bi/bundle.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['set-cookie']).toBeUndefined();
    const site = response.json();
    expect(site.gate).toEqual({
      id: 'cat-bi',
      name: 'Cat Bi International Airport',
      languages: expect.any(Array),
    });
    expect(site.bundle).toEqual(JSON.parse(JSON.stringify(fixtureBundle())));
    expect((await app.inject({ url: '/t/tan-vu/bundle.json' })).json().bundle).toBeNull();
  });

  it('answers clearly for an unknown page, an unknown gate and a gate with nothing published', async () => {
    const missing = await app.inject({ url: '/t/cat-bi/nope?lang=ja' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('このページは存在しません。');
    expect(missing.body).toContain('href="/t/cat-bi/entry?lang=ja"');
    const gate = await app.inject({ url: '/t/nowhere' });
    expect(gate.statusCode).toBe(404);
    expect(gate.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no gate nowhere' } });
    const empty = await app.inject({ url: '/t/tan-vu?lang=en' });
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('No information has been published for this gate yet.');
    const bad = await app.inject({ url: '/t/Not%20A%20Gate' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BAD_REQUEST');
  });

  it('keeps deny by default: its routes are the only new public ones, the API still asks for sign-in', async () => {
    const traveller = routes.filter((route) => route.url.startsWith('/t/'));
    expect(traveller.map((route) => `${route.method} ${route.url}`).sort()).toEqual([
      'GET /t/:gateId',
      'GET /t/:gateId/:nodeId',
      'GET /t/:gateId/bundle.json',
      'GET /t/:gateId/media/:sha256',
    ]);
    for (const route of traveller)
      expect(isPublicRequest(route.method, route.url, concreteUrl(route.url))).toBe(true);
    expect((await app.inject({ url: '/api/v1/gates' })).statusCode).toBe(401);
    // Only reading is public: anything else on these addresses still needs a user.
    expect((await app.inject({ method: 'POST', url: '/t/cat-bi', payload: {} })).statusCode).toBe(401);
  });
});
