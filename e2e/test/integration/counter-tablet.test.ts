import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../../device/test/integration/player/png-pixels.js';
import {
  CHROMIUM_PATH,
  chromiumOrSkip,
  launchChromium,
  watchPage,
  type RunningBrowser,
} from '../support/browser.js';
import { signInFirstTime, webBuildProblem } from '../support/dashboard-pages.js';
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
const SCREEN = 'cat-bi-counter-01';

interface KioskPlan {
  info: { src: string } | null;
  pairingCode: string | null;
  counterPage: { nodeId: string; language: string } | null;
}

// The real binaries end to end: `gatecast serve`, a `gatecast-agent` whose headless Chromium
// player is a counter screen, and the staff tablet page in a second Chromium with a phone's
// viewport and touch. The tablet pairs with the code the screen shows, pushes a page, the
// screen shows it (seen in the agent's own screenshot), and clearing takes it off.
describe.skipIf(!chromiumOrSkip())('counter tablet and counter screen', () => {
  const data = tempDir('e2e-counter-fleet');
  const work = tempDir('e2e-counter-screen');
  let fleet: FleetProcess;
  let env: Record<string, string>;
  let token: string;
  let agent: RunningProcess;
  let pageOrigin: string;
  let chromium: RunningBrowser;
  /** The staff's phone, paired in the first test. */
  let tablet: Page;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${fleet.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  /** What the agent handed its player page: the kiosk part of the plan. */
  const kioskPlan = async (): Promise<KioskPlan | undefined> => {
    const response = await fetch(`${pageOrigin}/plan`);
    return response.ok ? ((await response.json()) as { kiosk?: KioskPlan }).kiosk : undefined;
  };
  /** A screenshot the agent's player takes now: when it was taken and its share of white pixels. */
  const screenshot = async (): Promise<{ takenAt: number; white: number }> => {
    const command = await api('POST', `/api/v1/devices/${SCREEN}/commands`, { name: 'screenshot' });
    expect(command.status, JSON.stringify(command.body)).toBe(200);
    const response = await fetch(`${fleet.url}/api/v1/devices/${SCREEN}/screenshots/latest`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { rgb } = decodePng(Buffer.from(await response.arrayBuffer()));
    let white = 0;
    for (let i = 0; i + 2 < rgb.length; i += 3)
      if (rgb[i]! > 240 && rgb[i + 1]! > 240 && rgb[i + 2]! > 240) white++;
    return { takenAt: Date.parse(command.body.result.result.takenAt), white: white / (rgb.length / 3) };
  };

  beforeAll(async () => {
    const problem = webBuildProblem();
    if (problem) throw new Error(problem);
    fleet = await startFleet(data.path);
    env = { GATECAST_URL: fleet.url, GATECAST_DATA_DIR: data.path };
    token = readToken(data.path);
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
        'Counter 1',
        '--id',
        SCREEN,
        '--json',
      ],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const seeded = await api('POST', '/api/v1/info/seed-sample', { gateId: GATE });
    expect(seeded.status, JSON.stringify(seeded.body)).toBeLessThan(300);
    const profile = await api('PUT', `/api/v1/devices/${SCREEN}/profile`, { profile: 'counter' });
    expect(profile.status, JSON.stringify(profile.body)).toBe(200);

    const { agentConfig } = JSON.parse(added.stdout) as { agentConfig: Record<string, unknown> };
    const configFile = join(work.path, `${SCREEN}.json`);
    const player = { headless: true, windowWidth: 640, windowHeight: 360, chromiumPath: CHROMIUM_PATH };
    writeFileSync(configFile, JSON.stringify({ ...agentConfig, dataDir: join(work.path, SCREEN), player }));
    agent = startAgent(configFile);
    pageOrigin = await waitFor('the player page', () => {
      if (!agent.running) throw new Error(`agent exited: ${agent.stderr}`);
      return /"origin":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*player page server started/.exec(
        agent.stdout + agent.stderr,
      )?.[1];
    });
    // The screen has its gate's tree cached and shows a pairing code.
    await waitFor(
      'the bundle cached and a code on the screen',
      async () => {
        const plan = await kioskPlan();
        return plan?.info && plan.pairingCode ? plan : undefined;
      },
      60_000,
    );
    chromium = await launchChromium();
  }, 150_000);

  afterAll(async () => {
    await chromium?.close();
    await agent?.stop();
    await fleet?.stop();
    data.remove();
    work.remove();
  });

  it('pairs by the code on the screen, pushes a page that shows within 2 s, and clears it', async () => {
    tablet = await chromium.browser.newPage();
    const watch = watchPage(tablet);
    await tablet.setViewport({
      width: 390,
      height: 844,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    await tablet.goto(`${fleet.url}/counter`);
    await tablet.waitForSelector('#pair-code', { visible: true });

    // The code the screen shows (what its player page was handed), typed on the tablet.
    const code = (await kioskPlan())?.pairingCode as string;
    expect(code).toMatch(/^\d{6}$/);
    await tablet.type('#pair-code', code);
    await tablet.tap('#pair-button');
    await tablet.waitForSelector('#counter-view', { visible: true });
    expect(await tablet.$eval('#screen-name', (el) => el.textContent)).toContain('Counter 1');
    // Paired: the screen shows a new code.
    await waitFor('a new code on the screen', async () => {
      const next = (await kioskPlan())?.pairingCode;
      return next && next !== code ? next : undefined;
    });

    const before = await screenshot();
    expect(before.white).toBeLessThan(0.5);

    await tablet.tap('.language-button[data-language="km"]');
    await tablet.tap('.minutes-button[data-minutes="15"]');
    const nodeId = await tablet.$eval(
      '#tree .page button',
      (el) => el.getAttribute('data-node-id') as string,
    );
    const tappedAt = Date.now();
    await tablet.tap(`#tree .page button[data-node-id="${nodeId}"]`);
    // The agent hands its page the pushed page; a screenshot right then shows it.
    await waitFor(
      'the pushed page in the player',
      async () => {
        const page = (await kioskPlan())?.counterPage;
        return page?.nodeId === nodeId && page.language === 'km';
      },
      5_000,
    );
    const shown = await screenshot();
    const seenMs = shown.takenAt - tappedAt;
    console.error(`counter push: tap to page on the screen ${seenMs} ms`);
    expect(shown.white).toBeGreaterThan(0.5);
    expect(seenMs).toBeLessThan(2_000);
    await tablet.waitForFunction(
      `document.getElementById('shown').dataset.nodeId === ${JSON.stringify(nodeId)}`,
    );

    await tablet.tap('#clear-button');
    await waitFor('the page off the screen', async () => (await kioskPlan())?.counterPage === null, 5_000);
    const cleared = await screenshot();
    expect(cleared.white).toBeLessThan(0.5);
    expect(await tablet.$eval('#shown', (el) => el.getAttribute('data-node-id'))).toBe('');

    // Every step is in the audit log as the tablet.
    const audit = await api('GET', `/api/v1/audit?objectId=${SCREEN}&limit=20`);
    const actions = (audit.body.entries as Array<{ action: string; actor: { name: string } | null }>)
      .filter((entry) => entry.action.startsWith('counter.'))
      .map((entry) => [entry.action, entry.actor?.name.startsWith('counter tablet ')]);
    expect(actions).toEqual([
      ['counter.clear', true],
      ['counter.push', true],
      ['counter.pair', true],
    ]);
    expect(watch.errors).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
  }, 60_000);

  it("an operator revokes the tablet on the dashboard's Counters page, and the tablet must pair again", async () => {
    const created = await api('POST', '/api/v1/users', {
      username: 'hoa.ops',
      displayName: 'Hoa',
      grants: [{ role: 'operator', gateId: GATE }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const context = await chromium.browser.createBrowserContext();
    const desk = await context.newPage();
    await desk.evaluateOnNewDocument(`localStorage.setItem('gatecast.language', 'en')`);
    await desk.goto(fleet.url);
    await signInFirstTime(desk, 'hoa.ops', created.body.oneTimePassword, 'hoa-counter-2026-password');
    await desk.goto(`${fleet.url}/counters`);
    const row = `tr[data-device-id="${SCREEN}"]`;
    await desk.waitForSelector(`${row} [data-pairing-id] button`);
    // The code the screen shows now is the one the page lists.
    const code = (await kioskPlan())?.pairingCode;
    expect(await desk.$eval(`${row} [data-code]`, (el) => el.textContent)).toBe(code);
    await desk.click(`${row} [data-pairing-id] button`);
    await desk.waitForSelector('.notice-success');
    expect(await desk.$eval('.notice-success', (el) => el.textContent)).toBe(
      'The tablet can no longer use Counter 1.',
    );

    await tablet.reload();
    await tablet.waitForSelector('#pair-code', { visible: true });
    expect(await tablet.$eval('#message', (el) => el.textContent)).toBe(
      "this tablet's pairing with Counter 1 was removed by hoa.ops; pair it again with the code the screen shows",
    );
    const audit = await api('GET', '/api/v1/audit?action=counter.unpair');
    expect(audit.body.entries[0]).toMatchObject({ actor: { name: 'hoa.ops' }, outcome: 'ok', gateId: GATE });
    await context.close();
  }, 60_000);
});
