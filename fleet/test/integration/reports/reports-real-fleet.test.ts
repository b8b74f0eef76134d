import { join } from 'node:path';
import { deviceTopic } from '@gatecast/protocol';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip, launchChromium, type RunningBrowser } from '../../../../e2e/test/support/browser.js';
import { signIn, waitForCount, webBuildProblem } from '../../../../e2e/test/support/dashboard-pages.js';
import { eventually, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';

const PASSWORD = 'bao-cao-cua-khau-2026';

function presenceRows(dataDir: string, deviceId: string): string[] {
  const db = new Database(join(dataDir, 'gatecast.db'), { readonly: true });
  try {
    return db
      .prepare<[string], { state: string }>('SELECT state FROM presence_log WHERE device_id = ? ORDER BY id')
      .all(deviceId)
      .map((row) => row.state);
  } finally {
    db.close();
  }
}

// The whole fleet: a screen's presence and plays go in through the real broker, come out as reports.
describe('reports on a running fleet', () => {
  let rf: RealFleet;
  const deviceId = 'cat-bi-arr-01';

  beforeAll(async () => {
    rf = await startRealFleet();
    expect(
      (await rf.api('POST', '/api/v1/gates', { id: 'cat-bi-airport', name: 'Cảng hàng không Cát Bi' }))
        .status,
    ).toBe(201);
    await rf.api('POST', '/api/v1/gates/cat-bi-airport/zones', { id: 'arrivals-hall', name: 'Sảnh đến' });
    const enrolled = await rf.api('POST', '/api/v1/devices', {
      id: deviceId,
      name: 'Băng chuyền 1',
      gateId: 'cat-bi-airport',
      zoneId: 'arrivals-hall',
    });
    expect(enrolled.status).toBe(201);
    const client = await rf.device(enrolled.body.agentConfig);
    const at = new Date().toISOString();
    const plays = [
      ['play-real-0001', 'chào-mừng', 'vi'],
      ['play-real-0002', 'chào-mừng', 'en'],
      ['play-real-0003', 'chào-mừng', 'vi'],
    ];
    for (const [id, itemId, language] of plays) {
      const event = {
        id,
        at,
        kind: 'proof-of-play',
        itemId,
        zone: 'main',
        language,
        startedAt: at,
        durationMs: 8000,
      };
      await client.publishAsync(deviceTopic(deviceId, 'events'), JSON.stringify(event), { qos: 1 });
    }
    const today = at.slice(0, 10);
    await eventually(
      () => rf.api('GET', `/api/v1/reports/plays?from=${today}T00:00:00Z&to=${today}T23:59:59Z&by=`),
      (answer) => answer.body?.total?.plays === 3,
    );
    // A clean goodbye: offline at once.
    await client.publishAsync(deviceTopic(deviceId, 'status'), JSON.stringify({ state: 'offline' }), {
      qos: 1,
      retain: true,
    });
    await client.endAsync();
    await eventually(
      async () => (await rf.api('GET', `/api/v1/devices/${deviceId}`)).body?.presence?.state,
      (state) => state === 'offline',
    );
  });

  afterAll(async () => {
    await rf?.close();
  });

  it('records every presence change of the screen, from enrolment on', () => {
    expect(presenceRows(rf.dataDir, deviceId)).toEqual(['enrolled', 'online', 'offline']);
  });

  it('reports the plays and the uptime that came through the broker', async () => {
    // The year at the gate (+07:00), which is what the report's year means.
    const year = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    const yearly = await rf.api('GET', `/api/v1/reports/yearly?gate=cat-bi-airport&year=${year}`);
    expect(yearly.status).toBe(200);
    expect(yearly.text).toContain('Cảng hàng không Cát Bi');
    expect(yearly.text).toMatch(/data-field="total-plays">3</);
    expect(yearly.text).toContain('<td>chào-mừng</td><td>vi</td><td>2</td><td>16</td>');
    // Online for part of the time since enrolment: a share strictly between nothing and everything.
    const share = /Băng chuyền 1.*?<td>([\d.]+) %<\/td><\/tr>/.exec(yearly.text)?.[1];
    expect(Number(share)).toBeGreaterThan(0);
    expect(Number(share)).toBeLessThan(100);
  });

  const hasChromium = chromiumOrSkip();

  describe.skipIf(!hasChromium)('the /reports page in Chromium', () => {
    let running: RunningBrowser;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      const problem = webBuildProblem();
      if (problem) throw new Error(problem);
      const created = await rf.api('POST', '/api/v1/users', {
        username: 'lan.viewer',
        displayName: 'Lan',
        password: PASSWORD,
        grants: [{ role: 'viewer', gateId: 'cat-bi-airport' }],
      });
      expect(created.status).toBe(201);
      running = await launchChromium();
      browser = running.browser;
      page = await browser.newPage();
      // An operator at the gate: the page's default period is days on the gate's calendar.
      await page.emulateTimezone('Asia/Ho_Chi_Minh');
      await page.goto(`http://127.0.0.1:${rf.running.httpPort}/reports`);
      await signIn(page, 'lan.viewer', PASSWORD);
    }, 60_000);

    afterAll(async () => {
      await running?.close();
    });

    it('shows the plays with a CSV link and links the yearly report', async () => {
      await page.waitForSelector('a.nav-link[href="/reports"]');
      await waitForCount(page, '.reports-table tbody tr', 2);
      const rows = (await page.$$eval('.reports-table tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent)),
      )) as string[][];
      expect(rows).toEqual([
        ['chào-mừng', 'en', '1'],
        ['chào-mừng', 'vi', '2'],
      ]);
      const csv = await page.$eval('a[data-action="download-csv"]', (link) => link.getAttribute('href'));
      expect(csv).toMatch(
        /^\/api\/v1\/reports\/plays\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&by=item%2Clanguage&format=csv$/,
      );
      // The link works with the page's own session: UTF-8 CSV with a BOM.
      const download = await page.evaluate(async (href) => {
        const response = await fetch(href as string);
        const bytes = new Uint8Array(await response.arrayBuffer());
        return { type: response.headers.get('content-type'), head: [...bytes.slice(0, 3)] };
      }, csv);
      expect(download).toEqual({ type: 'text/csv; charset=utf-8', head: [0xef, 0xbb, 0xbf] });

      const yearly = await page.$eval('a[data-action="open-yearly"]', (link) => link.getAttribute('href'));
      const gateYear = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
      expect(yearly).toBe(`/api/v1/reports/yearly?gate=cat-bi-airport&year=${gateYear}`);
      const report = await browser.newPage();
      await report.goto(`http://127.0.0.1:${rf.running.httpPort}${yearly}`);
      expect(await report.$eval('h1', (h1) => h1.textContent)).toContain('Báo cáo năm');
      await report.close();
    });
  });
});
