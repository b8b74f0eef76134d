import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../../device/test/integration/player/png-pixels.js';
import { CHROMIUM_PATH, chromiumOrSkip } from '../support/browser.js';
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
const SCREENS = ['cat-bi-arrivals-01', 'cat-bi-arrivals-02'];
/** The player's announcement background (player.css): a screen covered by an announcement is this red. */
const ANNOUNCEMENT_RED = [0x7a, 0x00, 0x00];

interface Screen {
  id: string;
  agent: RunningProcess;
  /** The player page's own origin on the screen (127.0.0.1, ephemeral port), from the agent's log. */
  pageOrigin: string;
}

// The real binaries end to end: `gatecast serve`, two `gatecast-agent` processes with headless
// Chromium players. An announcement fired through the API is on both screens, each confirms it
// with a screenshot hash, and cancelling it takes it off both.
describe.skipIf(!chromiumOrSkip())('urgent announcement on real screens', () => {
  const data = tempDir('e2e-ann-fleet');
  const work = tempDir('e2e-ann-screens');
  let fleet: FleetProcess;
  let env: Record<string, string>;
  let adminToken: string;
  let approverToken: string;
  const screens: Screen[] = [];

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${fleet.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  async function enrolAndStart(id: string): Promise<void> {
    const added = await gatecast(
      ['devices', 'add', '--gate', GATE, '--zone', 'arrivals-hall', '--name', id, '--id', id, '--json'],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const { agentConfig } = JSON.parse(added.stdout) as { agentConfig: Record<string, unknown> };
    const configFile = join(work.path, `${id}.json`);
    const player = { headless: true, windowWidth: 480, windowHeight: 270, chromiumPath: CHROMIUM_PATH };
    writeFileSync(configFile, JSON.stringify({ ...agentConfig, dataDir: join(work.path, id), player }));
    const agent = startAgent(configFile);
    const pageOrigin = await waitFor(`${id}'s player page`, () => {
      if (!agent.running) throw new Error(`agent exited: ${agent.stderr}`);
      return /"origin":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*player page server started/.exec(
        agent.stdout + agent.stderr,
      )?.[1];
    });
    screens.push({ id, agent, pageOrigin });
  }

  /** A user other than the admin, with an API token (one-time password changed, as the dashboard does). */
  async function secondPerson(username: string, role: string): Promise<string> {
    const added = await gatecast(
      ['users', 'add', username, '--name', username, '--role', role, '--json'],
      env,
    );
    const oneTime = (JSON.parse(added.stdout) as { oneTimePassword: string }).oneTimePassword;
    const signIn = async (password: string) => {
      const login = await fetch(`${fleet.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      return { cookie: login.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': csrfToken };
    };
    const newPassword = 'Phong-van-2026-approver';
    const first = await signIn(oneTime);
    const changed = await fetch(`${fleet.url}/api/v1/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...first },
      body: JSON.stringify({ currentPassword: oneTime, newPassword }),
    });
    expect(changed.status).toBe(204);
    const session = await signIn(newPassword);
    const created = await fetch(`${fleet.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...session },
      body: JSON.stringify({ name: 'e2e' }),
    });
    return ((await created.json()) as { secret: string }).secret;
  }

  const reportedItem = async (id: string): Promise<string | null> => {
    const { device } = (await api(adminToken, 'GET', `/api/v1/devices/${id}`)).body as {
      device: { reported: { currentItemId: string | null } | null };
    };
    return device.reported?.currentItemId ?? null;
  };
  const pagePlan = async (screen: Screen) =>
    (await (await fetch(`${screen.pageOrigin}/plan`)).json()) as {
      zones: Array<{ layer: string | null; entryId: string | null }>;
    };
  /** The share of the screenshot's pixels in the announcement red. */
  const redShare = async (id: string): Promise<number> => {
    const file = join(work.path, `${id}.png`);
    const shot = await gatecast(['devices', 'screenshot', id, '--out', file], env);
    if (shot.code !== 0) return 0;
    const { rgb } = decodePng(readFileSync(file));
    let red = 0;
    for (let i = 0; i + 2 < rgb.length; i += 3) {
      if (
        rgb[i] === ANNOUNCEMENT_RED[0] &&
        rgb[i + 1] === ANNOUNCEMENT_RED[1] &&
        rgb[i + 2] === ANNOUNCEMENT_RED[2]
      )
        red++;
    }
    return red / (rgb.length / 3);
  };

  beforeAll(async () => {
    fleet = await startFleet(data.path);
    env = { GATECAST_URL: fleet.url, GATECAST_DATA_DIR: data.path };
    adminToken = readToken(data.path);
    expect((await gatecast(['gates', 'add', GATE, '--name', 'Cat Bi'], env)).code).toBe(0);
    expect(
      (await gatecast(['gates', 'add-zone', GATE, 'arrivals-hall', '--name', 'Arrivals'], env)).code,
    ).toBe(0);
    for (const id of SCREENS) await enrolAndStart(id);
    approverToken = await secondPerson('approver.dfa', 'approver');
    await waitFor(
      'both screens online and playing',
      async () => {
        for (const id of SCREENS) if ((await reportedItem(id)) === null) return false;
        return true;
      },
      45_000,
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(screens.map((screen) => screen.agent.stop()));
    await fleet?.stop();
    data.remove();
    work.remove();
  });

  it('fired through the API, it shows on both screens, each confirms with a screenshot hash; cancelled, it leaves both', async () => {
    // A template: written by the admin, approved by another person, published.
    const template = await api(adminToken, 'POST', '/api/v1/announcement-templates', {
      name: 'typhoon-warning',
      title: { vi: 'Cảnh báo bão', en: 'Typhoon warning' },
      body: { vi: 'Bão đang đến gần Hải Phòng.', en: 'A typhoon is approaching Hai Phong.' },
    });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const base = `/api/v1/announcement-templates/${template.body.id}`;
    expect((await api(adminToken, 'POST', `${base}/submit`, {})).status).toBe(200);
    expect((await api(approverToken, 'POST', `${base}/approve`, { comment: 'checked' })).status).toBe(200);
    expect((await api(adminToken, 'POST', `${base}/publish`, {})).status).toBe(200);

    const fired = await api(adminToken, 'POST', '/api/v1/announcements/fire', {
      template: 'typhoon-warning',
      targets: { gates: [GATE] },
      durationSec: 900,
    });
    expect(fired.status, JSON.stringify(fired.body)).toBe(201);
    expect(fired.body).toMatchObject({ state: 'live', targeted: 2 });
    const id = fired.body.id as string;
    const entryId = `ann-${id}`;

    // Each player page carries the announcement layer, and each agent reports it on screen.
    for (const screen of screens) {
      await waitFor(
        `${screen.id} showing ${entryId}`,
        async () => (await reportedItem(screen.id)) === entryId,
        30_000,
      );
      const plan = await pagePlan(screen);
      expect(plan.zones.find((zone) => zone.layer === 'announcement')?.entryId).toBe(entryId);
      // What the screen shows is the announcement: most of the picture is its red background.
      expect(
        await waitFor(
          `${screen.id} red`,
          async () => ((await redShare(screen.id)) > 0.5 ? true : undefined),
          20_000,
        ),
      ).toBe(true);
    }

    // The receipts: both screens, each with the sha256 of the screenshot it took.
    const receipts = await waitFor(
      'a receipt from each screen',
      async () => {
        const answer = await api(adminToken, 'GET', `/api/v1/announcements/${id}/receipts`);
        return answer.body.shown === 2 ? answer.body : undefined;
      },
      30_000,
    );
    expect(receipts).toMatchObject({ targeted: 2, shown: 2, state: 'live' });
    for (const row of receipts.screens as Array<Record<string, unknown>>) {
      expect(SCREENS).toContain(row.deviceId);
      expect(row).toMatchObject({ shown: true, screenshotSha256: expect.stringMatching(/^[a-f0-9]{64}$/) });
      expect(row.secondsFromFire).toBeGreaterThanOrEqual(0);
    }
    // The CLI shows the same, and its --follow exits at once since every screen has shown it.
    const status = await gatecast(['announce', 'status', id, '--follow'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toContain('shown on 2 of 2 screens');
    expect(status.stdout).toContain(`${id} live: shown on 2 of 2 screens`);

    // Cancelled: off both screens.
    const cancelled = await gatecast(['announce', 'cancel', id], env);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    for (const screen of screens) {
      await waitFor(
        `${screen.id} back to its loop`,
        async () => {
          const item = await reportedItem(screen.id);
          return item !== null && item !== entryId;
        },
        30_000,
      );
      const plan = await pagePlan(screen);
      expect(plan.zones.some((zone) => zone.layer === 'announcement')).toBe(false);
    }
    // A restarted agent does not confirm it again: the receipt ledger is in its data dir.
    const ledger = JSON.parse(readFileSync(join(work.path, SCREENS[0]!, 'announcements-shown.json'), 'utf8'));
    expect(ledger).toEqual([entryId]);
  }, 180_000);

  it('expired, it leaves every screen by itself', async () => {
    // The template is published by the test above; this one lives for a few seconds only.
    const expiresAt = new Date(Date.now() + 15_000).toISOString();
    const fired = await api(adminToken, 'POST', '/api/v1/announcements/fire', {
      template: 'typhoon-warning',
      targets: { gates: [GATE] },
      expiresAt,
    });
    expect(fired.status, JSON.stringify(fired.body)).toBe(201);
    const entryId = `ann-${fired.body.id as string}`;
    for (const screen of screens) {
      await waitFor(
        `${screen.id} showing ${entryId}`,
        async () => (await reportedItem(screen.id)) === entryId,
        15_000,
      );
    }
    // Nobody cancels it: at its expiry each screen goes back to its loop.
    for (const screen of screens) {
      await waitFor(
        `${screen.id} back to its loop after the expiry`,
        async () => {
          const item = await reportedItem(screen.id);
          return item !== null && item !== entryId;
        },
        40_000,
      );
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
      const plan = await pagePlan(screen);
      expect(plan.zones.some((zone) => zone.layer === 'announcement')).toBe(false);
    }
    const listed = await api(adminToken, 'GET', `/api/v1/announcements/${fired.body.id as string}`);
    expect(listed.body).toMatchObject({ state: 'expired' });
  }, 90_000);
});
