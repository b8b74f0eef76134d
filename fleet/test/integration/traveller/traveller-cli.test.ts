import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/program.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { TRAVELLER_CSP_META } from '../../../src/traveller/traveller-style.js';
import { fakeDeps, seedGate } from '../../unit/http/fake-deps.js';
import {
  FIXTURE_IMAGE_SHA,
  FIXTURE_LANGUAGES,
  fixtureBundle,
} from '../../unit/traveller/traveller-fixture.js';
import { startReportsApp, type ReportsApp } from '../reports/reports-app.js';
import { enrol } from '../store/fixtures.js';

/** A 1×1 PNG: what the export copies for the tree's picture. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001' +
    '0d0a2db40000000049454e44ae426082',
  'hex',
);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatecast-traveller-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function io(env: NodeJS.ProcessEnv): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    env: { HOME: dir, ...env },
    cwd: dir,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
  };
}

describe('gatecast traveller export (against a listening fleet, no token)', () => {
  let app: FastifyInstance;
  let url: string;

  beforeEach(async () => {
    writeFileSync(join(dir, 'map.png'), PNG);
    const deps = fakeDeps();
    await seedGate(deps);
    const picture = {
      sha256: FIXTURE_IMAGE_SHA,
      name: 'map.png',
      path: join(dir, 'map.png'),
      sizeBytes: PNG.length,
      contentType: 'image/png',
    };
    deps.media = { get: (sha256) => (sha256 === FIXTURE_IMAGE_SHA ? picture : undefined) };
    deps.traveller = {
      bundles: { bundle: async (gateId) => (gateId === 'cat-bi' ? fixtureBundle() : undefined) },
    };
    app = buildHttpApp(deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await app.close();
  });

  it('writes every page in every language, the pictures and a sitemap, reporting progress', async () => {
    const run = io({ GATECAST_URL: url });
    const code = await runCli(
      [
        'traveller',
        'export',
        '--gate',
        'cat-bi',
        '--out',
        'site',
        '--base-url',
        'https://info.haiphong.gov.vn/cat-bi/',
        '--json',
      ],
      run,
    );
    expect({ code, err: run.err.filter((line) => line.startsWith('gatecast:')) }).toEqual({
      code: 0,
      err: [],
    });
    const summary = JSON.parse(run.out.join(''));
    expect(summary).toEqual({
      gate: 'cat-bi',
      out: join(dir, 'site'),
      languages: FIXTURE_LANGUAGES,
      pages: FIXTURE_LANGUAGES.length * 4 + 1,
      pictures: 1,
      files: FIXTURE_LANGUAGES.length * 4 + 1 + 1 + 1,
    });
    expect(run.err).toContain('picture 1/1\n');
    const site = join(dir, 'site');
    expect(readdirSync(join(site, 'km')).sort()).toEqual([
      'emergency.html',
      'entry.html',
      'index.html',
      'visa.html',
    ]);
    const visa = readFileSync(join(site, 'km', 'visa.html'), 'utf8');
    expect(visa).toContain('<h1>នីតិវិធីចូលប្រទេស</h1>');
    expect(visa).toContain(`<img src="../media/${FIXTURE_IMAGE_SHA}.png"`);
    expect(visa).toContain('<a href="../lo/visa.html" lang="lo" hreflang="lo">ພາສາລາວ</a>');
    expect(visa).toContain(`<meta http-equiv="Content-Security-Policy" content="${TRAVELLER_CSP_META}">`);
    // No server behind the portal's copy: no search form, no script.
    expect(visa).not.toContain('<form');
    expect(visa).not.toContain('<script');
    expect(readFileSync(join(site, 'media', `${FIXTURE_IMAGE_SHA}.png`))).toEqual(PNG);
    expect(readFileSync(join(site, 'index.html'), 'utf8')).toContain('url=vi/index.html');
    expect(readFileSync(join(site, 'sitemap.xml'), 'utf8')).toContain(
      '<loc>https://info.haiphong.gov.vn/cat-bi/km/visa.html</loc>',
    );
  });

  it('fails in one line with an exit code for an unknown gate, an unreachable fleet or a bad flag', async () => {
    const unknown = io({ GATECAST_URL: url });
    expect(await runCli(['traveller', 'export', '--gate', 'nowhere', '--out', 'x'], unknown)).toBe(1);
    expect(unknown.err).toEqual(['gatecast: NOT_FOUND: no gate nowhere\n']);
    expect(existsSync(join(dir, 'x'))).toBe(false);
    const down = io({ GATECAST_URL: 'http://127.0.0.1:1' });
    expect(await runCli(['traveller', 'export', '--gate', 'cat-bi', '--out', 'x'], down)).toBe(4);
    expect(down.err[0]).toMatch(/^gatecast: cannot reach the fleet manager at http:\/\/127.0.0.1:1/);
    const bad = io({ GATECAST_URL: url });
    expect(
      await runCli(['traveller', 'export', '--gate', 'cat-bi', '--out', 'x', '--base-url', 'portal'], bad),
    ).toBe(2);
    expect(bad.err).toEqual(['gatecast: --base-url must be an http(s) URL, not portal\n']);
  });
});

describe('gatecast report kiosk', () => {
  let ctx: ReportsApp;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    ctx = await startReportsApp();
    const token = await ctx.addUser('admin', [{ role: 'admin', gateId: null }]);
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    env = {
      GATECAST_URL: `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`,
      GATECAST_TOKEN: token,
    };
    await enrol(ctx.devices, 'cat-bi-kiosk-1', { name: 'Arrivals kiosk' });
    const at = '2026-11-20T03:00:00.000Z';
    await ctx.deviceEvents.save(
      'cat-bi-kiosk-1',
      {
        id: 'usage-cli-000001',
        at,
        kind: 'kiosk-usage',
        periodStart: '2026-11-20T02:00:00.000Z',
        periodEnd: at,
        views: [{ nodeId: 'visa', language: 'ko', count: 7 }],
        failedSearches: [{ term: 'ferry', language: 'en', count: 4 }],
      },
      at,
    );
  });
  afterEach(async () => {
    await ctx.close();
  });

  it('prints tables, JSON and CSV', async () => {
    const range = ['--gate', 'cat-bi-airport', '--from', '2026-11-01', '--to', '2026-11-30'];
    const table = io(env);
    expect(await runCli(['report', 'kiosk', ...range], table)).toBe(0);
    const text = table.out.join('');
    expect(text).toMatch(/cat-bi-airport\s+Arrivals kiosk\s+ko\s+7/);
    expect(text).toContain('total: 7 page views');
    expect(text).toMatch(/ferry\s+en\s+4/);
    const json = io(env);
    expect(await runCli(['report', 'kiosk', ...range, '--json'], json)).toBe(0);
    expect(JSON.parse(json.out.join('')).views.total).toBe(7);
    const csv = io(env);
    expect(await runCli(['report', 'kiosk', ...range, '--csv', 'kiosk.csv'], csv)).toBe(0);
    expect(readFileSync(join(dir, 'kiosk.csv'), 'utf8')).toContain(
      'views,cat-bi-airport,cat-bi-kiosk-1,Arrivals kiosk,ko,,7',
    );
    const bad = io(env);
    expect(await runCli(['report', 'kiosk', ...range, '--top', 'all'], bad)).toBe(2);
    expect(bad.err).toEqual(['gatecast: --top must be a whole number from 1, not all\n']);
  });
});
