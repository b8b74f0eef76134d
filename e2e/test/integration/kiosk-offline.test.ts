import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_PATH,
  chromiumOrSkip,
  launchChromium,
  watchPage,
  type RunningBrowser,
} from '../support/browser.js';
import {
  gatecast,
  readToken,
  startAgent,
  startFleet,
  tempDir,
  waitFor,
  type FleetProcess,
  type RunningProcess,
} from '../support/processes.js';

const GATE = 'cat-bi-airport';
const SCREEN = 'cat-bi-kiosk-01';

interface KioskState {
  ready: boolean;
  open: boolean;
  view: string;
  nodeId: string | null;
  search: string;
}

// The real binaries: `gatecast serve` publishes the sample tree to a `gatecast-agent` whose
// screen is a lookup kiosk. Then the fleet is stopped, and the agent restarted without it: the
// kiosk page the agent serves on 127.0.0.1 still opens, browses and searches, all from its cache.
// The page is driven by touch from a second headless Chromium opened on the agent's page server.
describe.skipIf(!chromiumOrSkip())('a lookup kiosk with the fleet gone', () => {
  const data = tempDir('e2e-kiosk-fleet');
  const work = tempDir('e2e-kiosk-screen');
  let fleet: FleetProcess;
  let agent: RunningProcess;
  let configFile: string;
  let chromium: RunningBrowser;

  const pageOriginOf = (proc: RunningProcess) =>
    waitFor('the player page', () => {
      if (!proc.running) throw new Error(`agent exited: ${proc.stderr}`);
      return /"origin":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*player page server started/.exec(
        proc.stdout + proc.stderr,
      )?.[1];
    });
  const plan = async (origin: string) => {
    const response = await fetch(`${origin}/plan`).catch(() => null);
    return response?.ok ? ((await response.json()) as { kiosk?: { info: { src: string } | null } }) : null;
  };
  const state = (page: Page) =>
    page.evaluate('window.gatecastKiosk ? window.gatecastKiosk.state() : null') as Promise<KioskState | null>;

  beforeAll(async () => {
    fleet = await startFleet(data.path);
    const env = { GATECAST_URL: fleet.url, GATECAST_DATA_DIR: data.path };
    const token = readToken(data.path);
    const api = async (method: string, path: string, body: unknown) => {
      const response = await fetch(`${fleet.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, text: await response.text() };
    };
    expect((await gatecast(['gates', 'add', GATE, '--name', 'Cat Bi'], env)).code).toBe(0);
    expect(
      (await gatecast(['gates', 'add-zone', GATE, 'arrivals-hall', '--name', 'Arrivals'], env)).code,
    ).toBe(0);
    const added = await gatecast(
      [
        'devices',
        'add',
        '--gate',
        GATE,
        '--zone',
        'arrivals-hall',
        '--name',
        'Kiosk 1',
        '--id',
        SCREEN,
        '--json',
      ],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const seeded = await api('POST', '/api/v1/info/seed-sample', { gateId: GATE });
    expect(seeded.status, seeded.text).toBeLessThan(300);
    const profile = await api('PUT', `/api/v1/devices/${SCREEN}/profile`, { profile: 'lookup' });
    expect(profile.status, profile.text).toBe(200);

    const { agentConfig } = JSON.parse(added.stdout) as { agentConfig: Record<string, unknown> };
    configFile = join(work.path, `${SCREEN}.json`);
    const player = { headless: true, windowWidth: 640, windowHeight: 360, chromiumPath: CHROMIUM_PATH };
    writeFileSync(configFile, JSON.stringify({ ...agentConfig, dataDir: join(work.path, SCREEN), player }));
    agent = startAgent(configFile);
    const origin = await pageOriginOf(agent);
    await waitFor('the tree cached on the screen', async () => (await plan(origin))?.kiosk?.info, 60_000);
    chromium = await launchChromium();
  }, 150_000);

  afterAll(async () => {
    await chromium?.close();
    await agent?.stop();
    await fleet?.stop();
    data.remove();
    work.remove();
  });

  it('browses and searches from the cache after the fleet is stopped and the agent restarted', async () => {
    await fleet.stop();
    await agent.stop();
    agent = startAgent(configFile);
    const origin = await pageOriginOf(agent);
    await waitFor('the cached tree in the plan', async () => (await plan(origin))?.kiosk?.info, 30_000);

    const page = await chromium.browser.newPage();
    const watch = watchPage(page);
    await page.setViewport({ width: 1024, height: 768, hasTouch: true });
    await page.goto(`${origin}/`);
    await waitFor('the bundle in the page', async () => (await state(page))?.ready);
    await page.tap('#zone-main');
    await waitFor('the app open', async () => (await state(page))?.open);
    // The opening touch presses nothing of the app it opens.
    expect(await state(page)).toMatchObject({ view: 'home', nodeId: null });
    // The sample tree's top level: its categories and top-level pages, as large tiles.
    expect(await page.$$eval('.kiosk-tile', (tiles) => tiles.length)).toBeGreaterThanOrEqual(3);
    expect(await page.$$eval('.kiosk-tile.category', (tiles) => tiles.length)).toBeGreaterThanOrEqual(1);
    await page.tap('.kiosk-tile.category');
    const pageTile = await page.waitForSelector('.kiosk-tile');
    await pageTile!.tap();
    await page.waitForSelector('#kiosk .info-page h1');
    expect((await state(page))?.view).toMatch(/category|page/);

    await page.tap('[data-action="home"]');
    await page.tap('#kiosk-search');
    for (const key of ['t', 'h', 'u', ' ', 't', 'u', 'c']) await page.tap(`.key[data-key="${key}"]`);
    expect((await state(page))?.search).toBe('thu tuc');
    const titles = await page.$$eval('.kiosk-results .tile-title', (els) => els.map((el) => el.textContent));
    expect(titles.some((title) => title?.includes('Thủ tục'))).toBe(true);
    expect(watch.errors).toEqual([]);
  }, 90_000);
});
