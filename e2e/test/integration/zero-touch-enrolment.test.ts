import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumOrSkip,
  launchChromium,
  typeInto,
  watchPage,
  type RunningBrowser,
} from '../support/browser.js';
import { signInFirstTime, waitForCount, webBuildProblem } from '../support/dashboard-pages.js';
import {
  ROOT,
  RunningProcess,
  gatecast,
  readToken,
  startFleet,
  tempDir,
  waitFor,
  type FleetProcess,
} from '../support/processes.js';

interface Waiting {
  id: string;
  pairingCode: string;
  serial: string;
  gateId: string;
}
interface ListedDevice {
  id: string;
  zoneId: string;
  presence: { state: string };
}

const AGENT = join(ROOT, 'device/dist/main.js');
const SERIAL = '10000000e2e0c0de';

/**
 * A screen as it leaves the workshop: an SD card whose boot partition holds only the fleet's address
 * and an enrolment token. Its serial comes from a fake host root (the Pi's device tree).
 */
function screenWithToken(root: string, fleetUrl: string, token: string, serial: string) {
  const boot = join(root, 'boot');
  const host = join(root, 'host');
  const data = join(root, 'data');
  mkdirSync(join(boot, 'gatecast'), { recursive: true });
  mkdirSync(join(host, 'proc/device-tree'), { recursive: true });
  mkdirSync(data, { recursive: true });
  writeFileSync(join(host, 'proc/device-tree/serial-number'), `${serial}\0`);
  const provision = { format: 1, fleetUrl, enrolmentToken: token, gateId: 'cat-bi-airport' };
  writeFileSync(join(boot, 'gatecast/provision.json'), JSON.stringify(provision, null, 2));
  const configFile = join(data, 'agent.json');
  const child = spawn(process.execPath, [AGENT, '--config', configFile, '--boot-dir', boot], {
    env: { ...process.env, GATECAST_PLAYER_MODE: 'none', GATECAST_HOST_ROOT: host },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { agent: new RunningProcess(child), configFile, boot };
}

// The zero-touch path with the real binaries: `gatecast serve`, a token from the CLI, an
// agent that knows only the fleet URL and the token, approval by pairing code, then MQTT with its own secret.
describe('zero-touch enrolment: token on the SD card, approval by pairing code', () => {
  const fleetData = tempDir('e2e-zt-fleet');
  const screens = tempDir('e2e-zt-screen');
  const agents: RunningProcess[] = [];
  let fleet: FleetProcess;
  let env: Record<string, string>;
  let tokenId: string;
  let token: string;

  const cli = async (args: string[]) => {
    const result = await gatecast([...args, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as unknown;
  };

  beforeAll(async () => {
    fleet = await startFleet(fleetData.path);
    env = { GATECAST_URL: fleet.url, GATECAST_DATA_DIR: fleetData.path };
    expect((await gatecast(['gates', 'add', 'cat-bi-airport', '--name', 'Cat Bi'], env)).code).toBe(0);
    const zone = await gatecast(
      ['gates', 'add-zone', 'cat-bi-airport', 'arrivals-hall', '--name', 'Arrivals'],
      env,
    );
    expect(zone.code, zone.stderr).toBe(0);
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop('SIGKILL')));
    await fleet?.stop();
    fleetData.remove();
    screens.remove();
  });

  it('creates a token for the gate and shows it once, with the provision.json to write', async () => {
    const created = await gatecast(
      [
        'enrolment-tokens',
        'create',
        '--gate',
        'cat-bi-airport',
        '--zone',
        'arrivals-hall',
        '--expires',
        '2d',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    token = /gce_[A-Za-z0-9_-]+/.exec(created.stdout)?.[0] ?? '';
    expect(token).not.toBe('');
    expect(created.stdout).toContain('"enrolmentToken"');
    const listed = (await cli(['enrolment-tokens', 'list'])) as Array<{ id: string; state: string }>;
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(token);
    tokenId = listed[0]!.id;
  });

  it('lets a screen with only the URL and the token ask, wait, and connect with its own secret once approved', async () => {
    const screen = screenWithToken(join(screens.path, 'one'), fleet.url, token, SERIAL);
    agents.push(screen.agent);
    const waiting = await waitFor(
      'the screen in the pending list',
      async () =>
        ((await cli(['devices', 'pending'])) as Waiting[]).find((request) => request.serial === SERIAL),
      30_000,
    );
    expect(waiting.gateId).toBe('cat-bi-airport');
    // The code a technician reads off the screen is the one the fleet lists.
    await waitFor(
      'the agent to show its pairing code',
      () => screen.agent.stdout.includes(waiting.pairingCode),
      30_000,
    );

    const approved = (await cli([
      'devices',
      'approve',
      waiting.pairingCode,
      '--gate',
      'cat-bi-airport',
      '--name',
      'Arrivals belt 7',
      '--id',
      'cat-bi-belt-07',
    ])) as { device: { id: string } };
    expect(approved.device.id).toBe('cat-bi-belt-07');

    const online = await waitFor(
      'the enrolled screen online',
      async () =>
        ((await cli(['devices', 'list'])) as ListedDevice[]).find(
          (device) => device.id === 'cat-bi-belt-07' && device.presence.state === 'online',
        ),
      45_000,
    );
    expect(online.zoneId).toBe('arrivals-hall');
    const config = JSON.parse(readFileSync(screen.configFile, 'utf8')) as {
      deviceId: string;
      secret: string;
    };
    expect(config.deviceId).toBe('cat-bi-belt-07');
    expect(config.secret.length).toBeGreaterThanOrEqual(24);
    // The token does not stay on the boot partition a visitor could read.
    expect(readFileSync(join(screen.boot, 'gatecast/provision.json'), 'utf8')).not.toContain(token);
    expect(((await cli(['devices', 'pending'])) as Waiting[]).some((r) => r.serial === SERIAL)).toBe(false);
  });

  it('refuses a screen whose token was revoked', async () => {
    expect(((await cli(['enrolment-tokens', 'revoke', tokenId])) as { state: string }).state).toBe('revoked');
    const asked = await fetch(`${fleet.url}/api/v1/enrolment/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ serial: '10000000e2e0dead', agentVersion: '1.0.0' }),
    });
    expect(asked.status).toBe(403);
    expect(((await asked.json()) as { error: { code: string } }).error.code).toBe('ENROLMENT_REFUSED');

    const late = screenWithToken(join(screens.path, 'two'), fleet.url, token, '10000000e2e0dead');
    agents.push(late.agent);
    await waitFor(
      'the late screen to report the refusal',
      () => /ENROLMENT_REFUSED|refused/i.test(late.agent.stdout + late.agent.stderr),
      30_000,
    );
    expect(existsSync(late.configFile)).toBe(false);
    expect(late.agent.running).toBe(true);
    expect(((await cli(['devices', 'pending'])) as Waiting[]).length).toBe(0);
  });
});

const PASSWORD = 'enrolment-admin-2026-password';

// A waiting screen's QR code opens /enrol?code=…: the form comes filled in, a name is all that is
// left to type, and the screen then collects its credentials. The screen's side is plain HTTP here.
describe.skipIf(!chromiumOrSkip())('approving a waiting screen in the dashboard', () => {
  const data = tempDir('e2e-zt-dashboard');
  let fleet: FleetProcess;
  let running: RunningBrowser;
  let browser: Browser;
  let adminPassword = '';

  const call = async (method: string, path: string, bearer: string, body?: unknown) => {
    const response = await fetch(`${fleet.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    const problem = webBuildProblem();
    if (problem) throw new Error(problem);
    fleet = await startFleet(data.path, { LOG_LEVEL: 'info' });
    adminPassword = /first admin user "admin", one-time password: (\S+)/.exec(fleet.stderr)?.[1] ?? '';
    const admin = readToken(data.path);
    expect(
      (await call('POST', '/api/v1/gates', admin, { id: 'cat-bi-airport', name: 'Cat Bi' })).status,
    ).toBe(201);
    const zone = { id: 'arrivals-hall', name: 'Arrivals hall' };
    expect((await call('POST', '/api/v1/gates/cat-bi-airport/zones', admin, zone)).status).toBe(201);
    running = await launchChromium();
    browser = running.browser;
  }, 90_000);

  afterAll(async () => {
    await running?.close();
    await fleet?.stop();
    data.remove();
  });

  it('opens the approval form from the QR code address, approves, and the screen gets its secret', async () => {
    const admin = readToken(data.path);
    const token = (await call('POST', '/api/v1/enrolment-tokens', admin, { gateId: 'cat-bi-airport' })).body
      .token as string;
    const asked = await call('POST', '/api/v1/enrolment/requests', token, {
      serial: '10000000da5b0a4d',
      agentVersion: '1.0.0',
      gateId: 'cat-bi-airport',
      zoneId: 'arrivals-hall',
      network: { interface: 'eth0', address: '10.20.0.31', kind: 'ethernet' },
    });
    expect(asked.status).toBe(201);
    const { pairingCode, requestId, pollToken } = asked.body as {
      pairingCode: string;
      requestId: string;
      pollToken: string;
    };

    const page = await (await browser.createBrowserContext()).newPage();
    const watch = watchPage(page);
    await page.evaluateOnNewDocument(`localStorage.setItem('gatecast.language', 'en')`);
    await page.goto(`${fleet.url}/enrol?code=${pairingCode}`);
    await signInFirstTime(page, 'admin', adminPassword, PASSWORD);
    await page.waitForSelector(`tr[data-code="${pairingCode}"]`);
    expect(await page.$eval(`tr[data-code="${pairingCode}"]`, (row) => row.textContent)).toContain(
      '10.20.0.31',
    );
    await page.waitForFunction(`document.querySelector('select[name="zone"]')?.value === 'arrivals-hall'`);
    expect(
      await page.$eval('input[name="code"]', (input) => (input as unknown as { value: string }).value),
    ).toBe(pairingCode);
    expect(
      await page.$eval('select[name="gate"]', (input) => (input as unknown as { value: string }).value),
    ).toBe('cat-bi-airport');
    await typeInto(page, 'input[name="name"]', 'Arrivals belt 8');
    await page.click('form[data-form="approve-screen"] button[type="submit"]');
    await page.waitForSelector('.notice-success');
    await waitForCount(page, `tr[data-code="${pairingCode}"]`, 0);

    const collected = await call('GET', `/api/v1/enrolment/requests/${requestId}`, pollToken);
    expect(collected.body.state).toBe('approved');
    expect(collected.body.device).toMatchObject({ name: 'Arrivals belt 8', zoneId: 'arrivals-hall' });
    expect(watch.errors).toEqual([]);
  });
});
