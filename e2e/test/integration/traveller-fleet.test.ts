import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatecast, readToken, startFleet, tempDir, type FleetProcess } from '../support/processes.js';

const GATE = 'cat-bi-airport';

/**
 * The traveller page from a real `gatecast serve`: the starter tree published, every screen's
 * document pointing its QR code at the page, the page public and cookie-free, and the static
 * export written by the real CLI binary.
 */
describe('the traveller page of a running fleet', () => {
  const data = tempDir('e2e-traveller');
  const out = tempDir('e2e-traveller-site');
  let fleet: FleetProcess;
  let token: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${fleet.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    fleet = await startFleet(data.path);
    token = readToken(data.path);
    expect(
      (await api('POST', '/api/v1/gates', { id: GATE, name: 'Cat Bi International Airport' })).status,
    ).toBe(201);
    expect(
      (await api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'arrivals', name: 'Arrivals hall' })).status,
    ).toBe(201);
    expect((await api('POST', '/api/v1/info/seed-sample', { gateId: GATE })).status).toBeLessThan(300);
    const enrolled = await api('POST', '/api/v1/devices', {
      name: 'Arrivals 1',
      gateId: GATE,
      zoneId: 'arrivals',
    });
    expect(enrolled.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    data.remove();
    out.remove();
  });

  it('links every screen to the page, which anyone can read, without a cookie', async () => {
    const devices = ((await api('GET', '/api/v1/devices')).body.devices ?? []) as Array<{ id: string }>;
    expect(devices).toHaveLength(1);
    const shown = (await api('GET', `/api/v1/devices/${devices[0]?.id}`)).body;
    const desired = (shown.device as { desired: { display: { travellerUrl?: string } } }).desired;
    const travellerUrl = desired.display.travellerUrl ?? '';
    expect(travellerUrl).toMatch(new RegExp(`^http://[^/]+:${fleet.httpPort}/t/${GATE}$`));

    const page = await fetch(`${travellerUrl}?lang=km`);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<html lang="km">');
    expect(html).toContain('href="/t/cat-bi-airport/');
    const first = /href="(\/t\/cat-bi-airport\/[^"?]+)\?lang=km"/.exec(html)?.[1];
    expect(first).toBeDefined();
    const node = await fetch(`${fleet.url}${first}?lang=km`);
    expect(node.status).toBe(200);
    // The starter tree is sample text: the page says so, in Khmer.
    const nodeHtml = await node.text();
    expect(nodeHtml).toContain('អត្ថបទគំរូ ដែលទីក្រុងនឹងជំនួស។');
  });

  it('exports the same pages as a static site with the gatecast binary', async () => {
    const result = await gatecast(['traveller', 'export', '--gate', GATE, '--out', out.path, '--json'], {
      GATECAST_URL: fleet.url,
      HOME: data.path,
    });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.gate).toBe(GATE);
    expect(summary.pages).toBeGreaterThan(summary.languages.length);
    for (const language of summary.languages as string[]) {
      expect(existsSync(join(out.path, language, 'index.html'))).toBe(true);
    }
    expect(readFileSync(join(out.path, 'km', 'index.html'), 'utf8')).toContain('<html lang="km">');
  });
});
