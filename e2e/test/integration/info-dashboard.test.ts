import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumOrSkip,
  launchChromium,
  typeInto,
  watchPage,
  type PageWatch,
  type RunningBrowser,
} from '../support/browser.js';
import { signIn, webBuildProblem } from '../support/dashboard-pages.js';
import {
  gatecast,
  readToken,
  startFleet,
  tempDir,
  type CliResult,
  type FleetProcess,
} from '../support/processes.js';

const GATE = 'cat-bi-airport';
const KIOSK = 'cat-bi-kiosk-01';
const hasChromium = chromiumOrSkip();

/**
 * The information tree with real binaries and real Chromium: an editor writes a category and a
 * page in the dashboard (the page lacks Korean and says so), an approver approves and publishes
 * both there, and the lookup screen's desired document then names the gate's bundle.
 */
describe.skipIf(!hasChromium)('the information tree in the dashboard', () => {
  const data = tempDir('e2e-info');
  const home = tempDir('e2e-info-home');
  let fleet: FleetProcess;
  let admin: Record<string, string>;
  let running: RunningBrowser;
  let page: Page;
  let watch: PageWatch;
  const PASSWORD = 'Hai-Phong-info-2026';

  const json = (result: CliResult) => {
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  async function addUser(username: string, role: string): Promise<void> {
    const created = await fetch(`${fleet.url}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.GATECAST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        username,
        displayName: username,
        password: PASSWORD,
        grants: [{ role, gateId: GATE }],
      }),
    });
    expect(created.status).toBe(201);
  }

  /** The id of the row whose text contains `text`, once it is there. */
  async function rowWith(text: string, state: string): Promise<string> {
    const selector = `li.info-node[data-state="${state}"]`;
    await page.waitForFunction(
      `[...document.querySelectorAll('${selector}')].some((row) => row.textContent.includes(${JSON.stringify(text)}))`,
    );
    return (await page.$$eval(
      selector,
      (rows, wanted) => rows.find((row) => row.textContent?.includes(wanted))?.getAttribute('data-node-id'),
      text,
    )) as string;
  }

  async function writeNode(kind: 'category' | 'page', texts: Record<string, string>, parent?: string) {
    await page.click('button[data-action="new-node"]');
    const form = 'form.info-editor';
    await page.waitForSelector(form);
    await page.select(`${form} select[name="kind"]`, kind);
    if (parent) await page.select(`${form} select[name="parent"]`, parent);
    for (const [name, text] of Object.entries(texts))
      await typeInto(page, `${form} textarea[name="${name}"]`, text);
    await page.click(`${form} button[data-action="save"]`);
    await page.waitForFunction(`!document.querySelector('form.info-editor')`);
  }

  beforeAll(async () => {
    const problem = webBuildProblem();
    if (problem) throw new Error(problem);
    fleet = await startFleet(data.path);
    admin = {
      GATECAST_URL: fleet.url,
      GATECAST_TOKEN: readToken(data.path),
      XDG_CONFIG_HOME: join(home.path, 'admin'),
    };
    json(await gatecast(['gates', 'add', GATE, '--name', 'Cat Bi International Airport', '--json'], admin));
    json(
      await gatecast(
        ['gates', 'add-zone', GATE, 'arrivals-hall', '--name', 'Arrivals hall', '--json'],
        admin,
      ),
    );
    json(
      await gatecast(
        [
          'devices',
          'add',
          '--id',
          KIOSK,
          '--gate',
          GATE,
          '--zone',
          'arrivals-hall',
          '--name',
          'Kiosk 1',
          '--json',
        ],
        admin,
      ),
    );
    json(await gatecast(['devices', 'profile', KIOSK, 'lookup', '--json'], admin));
    await addUser('lan.editor', 'editor');
    await addUser('minh.approver', 'approver');
    running = await launchChromium();
    page = await running.browser.newPage();
    watch = watchPage(page);
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    await fleet?.stop();
    data.remove();
    home.remove();
  });

  it('lets an editor write a category and a page, flagged for the languages it lacks, and submit them', async () => {
    await page.goto(fleet.url);
    await signIn(page, 'lan.editor', PASSWORD);
    await page.goto(`${fleet.url}/info`);
    await page.waitForSelector('button[data-action="new-node"]');
    await writeNode('category', { 'text-vi': 'Đi lại', 'text-en': 'Getting around' });
    const category = await rowWith('Getting around', 'draft');
    // The title boxes come first, so the page's texts are the later boxes of each language.
    await page.click('button[data-action="new-node"]');
    const form = 'form.info-editor';
    await page.waitForSelector(form);
    await page.select(`${form} select[name="kind"]`, 'page');
    await page.select(`${form} select[name="parent"]`, category);
    const boxes = async (language: string) => page.$$(`${form} textarea[name="text-${language}"]`);
    const [titleVi, , textVi] = await boxes('vi');
    const [titleEn, , textEn] = await boxes('en');
    await titleVi!.type('Xe buýt sân bay');
    await titleEn!.type('Airport bus');
    await textVi!.type('Xe buýt số 1 chạy 30 phút một chuyến.');
    await textEn!.type('Bus 1 leaves every 30 minutes.');
    await page.click(`${form} button[data-action="save"]`);
    const pageId = await rowWith('Airport bus', 'draft');
    const missing = await page.$eval(`li[data-node-id="${pageId}"] .info-missing`, (badge) =>
      badge.getAttribute('data-missing'),
    );
    expect(missing?.split(' ')).toContain('ko');

    for (const id of [category, pageId]) {
      await page.click(`li[data-node-id="${id}"] button[data-action="submit"]`);
      await page.waitForSelector(`li[data-node-id="${id}"][data-state="submitted"]`);
    }
    expect(await page.$(`li[data-node-id="${pageId}"] button[data-action="review"]`)).toBeNull();
  });

  it('lets another user approve with a comment and publish; then the lookup screen gets the tree', async () => {
    await page.click('button[data-action="sign-out"]');
    await page.waitForSelector('input[name="username"]');
    await signIn(page, 'minh.approver', PASSWORD);
    await page.goto(`${fleet.url}/info`);
    const category = await rowWith('Getting around', 'submitted');
    const pageId = await rowWith('Airport bus', 'submitted');
    for (const id of [category, pageId]) {
      const row = `li[data-node-id="${id}"]`;
      await page.click(`${row} button[data-action="review"]`);
      await typeInto(page, `${row} textarea[name="comment"]`, 'Timetable checked with the bus company');
      await page.click(`${row} button[data-action="approve"]`);
      await page.waitForSelector(`${row}[data-state="approved"] button[data-action="publish"]`);
      await page.click(`${row} button[data-action="publish"]`);
      await page.waitForSelector(`${row}[data-state="published"]`);
    }
    await page.waitForSelector(`li[data-node-id="${pageId}"] .info-shown`);

    const device = json(await gatecast(['devices', 'show', KIOSK, '--json'], admin));
    expect(device.desired.device.profile).toBe('lookup');
    expect(device.desired.content.infoTree).toMatchObject({ version: 2 });
    const bundle = json(await gatecast(['info', 'bundle', '--gate', GATE, '--json'], admin));
    expect(bundle.bundle.nodes.map((node: { id: string }) => node.id)).toEqual([category, pageId]);
    expect(bundle.ref.sha256).toBe(device.desired.content.infoTree.sha256);
    expect(watch.errors).toEqual([]);
  });
});
