import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../../../fleet/test/integration/library/library-support.js';
import {
  chromiumOrSkip,
  launchChromium,
  textOf,
  watchPage,
  type PageWatch,
  type RunningBrowser,
} from '../support/browser.js';
import { signInFirstTime, webBuildProblem } from '../support/dashboard-pages.js';
import { ROOT, readToken, startFleet, tempDir, type FleetProcess } from '../support/processes.js';

/**
 * A TCP relay in front of the fleet that can cut the network once: when armed, the first
 * connection that carries more than `cutAfter` bytes towards the fleet is destroyed both ways,
 * as a dropped Wi-Fi link would be. It counts what it relayed so the test sees what was re-sent.
 */
async function startCuttingRelay(target: number) {
  const state = { cutAfter: null as number | null, cuts: 0, towardsFleet: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    let carried = 0;
    client.on('data', (chunk: Buffer) => {
      carried += chunk.length;
      state.towardsFleet += chunk.length;
      if (state.cutAfter !== null && carried > state.cutAfter) {
        state.cutAfter = null;
        state.cuts += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (chunk: Buffer) => {
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const hasChromium = chromiumOrSkip();

describe.skipIf(!hasChromium)('the media library page in Chromium', () => {
  const data = tempDir('e2e-library');
  let fleet: FleetProcess;
  let relay: Awaited<ReturnType<typeof startCuttingRelay>>;
  let running: RunningBrowser;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    const problem = webBuildProblem();
    if (problem) throw new Error(problem);
    fleet = await startFleet(data.path, { LOG_LEVEL: 'info' });
    relay = await startCuttingRelay(fleet.httpPort);
    running = await launchChromium();
    page = await running.browser.newPage();
    watch = watchPage(page);
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    await relay?.close();
    await fleet?.stop();
    data.remove();
  });

  it('uploads a package with a progress bar that resumes after a network cut, then lists it', async () => {
    const oneTime = /first admin user "admin", one-time password: (\S+)/.exec(fleet.stderr)?.[1] as string;
    await page.goto(relay.url);
    await signInFirstTime(page, 'admin', oneTime, 'hai-phong-media-2025');
    await page.click('a.nav-link[href="/media"]');
    await page.waitForSelector('.library-page h1');
    expect(await textOf(page, '.library-page h1')).toBe('Media library');

    const file = join(data.path, 'cua-khau-kiosk.zip');
    const bytes = buildZip([
      { name: 'index.html', data: Buffer.from('<!doctype html><p>Chào mừng đến Hải Phòng</p>') },
      { name: 'video/loop.bin', data: randomBytes(24_000_000) },
    ]);
    writeFileSync(file, bytes);
    const input = (await page.$('input[type="file"]')) as ElementHandle;
    await input.uploadFile(file);

    // The network drops once about half the file has gone towards the fleet.
    relay.state.cutAfter = 12_000_000;
    await page.click('button[data-action="upload"]');
    await page.waitForSelector('progress.library-progress');
    await page.waitForSelector('.notice-success', { timeout: 60_000 });
    expect(await textOf(page, '.notice-success')).toBe('cua-khau-kiosk.zip is in the library.');
    expect(relay.state.cuts).toBe(1);
    // Resumed, not restarted: the fleet kept what arrived before the cut, and the chunk that
    // completed the file started exactly there.
    const logged = fleet.stdout
      .split('\n')
      .filter((line) => line.includes('"msg":"upload c'))
      .map((line) => JSON.parse(line) as { msg: string; from: number; to: number });
    const cut = logged.find((entry) => entry.msg === 'upload cut');
    expect(cut?.to).toBeGreaterThan(0);
    expect(logged.at(-1)).toMatchObject({ msg: 'upload chunk', from: cut?.to, to: bytes.length });

    const sha = createHash('sha256').update(bytes).digest('hex');
    await page.waitForSelector(`tr[data-sha256="${sha}"]`);
    expect(await textOf(page, `tr[data-sha256="${sha}"] .library-name`)).toBe('cua-khau-kiosk.zip');
    const stored = readFileSync(join(data.path, 'media', sha));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(sha);
    const token = readToken(data.path);
    const audit = await fetch(`${fleet.url}/api/v1/audit?action=media.upload`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(JSON.stringify(await audit.json())).toContain(sha);
    expect(watch.dialogs).toEqual([]);
  }, 120_000);

  it('lists a picture with its thumbnail, size and resolution', async () => {
    const picture = join(ROOT, 'fleet/demo-media/hoa-phuong.png');
    const input = (await page.$('input[type="file"]')) as ElementHandle;
    await input.uploadFile(picture);
    await page.click('button[data-action="upload"]');
    await page.waitForFunction(
      `document.querySelector('.notice-success')?.textContent?.includes('hoa-phuong.png')`,
    );
    const sha = createHash('sha256').update(readFileSync(picture)).digest('hex');
    const row = `tr[data-sha256="${sha}"]`;
    await page.waitForSelector(row);
    // The thumbnail is a real JPEG the browser decoded, fetched with the session cookie.
    await page.waitForFunction(`document.querySelector('${row} img.library-thumb')?.naturalWidth > 0`);
    const cells = await page.$$eval(`${row} td`, (tds) => tds.map((td) => td.textContent?.trim() ?? ''));
    expect(cells.slice(1, 6)).toEqual(['hoa-phuong.png', 'Picture', '169.1 KB', '–', '1280×720']);
    // `GATECAST_SCREENSHOTS=1` writes the operator guide's picture of the page.
    if (process.env.GATECAST_SCREENSHOTS) {
      const path = join(ROOT, 'docs/images/media-library.png') as `${string}.png`;
      await page.screenshot({ path, fullPage: true });
    }
  });

  it('shows a refusal with its reason', async () => {
    const file = join(data.path, 'welcome.mp4');
    writeFileSync(file, randomBytes(30_000));
    const input = (await page.$('input[type="file"]')) as ElementHandle;
    await input.uploadFile(file);
    await page.click('button[data-action="upload"]');
    await page.waitForSelector('.notice-error');
    expect(await textOf(page, '.notice-error')).toMatch(
      /^Not stored: welcome\.mp4 was refused: it claims to be a video but its bytes are no video format$/,
    );
  });
});
