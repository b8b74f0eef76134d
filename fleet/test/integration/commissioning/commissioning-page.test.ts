import { deviceTopic, type SelfTestReport } from '@gatecast/protocol';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip, launchChromium, type RunningBrowser } from '../../../../e2e/test/support/browser.js';
import { signIn, waitForCount, webBuildProblem } from '../../../../e2e/test/support/dashboard-pages.js';
import { eventually, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';

const GATE = 'hai-phong-port';
const PASSWORD = 'nghiem-thu-cua-khau-2026';

const report: SelfTestReport = {
  at: '2026-11-20T03:00:00.000Z',
  agentVersion: '1.4.0',
  serial: '10000000abcdef01',
  trigger: 'first-boot',
  passed: false,
  checks: [
    { check: 'display', status: 'pass', summary: '1920×1080 at 60 Hz', details: {} },
    { check: 'storage', status: 'fail', summary: 'writes at 0.8 MB/s', details: {} },
  ],
};

const hasChromium = chromiumOrSkip();

/** The printable commissioning page in real Chromium, as a technician of the gate sees and prints it. */
describe.skipIf(!hasChromium)('the /gates/:gateId/commissioning page in Chromium', () => {
  let fleet: RealFleet;
  let running: RunningBrowser;
  let page: Page;

  beforeAll(async () => {
    const problem = webBuildProblem();
    if (problem) throw new Error(problem);
    fleet = await startRealFleet();
    await fleet.api('POST', '/api/v1/gates', { id: GATE, name: 'Port of Hai Phong' });
    await fleet.api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'terminal', name: 'Passenger terminal' });
    const first = await fleet.api('POST', '/api/v1/devices', {
      id: 'port-terminal-01',
      name: 'Entrance',
      gateId: GATE,
      zoneId: 'terminal',
    });
    await fleet.api('POST', '/api/v1/devices', {
      id: 'port-terminal-02',
      name: 'Customs',
      gateId: GATE,
      zoneId: 'terminal',
    });
    const client = await fleet.device(first.body.agentConfig);
    const event = { id: 'selftest-page-1', at: report.at, kind: 'self-test', report };
    await client.publishAsync(deviceTopic('port-terminal-01', 'events'), JSON.stringify(event), { qos: 1 });
    await eventually(
      () => fleet.api('GET', '/api/v1/devices/port-terminal-01/self-test'),
      (answer) => answer.body?.report !== null,
    );
    const created = await fleet.api('POST', '/api/v1/users', {
      username: 'minh.technician',
      displayName: 'Minh',
      password: PASSWORD,
      grants: [{ role: 'technician', gateId: GATE }],
    });
    expect(created.status).toBe(201);
    running = await launchChromium();
    page = await running.browser.newPage();
    await page.goto(`http://127.0.0.1:${fleet.running.httpPort}/`);
    await signIn(page, 'minh.technician', PASSWORD);
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await fleet?.close();
  });

  it('is linked from the gate on the overview and shows one row per screen with marks', async () => {
    const link = `a.group-commissioning-link[href="/gates/${GATE}/commissioning"]`;
    await page.waitForSelector(link);
    await page.click(link);
    await waitForCount(page, '.commissioning-sheet tbody tr', 2);
    const rows = await page.$$eval('.commissioning-sheet tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-device-id'), tr.getAttribute('data-state'), tr.textContent]),
    );
    expect(rows.map(([id, state]) => [id, state])).toEqual([
      ['port-terminal-02', 'never-ran'],
      ['port-terminal-01', 'failed'],
    ]);
    expect(rows[1]?.[2]).toContain('✓');
    expect(rows[1]?.[2]).toContain('storage: writes at 0.8 MB/s');
  });

  it('prints only the sheet, on A4', async () => {
    await page.emulateMediaType('print');
    // Strings evaluated in the page: the test's own TypeScript has no DOM types.
    const style = (selector: string, property: string) =>
      page.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${property}`);
    expect(await style('.commissioning-page button', 'display')).toBe('none');
    expect(await style('a.nav-link', 'visibility')).toBe('hidden');
    expect(await style('.commissioning-sheet', 'visibility')).toBe('visible');
    const pdf = await page.pdf({ preferCSSPageSize: true });
    expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMediaType('screen');
  });
});
