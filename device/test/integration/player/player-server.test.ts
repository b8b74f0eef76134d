import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unpackPackage } from '../../../src/player/html-package.js';
import { PlayerServer } from '../../../src/player/player-server.js';
import type { PagePlan } from '../../../src/player/page-plan.js';
import { tempDir, testLogger } from '../helpers/fixtures.js';
import { makeZip } from './zip-writer.js';

const clip = readFileSync(new URL('../../fixtures/clip.webm', import.meta.url));
const CLIP_SHA = createHash('sha256').update(clip).digest('hex');
const PKG_SHA = 'e'.repeat(64);

describe('the player page server', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: PlayerServer;

  beforeEach(async () => {
    dir = await tempDir('player-server');
    await writeFile(join(dir.path, CLIP_SHA), clip);
    const packages = join(dir.path, 'packages');
    await writeFile(
      join(dir.path, 'good.zip'),
      makeZip({ 'index.html': '<h1>Wayfinding</h1>', 'css/a.css': 'h1{}' }),
    );
    const unpacked = await unpackPackage(join(dir.path, 'good.zip'), packages, PKG_SHA);
    server = new PlayerServer({
      port: 0,
      webOrigins: () => ['https://flights.haiphong.example'],
      mediaPath: (sha256) => (sha256 === CLIP_SHA ? join(dir.path, CLIP_SHA) : null),
      packageDir: (sha256) => (sha256 === PKG_SHA ? unpacked : null),
      log: testLogger(),
    });
    await server.start();
  });

  afterEach(async () => {
    await server.stop();
    await dir.remove();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.origin}${path}`, { headers });

  it('listens on 127.0.0.1 only and serves the page with a strict CSP', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/ui/player.js');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-src 'self' https://flights.haiphong.example");
    expect((await get('/ui/player.js')).headers.get('content-type')).toMatch(/javascript/);
    expect((await get('/ui/../src/agent.ts')).status).toBe(404);
  });

  it('serves the current plan, and 503 before there is one', async () => {
    expect((await get('/plan')).status).toBe(503);
    const plan = { id: 'p1', version: 1, zones: [] } as unknown as PagePlan;
    server.setPlan(plan);
    expect(await (await get('/plan')).json()).toEqual(plan);
  });

  it('serves cached media with byte ranges, so videos can seek', async () => {
    const whole = await get(`/media/${CLIP_SHA}`);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(clip)).toBe(true);
    const part = await get(`/media/${CLIP_SHA}`, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${clip.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(clip.subarray(100, 200))).toBe(true);
    const beyond = await get(`/media/${CLIP_SHA}`, { range: `bytes=${clip.length}-` });
    expect(beyond.status).toBe(416);
    expect((await get(`/media/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await get('/media/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
  });

  it('serves unpacked packages sandboxed, and nothing outside them', async () => {
    const index = await get(`/packages/${PKG_SHA}/index.html`);
    expect(index.status).toBe(200);
    expect(await index.text()).toBe('<h1>Wayfinding</h1>');
    expect(index.headers.get('content-security-policy')).toMatch(/^sandbox allow-scripts;/);
    expect((await get(`/packages/${PKG_SHA}/css/a.css`)).status).toBe(200);
    expect((await get(`/packages/${PKG_SHA}/..%2F..%2Fgood.zip`)).status).toBe(404);
    expect((await get(`/packages/${PKG_SHA}/missing.html`)).status).toBe(404);
  });

  it('refuses writes', async () => {
    const response = await fetch(`${server.origin}/plan`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
  });
});

describe('unpacking html packages', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir('player-zip');
  });
  afterEach(() => dir.remove());

  it.each([
    ['a parent step', '../escape.html'],
    ['a nested parent step', 'assets/../../escape.html'],
    ['an absolute path', '/tmp/escape.html'],
  ])('refuses a zip with %s and writes nothing outside', async (_case, name) => {
    const zip = join(dir.path, 'evil.zip');
    await writeFile(zip, makeZip({ 'index.html': 'ok', [name]: 'pwned' }));
    const root = join(dir.path, 'packages');
    await expect(unpackPackage(zip, root, PKG_SHA)).rejects.toThrow();
    expect(existsSync(join(dir.path, 'escape.html'))).toBe(false);
    expect(existsSync(join(root, PKG_SHA))).toBe(false);
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses a file that is not a zip', async () => {
    const zip = join(dir.path, 'junk.zip');
    await writeFile(zip, 'not a zip at all');
    await expect(unpackPackage(zip, join(dir.path, 'packages'), PKG_SHA)).rejects.toThrow();
  });
});
