import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { typeInto } from './browser.js';
import { ROOT } from './processes.js';

/** Why the dashboard cannot be tested yet, or null when its build is in place. */
export function webBuildProblem(): string | null {
  const index = join(ROOT, 'fleet/web/dist/index.html');
  return existsSync(index)
    ? null
    : `the dashboard is not built (${index} is missing): run \`npm run build\` first`;
}

/** Fills the sign-in form and submits it; waits until the form is gone or refuses. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await typeInto(page, 'input[name="username"]', username);
  await typeInto(page, 'input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForFunction(
    `!document.querySelector('input[name="username"]') || document.querySelector('.notice-error')`,
  );
}

/** Signs in with a one-time password and replaces it, as every new user must. */
export async function signInFirstTime(
  page: Page,
  username: string,
  oneTime: string,
  chosen: string,
): Promise<void> {
  await signIn(page, username, oneTime);
  await page.waitForSelector('input[name="new-password"]');
  await typeInto(page, 'input[name="current-password"]', oneTime);
  await typeInto(page, 'input[name="new-password"]', chosen);
  await typeInto(page, 'input[name="repeat-password"]', chosen);
  await page.click('button[type="submit"]');
  await page.waitForSelector('main.page h1');
}

/** Waits until the page holds exactly `count` elements matching the selector. */
export async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  // A string, evaluated in the page: the test's own TypeScript has no DOM types.
  await page.waitForFunction(`document.querySelectorAll(${JSON.stringify(selector)}).length === ${count}`);
}

/** Waits until the first element matching the selector has exactly this text. */
export async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    `document.querySelector(${JSON.stringify(selector)})?.textContent?.trim() === ${JSON.stringify(text)}`,
  );
}
