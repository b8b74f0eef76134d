import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumOrSkip,
  launchChromium,
  textOf,
  typeInto,
  watchPage,
  type PageWatch,
  type RunningBrowser,
} from '../support/browser.js';
import {
  signIn,
  signInFirstTime,
  waitForCount,
  waitForText,
  webBuildProblem,
} from '../support/dashboard-pages.js';
import { DEMO_SCREENS, startDemoFleet, type DemoFleet } from '../support/demo-fleet.js';
import { ROOT, tempDir } from '../support/processes.js';

const MARKUP = '<img src=x onerror=alert(1)>';
const MARKUP_USER = '<script>alert(2)</script><b onmouseover=alert(3)>Lan</b>';
const ADMIN_PASSWORD = 'hai-phong-border-2025';
const CAT_BI_SCREEN = DEMO_SCREENS[0].id;
const PORT_SCREEN = DEMO_SCREENS[1].id;

// `GATECAST_SCREENSHOTS=1` writes the operator guide's pictures into docs/images; otherwise they go
// to a temp dir, so an ordinary test run leaves the checkout alone.
const shotsTemp = tempDir('e2e-screenshots');
const SHOTS = process.env.GATECAST_SCREENSHOTS ? join(ROOT, 'docs/images') : shotsTemp.path;

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}

const hasChromium = chromiumOrSkip();

