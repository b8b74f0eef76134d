import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip, launchChromium, textOf, typeInto, type RunningBrowser } from '../support/browser.js';
import { signInFirstTime, waitForText, webBuildProblem } from '../support/dashboard-pages.js';
import { startDemoFleet, type DemoFleet } from '../support/demo-fleet.js';
import { waitFor } from '../support/processes.js';

const GATE = 'cat-bi-airport';
const PORT_GATE = 'hai-phong-port';
const SCREEN = 'cat-bi-arrivals-01';
const OPERATOR = 'ops.thu';
const PASSWORD = 'ops-thu-gate-2026-password';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A real chat-webhook receiver on 127.0.0.1: answers 200 and keeps what it got. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks/gatecast`, received };
}

/** The number shown for one count of one gate in the overview's summary, once it equals `value`. */
async function waitForGateCount(page: Page, gateId: string, count: string, value: string): Promise<void> {
  await waitForText(page, `.gate-health-row[data-gate-id="${gateId}"] [data-count="${count}"] dd`, value);
}

/** Whether the page is wider than the window (a phone would scroll sideways). */
async function scrollsSideways(page: Page): Promise<boolean> {
  return (await page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  )) as boolean;
}

// An operator on duty in the real dashboard: the alert of a screen whose agent died, acknowledged
// from a phone; a webhook channel added and tested; the overview's per-gate health summary.
describe.skipIf(!chromiumOrSkip())('alerts in the dashboard', () => {
  let demo: DemoFleet;
  let running: RunningBrowser;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let oneTimePassword = '';

  beforeAll(async () => {
    const problem = webBuildProblem();
    if (problem) throw new Error(problem);
    demo = await startDemoFleet();
    const created = await demo.api('POST', '/api/v1/users', {
      username: OPERATOR,
      displayName: 'Trần Thu',
      grants: [{ role: 'operator', gateId: null }],
    });
    expect(created.status).toBe(201);
    oneTimePassword = created.body.oneTimePassword;
    // Offline after one second instead of three minutes, and resolved one second after it returns.
    const policy = await demo.api('PUT', `/api/v1/alert-policies/${GATE}`, {
      rules: { offline: { delaySec: 1, clearSec: 1 } },
    });
    expect(policy.status).toBe(200);
    receiver = await startReceiver();
    running = await launchChromium();
    browser = running.browser;
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    await demo?.close();
    await new Promise((done) => receiver?.server.close(done));
  });

  it('shows the alert of a killed agent, acknowledges it from a phone, and sends to a new webhook channel', async () => {
    await demo.agents.get(SCREEN)!.stop('SIGKILL');
    const alertId = await waitFor(
      'an open offline alert for the killed screen',
      async () => {
        const { body } = await demo.api('GET', `/api/v1/alerts?state=open&gateId=${GATE}`);
        return body.alerts.find(
          (alert: { rule: string; deviceId: string }) =>
            alert.rule === 'offline' && alert.deviceId === SCREEN,
        )?.id as string | undefined;
      },
      45_000,
    );

    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.evaluateOnNewDocument(`localStorage.setItem('gatecast.language', 'en')`);
    await page.goto(demo.fleet.url);
    await signInFirstTime(page, OPERATOR, oneTimePassword, PASSWORD);

    // The overview: one line per gate, the killed screen offline with its open alert.
    await waitForGateCount(page, GATE, 'offline', '1');
    await waitForGateCount(page, GATE, 'open-alerts', '1');
    await waitForGateCount(page, GATE, 'screens', '1');
    await waitForGateCount(page, GATE, 'up', '0');
    await waitForGateCount(page, PORT_GATE, 'up', '1');
    await waitForGateCount(page, PORT_GATE, 'offline', '0');
    await waitForGateCount(page, PORT_GATE, 'open-alerts', '0');
    const health = await demo.api('GET', '/api/v1/gates/health');
    expect(health.body.gates.find((gate: { gateId: string }) => gate.gateId === GATE)).toMatchObject({
      screens: 1,
      offline: 1,
    });

    // On a phone: the alerts page from the navigation, the alert as a card, no sideways scrolling.
    await page.setViewport({ width: 390, height: 844 });
    await page.click('nav a[href="/alerts"]');
    const row = `tr[data-alert-id="${alertId}"]`;
    await page.waitForSelector(row);
    expect(await page.$eval(row, (element) => element.getAttribute('data-rule'))).toBe('offline');
    expect(await textOf(page, `${row} .alert-severity`)).toBe('Critical');
    expect(await textOf(page, `${row} .alert-rule`)).toBe('Screen offline');
    expect(await textOf(page, `${row} .alert-device`)).toBe('Arrivals hall, belt 1');
    expect(await textOf(page, `${row} .alert-ack`)).toBe('Not yet');
    expect(await scrollsSideways(page)).toBe(false);

    await page.click(`${row} [data-action="acknowledge"]`);
    await typeInto(page, 'textarea[name="ack-note"]', 'Kỹ thuật viên đang tới băng chuyền 1');
    await page.click('[data-confirm]');
    await waitForText(page, '.notice-success', 'Acknowledged.');
    await page.waitForSelector(`${row} [data-mark="acknowledged"]`);
    await page.waitForSelector(`${row} [data-acknowledged-by="${OPERATOR}"]`);
    expect(await page.$(`${row} [data-action="acknowledge"]`)).toBeNull();
    const acknowledged = await demo.api('GET', `/api/v1/alerts/${alertId}`);
    expect(acknowledged.body.acknowledged).toMatchObject({
      by: OPERATOR,
      note: 'Kỹ thuật viên đang tới băng chuyền 1',
    });

    // Settings, back at a desk: a signed JSON webhook in English for Cat Bi, and a test message.
    await page.setViewport({ width: 1280, height: 800 });
    await page.goto(`${demo.fleet.url}/alerts/settings`);
    await page.waitForSelector('form[data-form="channel"]');
    await page.select('form[data-form="channel"] select[name="kind"]', 'webhook');
    await typeInto(page, 'form[data-form="channel"] input[name="name"]', 'Cat Bi duty webhook');
    await typeInto(page, 'form[data-form="channel"] input[name="url"]', receiver.url);
    await page.select('form[data-form="channel"] select[name="language"]', 'en');
    await page.click(`form[data-form="channel"] input[name="gate-${GATE}"]`);
    await page.click('form[data-form="channel"] button[type="submit"]');
    await waitForText(page, '.notice-success', 'Channel “Cat Bi duty webhook” added.');
    // No secret was given: the fleet made one and shows it this once.
    const secret = (await textOf(page, '[data-secret]'))!;
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await page.keyboard.press('Escape');
    const channelRow = '[data-list="channels"] tr[data-kind="webhook"]';
    await page.waitForSelector(channelRow);
    expect(await textOf(page, `${channelRow} code`)).toContain('127.0.0.1');
    expect(await textOf(page, `${channelRow} strong`)).toBe('Cat Bi duty webhook');
    expect(JSON.stringify(await textOf(page, channelRow))).not.toContain('/hooks/gatecast');

    await page.click(`${channelRow} [data-action="test"]`);
    await waitForText(page, '.notice-success', 'Test message delivered to “Cat Bi duty webhook”.');
    expect(receiver.received).toHaveLength(1);
    const test = receiver.received[0]!;
    const signature = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(test.headers['x-gatecast-signature']));
    expect(signature).not.toBeNull();
    const expected = createHmac('sha256', secret).update(`${signature![1]}.${test.body}`).digest('hex');
    expect(signature![2]).toBe(expected);
    expect(JSON.parse(test.body)).toMatchObject({ test: true, language: 'en' });

    // The screen comes back: the resolved message reaches the new channel, and the alert's page
    // shows both transitions and the delivery to the channel.
    demo.restartAgent(SCREEN);
    const resolved = await waitFor(
      'the resolved message at the webhook',
      () =>
        receiver.received
          .map((request) => JSON.parse(request.body))
          .flatMap((message) => (message.test === false ? message.deliveries : []))
          .find((delivery) => delivery.transition?.kind === 'resolved'),
      45_000,
    );
    expect(resolved.transition).toMatchObject({ alertId, rule: 'offline', device: { id: SCREEN } });
    await page.goto(`${demo.fleet.url}/alerts/${alertId}`);
    await page.waitForSelector(`[data-alert-id="${alertId}"][data-state="resolved"]`);
    await page.waitForSelector('.alert-transitions [data-transition="firing"]');
    await page.waitForSelector('.alert-transitions [data-transition="resolved"]');
    await page.waitForSelector('[data-list="deliveries"] tr[data-delivery-state="delivered"]');
    expect(await textOf(page, '[data-list="deliveries"] h3')).toBe('Cat Bi duty webhook');
    expect(await textOf(page, '[data-list="deliveries"] tbody td')).toBe('Resolved');
    await context.close();
  }, 180_000);
});
