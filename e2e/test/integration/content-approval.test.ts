import { spawn } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
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
  ROOT,
  RunningProcess,
  gatecast,
  readToken,
  startFleet,
  tempDir,
  type CliResult,
  type FleetProcess,
} from '../support/processes.js';

const SCREEN = 'cat-bi-arrivals-01';
// `GATECAST_SCREENSHOTS=1` writes the guide's pictures into docs/images; otherwise into a temp dir.
const shotsTemp = tempDir('e2e-content-shots');
const SHOTS = process.env.GATECAST_SCREENSHOTS ? join(ROOT, 'docs/images') : shotsTemp.path;

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}
const hasChromium = chromiumOrSkip();

/** Runs the CLI with text on standard input (`gatecast login --password-stdin`). */
async function gatecastWithInput(
  args: string[],
  env: Record<string, string>,
  input: string,
): Promise<CliResult> {
  const child = spawn(process.execPath, [join(ROOT, 'fleet/dist/cli/main.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const proc = new RunningProcess(child);
  child.stdin.end(input);
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

/**
 * The approval flow with real binaries: an editor writes and submits with the `gatecast` CLI, an
 * approver approves and publishes in the dashboard in Chromium, and only then does the screen's
 * desired document carry the text; the preview (CLI and dashboard) shows it.
 */
describe.skipIf(!hasChromium)('content approval through the CLI and the dashboard', () => {
  const data = tempDir('e2e-content');
  const home = tempDir('e2e-content-home');
  let fleet: FleetProcess;
  let admin: Record<string, string>;
  let editor: Record<string, string>;
  let approver: Record<string, string>;
  let screenSecret = '';
  let running: RunningBrowser;
  let page: Page;
  let watch: PageWatch;
  const passwords: Record<string, string> = {};
  const ids: Record<'item' | 'playlist' | 'schedule', string> = { item: '', playlist: '', schedule: '' };

  const json = (result: CliResult) => {
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  /** A user with a chosen password (set through the API, as the dashboard does) and a CLI login. */
  async function addUser(username: string, role: string): Promise<Record<string, string>> {
    const created = json(
      await gatecast(
        ['users', 'add', username, '--name', username, '--role', role, '--gate', 'cat-bi-airport', '--json'],
        admin,
      ),
    );
    const oneTime = created.oneTimePassword as string;
    const chosen = `${username}-Hai-Phong-2026`;
    const login = await fetch(`${fleet.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: oneTime }),
    });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const changed = await fetch(`${fleet.url}/api/v1/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ currentPassword: oneTime, newPassword: chosen }),
    });
    expect(changed.status).toBe(204);
    passwords[username] = chosen;
    const env = {
      GATECAST_URL: fleet.url,
      XDG_CONFIG_HOME: join(home.path, username),
      GATECAST_DATA_DIR: join(home.path, 'none'),
    };
    expect(
      (await gatecastWithInput(['login', '--user', username, '--password-stdin'], env, `${chosen}\n`)).code,
    ).toBe(0);
    return env;
  }

  /** The ids of the items the screen's stored desired document schedules. */
  async function scheduledOnScreen(): Promise<string[]> {
    const device = json(await gatecast(['devices', 'show', SCREEN, '--json'], admin));
    const schedule = (device.desired?.content.schedule ?? []) as Array<{ items: Array<{ id: string }> }>;
    return schedule.flatMap((entry) => entry.items.map((item) => item.id));
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
    json(
      await gatecast(
        ['gates', 'add', 'cat-bi-airport', '--name', 'Cat Bi International Airport', '--json'],
        admin,
      ),
    );
    json(
      await gatecast(
        ['gates', 'add-zone', 'cat-bi-airport', 'arrivals-hall', '--name', 'Arrivals hall', '--json'],
        admin,
      ),
    );
    const enrolled = json(
      await gatecast(
        [
          'devices',
          'add',
          '--id',
          SCREEN,
          '--gate',
          'cat-bi-airport',
          '--zone',
          'arrivals-hall',
          '--name',
          'Arrivals belt 1',
          '--json',
        ],
        admin,
      ),
    );
    screenSecret = enrolled.agentConfig.secret;
    editor = await addUser('lan.editor', 'editor');
    approver = await addUser('minh.approver', 'approver');
    running = await launchChromium();
    page = await running.browser.newPage();
    watch = watchPage(page);
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    await fleet?.stop();
    data.remove();
    home.remove();
    shotsTemp.remove();
  });

  it('lets an editor write and submit a text, playlist and schedule with the CLI', async () => {
    const item = json(
      await gatecast(
        [
          'content',
          'add-text',
          '--gate',
          'cat-bi-airport',
          '--name',
          'Passport control',
          '--text',
          'vi=Vui lòng xuất trình hộ chiếu',
          '--text',
          'en=Please show your passport',
          '--json',
        ],
        editor,
      ),
    );
    ids.item = item.id;
    expect(item).toMatchObject({ state: 'draft', revision: 1, authorName: 'lan.editor' });
    ids.playlist = json(
      await gatecast(
        [
          'playlists',
          'add',
          '--gate',
          'cat-bi-airport',
          '--name',
          'Arrivals',
          '--item',
          `${ids.item}:20`,
          '--json',
        ],
        editor,
      ),
    ).id;
    ids.schedule = json(
      await gatecast(
        [
          'schedules',
          'add',
          '--gate',
          'cat-bi-airport',
          '--name',
          'Arrivals all day',
          '--playlist',
          ids.playlist,
          '--layer',
          'official',
          '--target-zone',
          'cat-bi-airport/arrivals-hall',
          '--json',
        ],
        editor,
      ),
    ).id;
    for (const id of [ids.item, ids.playlist, ids.schedule]) {
      expect(json(await gatecast(['content', 'submit', id, '--json'], editor)).state).toBe('submitted');
    }
    const own = await gatecast(['content', 'approve', ids.item, '--comment', 'mine'], editor);
    expect(own.code).toBe(1);
    expect(own.stderr).toMatch(
      /^gatecast: FORBIDDEN: lan.editor may not content.approve at gate cat-bi-airport/,
    );
    expect(await scheduledOnScreen()).toEqual([]);
  });

  it('refuses an author approving their own work, even with the approver role', async () => {
    const mine = json(
      await gatecast(
        [
          'content',
          'add-text',
          '--gate',
          'cat-bi-airport',
          '--name',
          'Admin note',
          '--text',
          'vi=Chào mừng',
          '--json',
        ],
        admin,
      ),
    );
    json(await gatecast(['content', 'submit', mine.id, '--json'], admin));
    const refused = await gatecast(
      ['content', 'approve', mine.id, '--comment', 'I checked my own text'],
      admin,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/FORBIDDEN: the author cannot approve their own work/);
  });

  it('lets the approver approve with a comment and publish in the dashboard; then the screen gets it', async () => {
    await page.goto(fleet.url);
    await signIn(page, 'minh.approver', passwords['minh.approver']!);
    await page.goto(`${fleet.url}/approvals`);
    await page.waitForSelector(`[data-queue="review"] article[data-work-id="${ids.item}"]`);
    await screenshot(page, 'content-approvals');
    for (const id of [ids.item, ids.playlist, ids.schedule]) {
      const card = `[data-queue="review"] article[data-work-id="${id}"]`;
      await page.waitForSelector(card);
      await typeInto(page, `${card} textarea[name="comment"]`, 'Wording checked with the border guard');
      await page.click(`${card} button[data-action="approve"]`);
      const publish = `[data-queue="publish"] article[data-work-id="${id}"] button[data-action="publish"]`;
      await page.waitForSelector(publish);
      // Approved is not published: nothing reaches the screen before the publish click.
      expect(await scheduledOnScreen()).toEqual([]);
      await page.click(publish);
      await page.waitForFunction(
        `!document.querySelector('[data-queue="publish"] article[data-work-id="${id}"]')`,
      );
    }
    expect(await scheduledOnScreen()).toEqual([ids.item]);
    expect(json(await gatecast(['approvals', '--json'], editor))).toEqual({ toReview: [], toPublish: [] });
  });

  it('shows the published text in the preview, in the CLI and on the dashboard timeline', async () => {
    const preview = json(await gatecast(['preview', SCREEN, '--hours', '2', '--json'], editor));
    const main = preview.segments.filter((segment: { zone: string }) => segment.zone === 'main');
    expect(main[0]).toMatchObject({
      itemId: ids.item,
      entryId: ids.schedule,
      layer: 'official',
      label: 'Vui lòng xuất trình hộ chiếu',
    });

    await page.goto(`${fleet.url}/devices/${SCREEN}/preview`);
    await page.waitForSelector(`[data-preview-table] tr[data-item-id="${ids.item}"]`);
    const row = await page.$eval(
      `[data-preview-table] tr[data-item-id="${ids.item}"]`,
      (element) => element.textContent,
    );
    expect(row).toContain('Vui lòng xuất trình hộ chiếu');
    expect(await page.$$('.timeline-bar .timeline-official')).not.toHaveLength(0);
    await screenshot(page, 'content-preview');
    await page.goto(`${fleet.url}/content`);
    await page.waitForSelector(`tr[data-work-id="${ids.item}"][data-state="published"]`);
    await screenshot(page, 'content-page');
    expect(watch.errors).toEqual([]);
  });

  it('withdraws the text from the screen when the editor changes it', async () => {
    const edited = json(
      await gatecast(['content', 'edit', ids.item, '--text', 'vi=Vui lòng xếp hàng', '--json'], editor),
    );
    expect(edited).toMatchObject({ state: 'draft', revision: 2 });
    expect(await scheduledOnScreen()).toEqual([]);
  });

  it('puts an uploaded picture on the screen with an address the screen can fetch with its own secret', async () => {
    const file = join(ROOT, 'fleet/demo-media/hai-phong-port.png');
    const stored = json(await gatecast(['media', 'upload', file, '--json'], editor));
    const item = json(
      await gatecast(
        [
          'content',
          'add-media',
          '--gate',
          'cat-bi-airport',
          '--name',
          'Port',
          '--kind',
          'image',
          '--sha256',
          stored.sha256,
          '--duration',
          '8',
          '--json',
        ],
        editor,
      ),
    );
    // The published playlist now plays the picture instead of the withdrawn text.
    json(await gatecast(['playlists', 'edit', ids.playlist, '--item', item.id, '--json'], editor));
    for (const id of [item.id, ids.playlist]) {
      json(await gatecast(['content', 'submit', id, '--json'], editor));
      json(
        await gatecast(
          ['content', 'approve', id, '--comment', 'Photo of the port, fine', '--json'],
          approver,
        ),
      );
      json(await gatecast(['content', 'publish', id, '--json'], approver));
    }
    const device = json(await gatecast(['devices', 'show', SCREEN, '--json'], admin));
    const image = device.desired.content.schedule[0].items[0];
    expect(image).toMatchObject({
      kind: 'image',
      id: item.id,
      url: `${fleet.url}/api/v1/device/media/${stored.sha256}`,
      sha256: stored.sha256,
      sizeBytes: stored.sizeBytes,
      durationSec: 8,
    });
    const basic = Buffer.from(`${SCREEN}:${screenSecret}`).toString('base64');
    const fetched = await fetch(image.url, { headers: { authorization: `Basic ${basic}` } });
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).length).toBe(stored.sizeBytes);
    // The library will not delete a file a content item shows.
    const removed = await gatecast(['media', 'rm', stored.sha256], admin);
    expect(removed.code).toBe(1);
    expect(removed.stderr).toContain(item.id);
  });

  it('lets an editor write a text in each language of the gate in the dashboard and submit it', async () => {
    await page.click('button[data-action="sign-out"]');
    await page.waitForSelector('input[name="username"]');
    await signIn(page, 'lan.editor', passwords['lan.editor']!);
    await page.goto(`${fleet.url}/content`);
    const form = 'form[data-form="item"]';
    await page.waitForSelector(form);
    await typeInto(page, `${form} input[name="name"]`, 'Customs notice');
    await typeInto(page, `${form} textarea[name="text-vi"]`, 'Khai báo hải quan tại quầy số 2');
    await typeInto(page, `${form} textarea[name="text-en"]`, 'Declare goods at counter 2');
    await screenshot(page, 'content-editor');
    await page.click(`${form} button[type="submit"]`);
    await page.waitForFunction(
      `[...document.querySelectorAll('tr[data-state="draft"]')].some((row) => row.textContent.includes('Customs notice'))`,
    );
    const id = await page.$$eval('tr[data-state="draft"]', (rows) =>
      rows.find((row) => row.textContent?.includes('Customs notice'))?.getAttribute('data-work-id'),
    );
    await page.click(`tr[data-work-id="${id}"] button[data-action="submit"]`);
    await page.waitForSelector(`tr[data-work-id="${id}"][data-state="submitted"]`);
    const stored = json(await gatecast(['content', 'show', id!, '--json'], editor));
    expect(stored).toMatchObject({
      authorName: 'lan.editor',
      state: 'submitted',
      spec: {
        kind: 'text',
        body: { vi: 'Khai báo hải quan tại quầy số 2', en: 'Declare goods at counter 2' },
      },
    });

    // Changing it in the dashboard makes a new draft revision that needs approval again.
    await page.click(`tr[data-work-id="${id}"] button[data-action="edit"]`);
    const editForm = `tr[data-work-id="${id}"] form[data-form="edit-item"]`;
    await typeInto(page, `${editForm} textarea[name="text-en"]`, 'Declare goods at counter 3');
    await page.click(`${editForm} button[type="submit"]`);
    await page.waitForSelector(`tr[data-work-id="${id}"][data-state="draft"]`);
    expect(json(await gatecast(['content', 'show', id!, '--json'], admin))).toMatchObject({
      state: 'draft',
      revision: 2,
      spec: { body: { vi: 'Khai báo hải quan tại quầy số 2', en: 'Declare goods at counter 3' } },
    });
    expect(watch.errors).toEqual([]);
  });

  it('lets an editor put an item in a playlist and schedule it overnight in the dashboard', async () => {
    /** The id of the draft row with this name, once the page lists it. */
    const draftNamed = async (name: string): Promise<string> => {
      const named = `[...document.querySelectorAll('tr[data-state="draft"]')].find((row) => row.textContent.includes(${JSON.stringify(name)}))`;
      await page.waitForFunction(`Boolean(${named})`);
      return (await page.evaluate(`${named}.getAttribute('data-work-id')`)) as string;
    };
    await page.goto(`${fleet.url}/content`);
    const playlistForm = 'form[data-form="playlist"]';
    await page.waitForSelector(`${playlistForm} input[name="item"][value="${ids.item}"]`);
    await typeInto(page, `${playlistForm} input[name="name"]`, 'Arrivals overnight');
    await page.click(`${playlistForm} input[name="item"][value="${ids.item}"]`);
    await page.click(`${playlistForm} button[type="submit"]`);
    const playlistId = await draftNamed('Arrivals overnight');
    expect(json(await gatecast(['playlists', 'show', playlistId, '--json'], editor))).toMatchObject({
      type: 'playlist',
      gateId: 'cat-bi-airport',
      authorName: 'lan.editor',
      spec: { entries: [{ itemId: ids.item }] },
    });

    const scheduleForm = 'form[data-form="schedule"]';
    await page.waitForSelector(`${scheduleForm} select[name="playlist"] option[value="${playlistId}"]`);
    await typeInto(page, `${scheduleForm} input[name="name"]`, 'Overnight arrivals');
    await page.select(`${scheduleForm} select[name="playlist"]`, playlistId);
    await page.select(`${scheduleForm} select[name="layer"]`, 'official');
    await typeInto(page, `${scheduleForm} input[name="windows"]`, '22:00-06:00');
    const weekdays = await page.$$(`${scheduleForm} fieldset.content-inline input[type="checkbox"]`);
    await weekdays[5]!.click();
    await weekdays[4]!.click();
    await page.click(`${scheduleForm} button[type="submit"]`);
    const scheduleId = await draftNamed('Overnight arrivals');
    expect(json(await gatecast(['schedules', 'show', scheduleId, '--json'], editor))).toMatchObject({
      type: 'schedule',
      gateId: 'cat-bi-airport',
      spec: {
        playlistId,
        zone: 'main',
        layer: 'official',
        weekdays: [5, 6],
        windows: [{ from: '22:00', to: '06:00' }],
      },
    });
    expect(watch.errors).toEqual([]);
  });
});
