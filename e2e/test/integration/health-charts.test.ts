import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumOrSkip,
  launchChromium,
  textOf,
  watchPage,
  type PageWatch,
  type RunningBrowser,
} from '../support/browser.js';
import { signInFirstTime, waitForText, webBuildProblem } from '../support/dashboard-pages.js';
import { DEMO_SCREENS, startDemoFleet, type DemoFleet } from '../support/demo-fleet.js';
import { waitFor } from '../support/processes.js';

const SCREEN = DEMO_SCREENS[0].id;
const PASSWORD = 'health-charts-admin-2026';

/** The number of points a chart drew, from its data attribute. */
async function pointsOf(page: Page, series: string): Promise<number> {
  const value = await page.$eval(`.health-chart[data-series="${series}"]`, (figure) =>
    figure.getAttribute('data-points'),
  );
  return Number(value);
}

// A technician looks at a screen's health history: real fleet, a real agent sending telemetry every
// 5 s, the history API, and the device page's charts in real Chromium.
describe.skipIf(!chromiumOrSkip())('health charts on the device page', () => {
  let demo: DemoFleet;
  let running: RunningBrowser;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    const problem = webBuildProblem();
    if (problem) throw new Error(problem);
    demo = await startDemoFleet();
    running = await launchChromium();
    browser = running.browser;
    page = await browser.newPage();
    watch = watchPage(page);
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    await demo?.close();
  });

  it('draws the stored samples of the last 6 hours, then switches range', async () => {
    // Three real samples stored, as the history API gives them.
    const stored = await waitFor(
      'three stored samples',
      async () => {
        const answer = await demo.api('GET', `/api/v1/devices/${SCREEN}/health`);
        return answer.status === 200 && answer.body.points.length >= 3 && answer.body;
      },
      40_000,
    );
    expect(stored.resolution).toBe('raw');
    const lastLoad = stored.points.at(-1).cpuLoad;
    expect(typeof lastLoad).toBe('number');

    await page.goto(demo.fleet.url);
    await signInFirstTime(page, 'admin', demo.adminPassword, PASSWORD);
    await page.goto(`${demo.fleet.url}/devices/${SCREEN}`);
    await page.waitForSelector('.health-charts .health-chart[data-series="cpuLoad"] svg path');

    expect(await textOf(page, '#health-charts-title')).toBe('Health history');
    expect(await textOf(page, '.health-range-button[aria-pressed="true"]')).toBe('6 h');
    // Every point the API had when we looked is drawn, and more may have arrived since.
    for (const series of ['cpuLoad', 'memoryPercent', 'diskPercent']) {
      expect(await pointsOf(page, series)).toBeGreaterThanOrEqual(stored.points.length);
    }
    expect(await page.$$eval('.health-chart[data-series="cpuLoad"] path', (paths) => paths.length)).toBe(1);
    expect(await textOf(page, '.health-chart[data-series="cpuLoad"] .health-chart-latest')).toMatch(
      /^[\d.,]+ %$/,
    );
    expect(await textOf(page, '.health-charts-note')).toMatch(/ to .* · Every sample the screen sent\.$/);

    // A year reads the hourly tier, which holds nothing yet on a fleet a minute old.
    const yearButton = await page.$$('.health-range-button');
    await yearButton[3]!.click();
    await page.waitForSelector('.health-charts-note[data-resolution="hour"]');
    await waitForText(page, '.health-range-button[aria-pressed="true"]', '1 year');
    expect(await textOf(page, '.health-chart[data-series="cpuLoad"] .health-chart-empty')).toBe(
      'No samples in this range.',
    );
    expect(watch.errors).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
  }, 90_000);
});
