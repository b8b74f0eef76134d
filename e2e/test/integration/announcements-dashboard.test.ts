import { deviceTopic, type DeviceEvent } from '@gatecast/protocol';
import mqtt from 'mqtt';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip, launchChromium, textOf, typeInto, type RunningBrowser } from '../support/browser.js';
import { signInFirstTime, waitForText, webBuildProblem } from '../support/dashboard-pages.js';
import { startDemoFleet, type DemoFleet } from '../support/demo-fleet.js';

const GATE = 'cat-bi-airport';
/** Enrolled without an agent: the test speaks protocol v1 for it, to send its receipt. */
const QUIET_SCREEN = 'cat-bi-arrivals-09';

/** The receipts summary, by its data attributes (the words depend on the chosen language). */
async function waitForSummary(page: Page, shown: number, targeted: number): Promise<void> {
  await page.waitForSelector(`[data-summary="receipts"][data-shown="${shown}"][data-targeted="${targeted}"]`);
}

// Two duty officers in the real dashboard: one writes a free text, the other approves it, and
// the receipts page follows the screens' confirmations live.
describe.skipIf(!chromiumOrSkip())('urgent announcements in the dashboard', () => {
  let demo: DemoFleet;
  let running: RunningBrowser;
  let browser: Browser;
  const passwords: Record<string, string> = {};
  let quietSecret = '';

  const openAs = async (username: string): Promise<Page> => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    // Cancelling asks for confirmation; the officer says yes.
    page.on('dialog', (dialog) => void dialog.accept());
    // The texts checked below are the English ones, whatever the machine's languages.
    await page.evaluateOnNewDocument(`localStorage.setItem('gatecast.language', 'en')`);
    await page.goto(demo.fleet.url);
    await signInFirstTime(page, username, passwords[username]!, `${username}-gate-2026-password`);
    await page.goto(`${demo.fleet.url}/announcements`);
    await page.waitForSelector('form[data-form="free-text"]');
    return page;
  };

  beforeAll(async () => {
    const problem = webBuildProblem();
    if (problem) throw new Error(problem);
    demo = await startDemoFleet();
    for (const username of ['duty.lan', 'duty.minh']) {
      const created = await demo.api('POST', '/api/v1/users', {
        username,
        displayName: username,
        grants: [{ role: 'duty-officer', gateId: GATE }],
      });
      expect(created.status).toBe(201);
      passwords[username] = created.body.oneTimePassword;
    }
    const enrolled = await demo.api('POST', '/api/v1/devices', {
      id: QUIET_SCREEN,
      name: 'Arrivals hall, belt 9',
      gateId: GATE,
      zoneId: 'arrivals-hall',
    });
    expect(enrolled.status).toBe(201);
    quietSecret = enrolled.body.agentConfig.secret;
    running = await launchChromium();
    browser = running.browser;
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    await demo?.close();
  });

  it('a free text waits for a second officer, goes out on approval, and its receipts update live', async () => {
    const lan = await openAs('duty.lan');
    // The gates arrive with the fleet data, shortly after the page.
    const gateBox = `form[data-form="free-text"] input[name="gate-${GATE}"]`;
    await lan.waitForSelector(gateBox);
    await lan.click(gateBox);
    await typeInto(lan, 'textarea[name="text-vi"]', 'Băng chuyền số 3 tạm ngừng hoạt động.');
    await typeInto(lan, 'textarea[name="text-en"]', 'Baggage belt 3 is out of service.');
    await lan.click('form[data-form="free-text"] button[type="submit"]');
    await waitForText(lan, '.notice-success', 'Sent; it waits for another person’s approval.');
    const card = '[data-list="awaiting"] article';
    await lan.waitForSelector(card);
    // The writer cannot approve: no buttons, and the reason.
    expect(await lan.$(`${card} [data-action="approve"]`)).toBeNull();
    expect(await textOf(lan, `${card} p.muted:last-child`)).toBe(
      'You wrote this: another person must approve it.',
    );
    const id = (await lan.$eval(card, (element) => element.getAttribute('data-announcement-id')))!;

    const minh = await openAs('duty.minh');
    await minh.waitForSelector(`${card}[data-announcement-id="${id}"] textarea[name="comment"]`);
    await typeInto(minh, `${card} textarea[name="comment"]`, 'Đã xác nhận với sân bay');
    await minh.click(`${card} [data-action="approve"]`);
    await waitForText(minh, '.notice-success', 'Approved: the announcement is on 2 screens.');
    await minh.waitForSelector(`[data-list="active"] tr[data-announcement-id="${id}"]`);

    // Its receipts page: nothing shown yet, then a screen confirms and the page follows by itself.
    const link = await minh.$eval(`[data-list="active"] tr[data-announcement-id="${id}"] a`, (a) =>
      a.getAttribute('href'),
    );
    expect(link).toBe(`/announcements/${id}`);
    await minh.goto(`${demo.fleet.url}${link}`);
    await waitForSummary(minh, 0, 2);
    const screen = mqtt.connect(`mqtt://127.0.0.1:${demo.fleet.mqttPort}`, {
      clientId: QUIET_SCREEN,
      username: QUIET_SCREEN,
      password: quietSecret,
      reconnectPeriod: 0,
    });
    await new Promise<void>((done, fail) => {
      screen.once('connect', () => done());
      screen.once('error', fail);
    });
    const receipt: DeviceEvent = {
      id: 'receipt-e2e-00000001',
      at: new Date().toISOString(),
      kind: 'announcement-shown',
      entryId: `ann-${id}`,
      itemId: `ann-${id}`,
      language: 'vi',
      shownAt: new Date().toISOString(),
      screenshotSha256: 'd'.repeat(64),
    };
    await screen.publishAsync(deviceTopic(QUIET_SCREEN, 'events'), JSON.stringify(receipt), { qos: 1 });
    await screen.endAsync();
    await waitForSummary(minh, 1, 2);
    expect(await textOf(minh, `tr[data-device-id="${QUIET_SCREEN}"] code`)).toBe('dddddddddddddddd');
    expect(
      await minh.$eval(`tr[data-device-id="${QUIET_SCREEN}"]`, (row) => row.getAttribute('data-shown')),
    ).toBe('true');

    // Cancelled from the receipts page: the list shows it as cancelled.
    await minh.click('[data-action="cancel"]');
    await minh.waitForSelector('.announcement-state.state-cancelled');
    const after = await demo.api('GET', `/api/v1/announcements/${id}`);
    expect(after.body).toMatchObject({
      state: 'cancelled',
      createdByName: 'duty.lan',
      approvedByName: 'duty.minh',
    });
  }, 120_000);
});