// An operator's day in the real dashboard: real fleet, real agents, real Chromium.
describe.skipIf(!hasChromium)('the dashboard in Chromium', () => {
  let demo: DemoFleet;
  let running: RunningBrowser;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;
  let lanOneTime = '';

  beforeAll(async () => {
    const problem = webBuildProblem();
    if (problem) throw new Error(problem);
    demo = await startDemoFleet();
    // Enrolled but not installed yet: never seen.
    await demo.enrol(
      { id: 'cat-bi-checkin-03', name: 'Check-in counter 3', gateId: 'cat-bi-airport', zoneId: 'check-in' },
      false,
    );
    running = await launchChromium();
    browser = running.browser;
    page = await browser.newPage();
    watch = watchPage(page);
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    await demo?.close();
    shotsTemp.remove();
  });

  const row = (deviceId: string) => `.device-row[data-device-id="${deviceId}"]`;

  it('signs in the first admin with the printed one-time password, then asks for a new one', async () => {
    await page.goto(demo.fleet.url);
    await signIn(page, 'admin', demo.adminPassword);
    await page.waitForSelector('input[name="new-password"]');
    expect(await textOf(page, 'h1')).toBe('Choose your own password');
    await typeInto(page, 'input[name="current-password"]', demo.adminPassword);
    await typeInto(page, 'input[name="new-password"]', ADMIN_PASSWORD);
    await typeInto(page, 'input[name="repeat-password"]', ADMIN_PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('.overview h1');
    expect(await textOf(page, '.overview h1')).toBe('Fleet overview');
    expect(await textOf(page, '.account-link')).toBe('Administrator');
  });

  it('shows both demo gates with their screens online, grouped by gate and zone', async () => {
    await page.waitForSelector(`${row(CAT_BI_SCREEN)}[data-state="online"]`);
    await page.waitForSelector(`${row(PORT_SCREEN)}[data-state="online"]`);
    expect(await textOf(page, '[data-group="gate:cat-bi-airport"] .group-name')).toBe(
      'Cat Bi International Airport',
    );
    expect(await textOf(page, '[data-group="gate:hai-phong-port"] .group-name')).toBe('Port of Hai Phong');
    expect(await textOf(page, '[data-group="zone:cat-bi-airport/arrivals-hall"] .group-name')).toBe(
      'Arrivals hall',
    );
    expect(await textOf(page, `${row(CAT_BI_SCREEN)} .device-link`)).toBe('Arrivals hall, belt 1');
    expect(await textOf(page, `${row(CAT_BI_SCREEN)} .device-version`)).toMatch(/^\d+\.\d+\.\d+/);
    await page.waitForSelector(`${row(CAT_BI_SCREEN)} .health .metric`);
    expect(await textOf(page, `${row(CAT_BI_SCREEN)} .sync`)).toContain('In sync');
    expect(await textOf(page, '[data-tile="online"] .tile-value')).toBe('2');
    expect(await textOf(page, '[data-live]')).toBe('Live');
    await screenshot(page, 'overview');
  });

  it('filters the overview by text and by state', async () => {
    await typeInto(page, 'input[name="search"]', 'terminal');
    await waitForCount(page, '.device-row', 1);
    expect(await page.$(row(PORT_SCREEN))).not.toBeNull();
    await typeInto(page, 'input[name="search"]', '');
    await page.click('[data-tile="never-seen"]');
    await waitForCount(page, '.device-row', 1);
    expect(await page.$(row('cat-bi-checkin-03'))).not.toBeNull();
    await page.click('[data-tile="never-seen"]');
    await waitForCount(page, '.device-row', 3);
  });

  it('shows a device named with markup as plain text on the overview and its page, and runs nothing', async () => {
    const screen = { id: 'cat-bi-checkin-02', name: MARKUP, gateId: 'cat-bi-airport', zoneId: 'check-in' };
    await demo.enrol(screen, false);
    await page.reload();
    await page.waitForSelector(row(screen.id));
    expect(await textOf(page, `${row(screen.id)} .device-link`)).toBe(MARKUP);
    await page.click(`${row(screen.id)} .device-link`);
    await page.waitForSelector('.device-page h1');
    expect(await textOf(page, '.device-page h1')).toBe(MARKUP);
    expect(await page.$$('img[src="x"]')).toHaveLength(0);
    expect(watch.dialogs).toEqual([]);
    // Removed again through its page, after a confirmation that names it as text too.
    await page.click('[data-command="remove"]');
    await page.waitForSelector('.dialog');
    expect(await textOf(page, '.dialog-body')).toContain(`“${MARKUP}” (${screen.id})`);
    await page.click('.dialog [data-confirm]');
    await page.waitForSelector('.overview h1');
    expect(await page.$(row(screen.id))).toBeNull();
    expect((await demo.api('GET', `/api/v1/devices/${screen.id}`)).status).toBe(404);
    expect(watch.dialogs).toEqual([]);
  });

  it('opens a device page with details, health, desired vs reported, and answers a ping', async () => {
    await page.click(`${row(CAT_BI_SCREEN)} .device-link`);
    await page.waitForSelector(`.device-page[data-device-id="${CAT_BI_SCREEN}"]`);
    expect(await textOf(page, '.device-page h1')).toBe('Arrivals hall, belt 1');
    await page.waitForSelector('#health-title');
    expect(await textOf(page, '.compare thead')).toContain('Desired');
    const version = await page.$$eval('.compare tbody tr:first-child td', (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(version[0]).toMatch(/^\d+$/);
    expect(version[1]).toBe(version[0]);
    await page.click('[data-command="ping"]');
    await page.waitForSelector('.notice-success');
    expect(await textOf(page, '.notice-success')).toContain('the screen answered');
    // The demo screens run without a player: no picture yet, and asking for one says why.
    await page.waitForSelector('.screenshot-card p.muted');
    expect(await textOf(page, '.screenshot-card p.muted')).toBe('No screenshot of this screen yet.');
    await page.click('[data-command="screenshot"]');
    await page.waitForSelector('.screenshot-card .notice-error');
    expect(await textOf(page, '.screenshot-card .notice-error')).toContain('without a player');
    await screenshot(page, 'device');
  });

  it('turns a screen offline on the open page, without a reload, when its agent stops', async () => {
    await page.goto(demo.fleet.url);
    await page.waitForSelector(`${row(PORT_SCREEN)}[data-state="online"]`);
    await page.evaluate('window.gatecastMarker = "still the same page"');
    await demo.agents.get(PORT_SCREEN)?.stop('SIGTERM');
    await page.waitForSelector(`${row(PORT_SCREEN)}[data-state="offline"]`, { timeout: 15_000 });
    expect(await page.evaluate('window.gatecastMarker')).toBe('still the same page');
    expect(await textOf(page, `${row(PORT_SCREEN)} .state-detail`)).toMatch(/^Offline since/);
    expect(await textOf(page, '[data-tile="offline"] .tile-value')).toBe('1');
  });

  it('adds a gate operator on the users page and shows the one-time password once', async () => {
    await page.click('a[href="/users"]');
    await page.waitForSelector('form[data-form="add-user"]');
    await typeInto(page, 'form[data-form="add-user"] input[name="username"]', 'lan.nguyen');
    await typeInto(page, 'form[data-form="add-user"] input[name="displayName"]', 'Nguyễn Thị Lan');
    await page.select('#new-user-role', 'operator');
    await page.select('#new-user-gate', 'cat-bi-airport');
    await page.click('form[data-form="add-user"] button[type="submit"]');
    await page.waitForSelector('[data-one-time-password]');
    lanOneTime = (await textOf(page, '[data-one-time-password]')) ?? '';
    expect(lanOneTime.length).toBeGreaterThanOrEqual(12);
    await page.click('.dialog button');
    await page.waitForSelector('tr[data-username="lan.nguyen"]');
    expect(await textOf(page, 'tr[data-username="lan.nguyen"] .grant')).toContain(
      'Operator · Cat Bi International Airport',
    );
    await screenshot(page, 'users');
    const markup = await demo.api('POST', '/api/v1/users', {
      username: 'markup.user',
      displayName: MARKUP_USER,
    });
    expect(markup.status).toBe(201);
    await page.reload();
    await page.waitForSelector('tr[data-username="markup.user"]');
    expect(await textOf(page, 'tr[data-username="markup.user"] .user-name')).toBe(MARKUP_USER);
    expect(watch.dialogs).toEqual([]);
  });

  it('lists the changes on the audit page and filters them', async () => {
    await page.click('a[href="/audit"]');
    await page.waitForSelector('table.audit tbody tr');
    const actions = await page.$$eval('table.audit tbody td code', (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(actions).toEqual(expect.arrayContaining(['user.create', 'device.create']));
    await screenshot(page, 'audit');
    await typeInto(page, '.audit-filters input[name="objectType"]', 'user');
    await page.click('.audit-filters button[type="submit"]');
    // Sign-ins are about a user too; gates, zones and devices are not.
    await page.waitForFunction(
      `[...document.querySelectorAll('table.audit tbody td code')].every((cell) => /^(user|auth)\\./.test(cell.textContent))`,
    );
    const objects = await page.$$eval('table.audit tbody tr td:nth-child(4)', (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.every((object) => object?.startsWith('user '))).toBe(true);
    expect(objects).toContain('user lan.nguyen');
    expect(watch.dialogs).toEqual([]);
  });

  it('switches to Vietnamese and keeps it after a reload', async () => {
    await page.goto(demo.fleet.url);
    await page.waitForSelector('.overview h1');
    await page.click('button[data-lang="vi"]');
    await waitForText(page, '.overview h1', 'Tổng quan hệ thống màn hình');
    expect(await page.$eval('html', (html) => html.getAttribute('lang'))).toBe('vi');
    await page.reload();
    await page.waitForSelector(`${row(CAT_BI_SCREEN)}[data-state="online"]`);
    expect(await textOf(page, '.overview h1')).toBe('Tổng quan hệ thống màn hình');
    expect(await textOf(page, `${row(CAT_BI_SCREEN)} .status-label`)).toBe('Trực tuyến');
    expect(await textOf(page, `${row(PORT_SCREEN)} .status-label`)).toBe('Ngoại tuyến');
    await screenshot(page, 'overview-vi');
    await page.click('button[data-lang="en"]');
    await waitForText(page, '.overview h1', 'Fleet overview');
  });

  it('fits a tablet screen without sideways scrolling', async () => {
    await page.setViewport({ width: 768, height: 1024 });
    try {
      for (const path of ['/', `/devices/${CAT_BI_SCREEN}`, '/users', '/audit']) {
        await page.goto(`${demo.fleet.url}${path}`);
        await page.waitForSelector('main h1');
        const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect({ path, overflow }).toEqual({ path, overflow: 0 });
      }
      await page.goto(demo.fleet.url);
      await page.waitForSelector(row(CAT_BI_SCREEN));
      // Every part of every screen row is on screen, not cut off at the list's edge.
      const clipped = await page.evaluate(
        `[...document.querySelectorAll('.device-row > *')].filter((part) => part.getBoundingClientRect().right > window.innerWidth).length`,
      );
      expect(clipped).toBe(0);
      await screenshot(page, 'overview-tablet');
    } finally {
      await page.setViewport({ width: 1280, height: 800 });
    }
  });

  it('shows an operator of Cat Bi only Cat Bi screens, live, with the commands an operator may use', async () => {
    const context = await browser.createBrowserContext();
    try {
      const lan = await context.newPage();
      const lanWatch = watchPage(lan);
      await lan.goto(demo.fleet.url);
      await signInFirstTime(lan, 'lan.nguyen', lanOneTime, 'cat-bi-arrivals-2025');
      await lan.waitForSelector(`${row(CAT_BI_SCREEN)}[data-state="online"]`);
      expect(
        await lan.$$eval('.group-gate', (gates) => gates.map((gate) => gate.getAttribute('data-group'))),
      ).toEqual(['gate:cat-bi-airport']);
      // The Port screen comes back online: the admin's page hears of it, Lan's does not.
      demo.restartAgent(PORT_SCREEN);
      await page.waitForSelector(`${row(PORT_SCREEN)}[data-state="online"]`, { timeout: 15_000 });
      // Updates are sent at most once a second per screen: time enough for a wrong one to show.
      await sleep(1_500);
      expect(await lan.$(row(PORT_SCREEN))).toBeNull();
      expect(await lan.$('a[href="/users"]')).toBeNull();
      expect(await lan.$('a[href="/audit"]')).not.toBeNull();
      await lan.click(`${row(CAT_BI_SCREEN)} .device-link`);
      await lan.waitForSelector('#commands-title');
      const commands = await lan.$$eval('[data-command]', (buttons) =>
        buttons.map((b) => b.getAttribute('data-command')),
      );
      expect(commands).toEqual(['ping', 'identify', 'remove', 'screenshot']);
      await lan.goto(`${demo.fleet.url}/devices/${PORT_SCREEN}`);
      await lan.waitForSelector('.notice-error');
      expect(await lan.$('.device-page h1')).toBeNull();
      expect(await lan.$('#commands-title')).toBeNull();
      expect(lanWatch.dialogs).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows a viewer every screen but no command button', async () => {
    const created = await demo.api('POST', '/api/v1/users', {
      username: 'duty.viewer',
      displayName: 'Trần Văn Minh',
      grants: [{ role: 'viewer', gateId: null }],
    });
    expect(created.status).toBe(201);
    const context = await browser.createBrowserContext();
    try {
      const viewer = await context.newPage();
      await viewer.goto(demo.fleet.url);
      await signInFirstTime(viewer, 'duty.viewer', created.body.oneTimePassword, 'viewer-watches-only');
      await viewer.waitForSelector(row(PORT_SCREEN));
      expect(await viewer.$(row(CAT_BI_SCREEN))).not.toBeNull();
      await viewer.click(`${row(PORT_SCREEN)} .device-link`);
      await viewer.waitForSelector('#commands-title');
      expect(await viewer.$$('[data-command]')).toHaveLength(0);
      expect(await textOf(viewer, '.card:has(#commands-title) p')).toBe(
        'Your role allows no commands on this screen.',
      );
      expect(await viewer.$('a[href="/users"]')).toBeNull();
      expect(await viewer.$('a[href="/audit"]')).toBeNull();
    } finally {
      await context.close();
    }
  });

  it('ran no injected script and broke no content security rule on any page', () => {
    expect(watch.dialogs).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
    expect(watch.errors).toEqual([]);
  });

  it('signs out, and a reload still asks to sign in', async () => {
    await page.click('[data-action="sign-out"]');
    await page.waitForSelector('input[name="password"]');
    await page.reload();
    await page.waitForSelector('input[name="password"]');
    expect(await page.$('.overview')).toBeNull();
  });
});
