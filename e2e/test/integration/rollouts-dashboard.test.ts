import { createHash, randomBytes } from 'node:crypto';
import type { ReleaseManifest } from '@gatecast/protocol';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateReleaseKey, signManifest } from '../../../fleet/src/releases/release-keys.js';
import {
  chromiumOrSkip,
  launchChromium,
  textOf,
  watchPage,
  type RunningBrowser,
} from '../support/browser.js';
import {
  signIn,
  signInFirstTime,
  waitForCount,
  waitForText,
  webBuildProblem,
} from '../support/dashboard-pages.js';
import { readToken, startFleet, tempDir, type FleetProcess } from '../support/processes.js';

const GATE = 'cat-bi-airport';
const VERSION = '2.0.0';
const PASSWORD = 'rollout-admin-2026-password';

// Answers are JSON whose shape each test asserts; `any` keeps those reads short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Whether the page is wider than the window (a phone would scroll sideways). */
async function scrollsSideways(page: Page): Promise<boolean> {
  return (await page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  )) as boolean;
}

// An administrator in the real dashboard: a rollout of a signed release to two screens of a gate,
// seen in the list, opened, paused from its page, read on a phone; a gate's maintenance window.
describe.skipIf(!chromiumOrSkip())('rollouts in the dashboard', () => {
  const data = tempDir('e2e-rollouts-dashboard');
  let fleet: FleetProcess;
  let running: RunningBrowser;
  let browser: Browser;
  let adminPassword = '';
  let token = '';

  const api = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const binary = Buffer.isBuffer(body);
    const response = await fetch(`${fleet.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined
          ? {}
          : { 'content-type': binary ? 'application/octet-stream' : 'application/json' }),
      },
      body: body === undefined ? undefined : binary ? (body as Buffer) : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const expectStatus = async (call: Promise<{ status: number; body: Json }>, status: number) => {
    const answer = await call;
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    return answer.body;
  };

  beforeAll(async () => {
    const problem = webBuildProblem();
    if (problem) throw new Error(problem);
    const key = generateReleaseKey();
    fleet = await startFleet(data.path, {
      LOG_LEVEL: 'info',
      GATECAST_RELEASE_KEYS: `${key.publicKey.keyId}:${key.publicKey.publicKey}`,
      GATECAST_ROLLOUT_TICK_MS: '250',
    });
    adminPassword = /first admin user "admin", one-time password: (\S+)/.exec(fleet.stderr)?.[1] ?? '';
    token = readToken(data.path);
    const gate = { id: GATE, name: 'Cat Bi International Airport', timeZone: 'Asia/Ho_Chi_Minh' };
    await expectStatus(api('POST', '/api/v1/gates', gate), 201);
    await expectStatus(
      api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'arrivals-hall', name: 'Arrivals hall' }),
      201,
    );
    for (const name of ['Arrivals hall, belt 1', 'Arrivals hall, belt 2'])
      await expectStatus(
        api('POST', '/api/v1/devices', { name, gateId: GATE, zoneId: 'arrivals-hall' }),
        201,
      );
    // A small signed release: the fleet checks the signature and the artifact's digest, not its content.
    const bytes = randomBytes(4_096);
    const manifest: ReleaseManifest = {
      format: 1,
      version: VERSION,
      artifact: `gatecast-agent-${VERSION}.tgz`,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      minPreviousVersion: null,
      rollback: false,
      createdAt: '2026-11-26T03:00:00.000Z',
      expiresAt: '2027-11-26T03:00:00.000Z',
      notes: '',
    };
    await expectStatus(api('POST', '/api/v1/releases', signManifest(manifest, key.privateKeyPem)), 201);
    const uploaded = await api('PUT', `/api/v1/releases/${VERSION}/artifact`, bytes);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBeLessThan(300);
    running = await launchChromium();
    browser = running.browser;
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    await fleet?.stop();
    data.remove();
  });

  it('lists a rollout, shows its waves, pauses it from its page, and reads well on a phone', async () => {
    const rollout = await expectStatus(
      api('POST', '/api/v1/rollouts', {
        version: VERSION,
        target: { gates: [GATE] },
        waves: ['canary', 100],
        ignoreMaintenanceWindows: true,
      }),
      201,
    );
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const watch = watchPage(page);
    await page.evaluateOnNewDocument(`localStorage.setItem('gatecast.language', 'en')`);
    await page.goto(fleet.url);
    await signInFirstTime(page, 'admin', adminPassword, PASSWORD);

    // The list, from the navigation: the rollout with its state and progress; the form offers the release.
    await page.click('nav a[href="/rollouts"]');
    const row = `tr[data-rollout-id="${rollout.id}"]`;
    await page.waitForSelector(row);
    expect(await textOf(page, `${row} .rollout-version`)).toBe(VERSION);
    expect(await textOf(page, `${row} [data-rollout-state]`)).toBe('Running');
    expect(await textOf(page, `${row} .rollout-progress-text`)).toBe('0 of 2 screens');
    await page.waitForSelector(
      `form[data-form="new-rollout"] select[name="version"] option[value="${VERSION}"]`,
    );

    // Its page: two waves (the canary of one screen, then the rest), both screens, then Pause.
    await page.click(`${row} .rollout-version`);
    await page.waitForSelector(`[data-rollout-id="${rollout.id}"][data-state="running"]`);
    await waitForCount(page, '[data-list="waves"] li[data-wave]', 2);
    expect(await textOf(page, '[data-wave="0"] .rollout-wave-head strong')).toBe('canary');
    expect(await textOf(page, '[data-wave="0"] .rollout-progress-text')).toBe('0 of 1 screens');
    expect(await textOf(page, '[data-wave="1"] .rollout-progress-text')).toBe('0 of 1 screens');
    await waitForCount(page, '[data-list="screens"] tbody tr', 2);
    await page.click('[data-action="pause"]');
    await page.waitForSelector(`[data-rollout-id="${rollout.id}"][data-state="paused"]`);
    await waitForText(page, '.page-heading [data-rollout-state]', 'Paused');
    await page.waitForSelector('[data-action="resume"]');
    expect(await page.$('[data-action="pause"]')).toBeNull();
    const paused = await api('GET', `/api/v1/rollouts/${rollout.id}`);
    expect(paused.body).toMatchObject({ state: 'paused', pauseReason: 'by admin' });

    // On a phone: the same page, the pause reason shown, nothing wider than the screen.
    await page.setViewport({ width: 390, height: 844 });
    await page.reload();
    await page.waitForSelector(`[data-rollout-id="${rollout.id}"][data-state="paused"]`);
    expect(await textOf(page, '.notice-info')).toBe('Paused: by admin');
    await waitForCount(page, '[data-list="screens"] tbody tr', 2);
    expect(await scrollsSideways(page)).toBe(false);
    await page.goto(`${fleet.url}/rollouts`);
    await page.waitForSelector(`${row}[data-state="paused"]`);
    expect(await scrollsSideways(page)).toBe(false);
    expect(watch.errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('aborts the rollout from its page (after asking), then starts a new one from the form', async () => {
    const [first] = (await api('GET', '/api/v1/rollouts')).body.rollouts;
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.evaluateOnNewDocument(`localStorage.setItem('gatecast.language', 'en')`);
    await page.goto(`${fleet.url}/rollouts/${first.id}`);
    // The first test chose the admin's own password.
    await signIn(page, 'admin', PASSWORD);
    await page.waitForSelector(`[data-rollout-id="${first.id}"][data-state="paused"]`);
    await page.click('[data-action="abort"]');
    await page.click('[data-confirm]');
    await page.waitForSelector(`[data-rollout-id="${first.id}"][data-state="aborted"]`);
    await waitForCount(page, '[data-list="screens"] tr[data-screen-state="cancelled"]', 2);
    expect(await page.$('[data-action="abort"]')).toBeNull();

    await page.click('.back-link');
    const form = 'form[data-form="new-rollout"]';
    await page.waitForSelector(`${form} select[name="version"] option[value="${VERSION}"]`);
    await page.select(`${form} select[name="version"]`, VERSION);
    await page.click(`${form} input[name="gate"][value="${GATE}"]`);
    await page.click(`${form} input[name="any-time"]`);
    await page.click(`${form} button[type="submit"]`);
    await page.waitForFunction(
      `location.pathname !== '/rollouts' && location.pathname.startsWith('/rollouts/')`,
    );
    const id = (await page.evaluate('location.pathname.split("/")[2]')) as string;
    await page.waitForSelector(`[data-rollout-id="${id}"]`);
    await waitForCount(page, '[data-list="waves"] li[data-wave]', 4);
    const created = await api('GET', `/api/v1/rollouts/${id}`);
    expect(created.body).toMatchObject({
      version: VERSION,
      target: { gates: [GATE] },
      waves: ['canary', 10, 50, 100],
      ignoreMaintenanceWindows: true,
      createdBy: 'admin',
    });
    await context.close();
  }, 60_000);

  it("shows a gate's maintenance window in the gate's time and clears it", async () => {
    await expectStatus(
      api('PUT', `/api/v1/gates/${GATE}/maintenance-window`, { window: { from: '22:00', to: '05:00' } }),
      200,
    );
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.evaluateOnNewDocument(`localStorage.setItem('gatecast.language', 'en')`);
    await page.goto(`${fleet.url}/rollouts`);
    // The first test chose the admin's own password.
    await signIn(page, 'admin', PASSWORD);
    const form = `form.rollout-window[data-gate-id="${GATE}"]`;
    await page.waitForSelector(form);
    expect(await textOf(page, `${form} [data-window]`)).toBe('22:00–05:00 (Asia/Ho_Chi_Minh)');
    await page.click(`${form} [data-action="clear-window"]`);
    await waitForText(page, `${form} [data-window]`, 'any time (Asia/Ho_Chi_Minh)');
    const gate = await api('GET', `/api/v1/gates/${GATE}`);
    expect(gate.body.gate.maintenanceWindow).toBeNull();
    await context.close();
  }, 60_000);
});
