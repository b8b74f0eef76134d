import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../../device/test/integration/player/png-pixels.js';
import { CHROMIUM_PATH, chromiumOrSkip } from '../support/browser.js';
import {
  gatecast,
  startAgent,
  startFleet,
  tempDir,
  waitFor,
  type FleetProcess,
  type RunningProcess,
} from '../support/processes.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// The whole screenshot path with the real binaries: CLI → fleet → MQTT → agent + headless
// Chromium → HTTP upload with the device's own credentials → fleet → CLI writes the file.
describe.skipIf(!chromiumOrSkip())('screenshots and player commands through the CLI', () => {
  const data = tempDir('e2e-shot-fleet');
  const screens = tempDir('e2e-shot-screen');
  let fleet: FleetProcess;
  let env: Record<string, string>;
  const agents: RunningProcess[] = [];

  async function enrolAndStart(id: string, player: Record<string, unknown>): Promise<void> {
    const added = await gatecast(
      [
        'devices',
        'add',
        '--gate',
        'cat-bi-airport',
        '--zone',
        'arrivals-hall',
        '--name',
        id,
        '--id',
        id,
        '--json',
      ],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const { agentConfig } = JSON.parse(added.stdout) as { agentConfig: { fleetUrl?: string } };
    expect(agentConfig.fleetUrl).toBe(fleet.url);
    const configFile = join(screens.path, `${id}.json`);
    writeFileSync(configFile, JSON.stringify({ ...agentConfig, dataDir: join(screens.path, id), player }));
    agents.push(startAgent(configFile));
    await waitFor(`${id} online`, async () => {
      const listed = await gatecast(['devices', 'list', '--json'], env);
      const devices = JSON.parse(listed.stdout) as Array<{ id: string; presence: { state: string } }>;
      return devices.some((device) => device.id === id && device.presence.state === 'online');
    });
  }

  beforeAll(async () => {
    fleet = await startFleet(data.path);
    env = { GATECAST_URL: fleet.url, GATECAST_DATA_DIR: data.path };
    expect((await gatecast(['gates', 'add', 'cat-bi-airport', '--name', 'Cat Bi'], env)).code).toBe(0);
    const zone = await gatecast(
      ['gates', 'add-zone', 'cat-bi-airport', 'arrivals-hall', '--name', 'Arrivals'],
      env,
    );
    expect(zone.code, zone.stderr).toBe(0);
    const player = { headless: true, windowWidth: 640, windowHeight: 360, chromiumPath: CHROMIUM_PATH };
    await enrolAndStart('cat-bi-belt-01', player);
    await enrolAndStart('cat-bi-belt-02', { mode: 'none' });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await fleet?.stop();
    data.remove();
    screens.remove();
  });

  it('writes a PNG of the player page with `devices screenshot --out`', async () => {
    const file = join(screens.path, 'belt-01.png');
    // The browser may still be starting; a screenshot is retried until the page shows something.
    const result = await waitFor(
      'a screenshot of the player page',
      async () => {
        const shot = await gatecast(
          ['devices', 'screenshot', 'cat-bi-belt-01', '--out', file, '--json'],
          env,
        );
        if (shot.code !== 0) return undefined;
        const { rgb } = decodePng(readFileSync(file));
        const colours = new Set<number>();
        for (let i = 0; i + 2 < rgb.length; i += 3)
          colours.add((rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!);
        return colours.size > 1 ? shot : undefined;
      },
      45_000,
    );
    const png = readFileSync(file);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(decodePng(png)).toMatchObject({ width: 640, height: 360 });
    const printed = JSON.parse(result.stdout) as {
      screenshotId: string;
      bytes: number;
      takenAt: string;
      file: string;
    };
    expect(printed).toMatchObject({ bytes: png.length, file });
    expect(printed.screenshotId).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/);
  }, 60_000);

  it('reloads the page and restarts the browser on request', async () => {
    for (const name of ['reload', 'restart-browser']) {
      const result = await gatecast(['devices', name, 'cat-bi-belt-01', '--json'], env);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, name });
    }
  });

  it('answers PLAYER_UNAVAILABLE for a screenshot of a screen without a player', async () => {
    const result = await gatecast(['devices', 'screenshot', 'cat-bi-belt-02'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^gatecast: PLAYER_UNAVAILABLE: /);
  });
});
