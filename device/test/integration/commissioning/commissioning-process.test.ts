import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProvisionFileInput } from '@gatecast/protocol';
import type { CommissioningView } from '../../../src/commissioning/commissioning-view.js';
import { findChromium } from '../../../src/player/chromium/find-chromium.js';
import { AGENT_BIN, killAll, type AgentProcess } from '../helpers/agent-process.js';
import { FleetClient, type SeenMessage } from '../helpers/fleet-client.js';
import { DEVICE_ID, SECRET, agentConfig, eventually, tempDir } from '../helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { chromiumMissing } from '../player/player-harness.js';
import { startEnrolmentFleet, type EnrolmentFleet } from './enrolment-fleet.js';

const TOKEN = 'gce_cat-bi-airport-0123456789abcdef';
const online = (m: SeenMessage) =>
  m.deviceId === DEVICE_ID && m.kind === 'status' && m.payload.state === 'online';

/** The agent process with its environment: the commissioning screen takes its settings from there. */
function spawnWithEnv(args: string[], env: NodeJS.ProcessEnv): AgentProcess {
  const child = spawn(process.execPath, [AGENT_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GATECAST_COMMISSIONING_RECHECK_MS: '300', ...env },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

function logLines(agent: AgentProcess): Array<Record<string, unknown>> {
  return agent
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function pageUrl(agent: AgentProcess): Promise<string> {
  let url = '';
  await eventually(() => {
    const line = logLines(agent).find((entry) => entry.msg === 'commissioning screen');
    expect(line, agent.stderr()).toBeDefined();
    url = line!.url as string;
  }, 20_000);
  return url;
}

/** Polls an async probe until it gives a value; the agent's stderr explains a timeout. */
async function until<T>(probe: () => Promise<T | null>, agent: AgentProcess, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out; agent stderr: ${agent.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function viewOf(url: string): Promise<CommissioningView> {
  return (await (await fetch(`${url}state.json`)).json()) as CommissioningView;
}

describe('the agent process in commissioning', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let boot: string;
  let configFile: string;
  let broker: TestBroker;
  let fleet: FleetClient;
  const processes: AgentProcess[] = [];

  beforeEach(async () => {
    dir = await tempDir('commissioning');
    boot = join(dir.path, 'boot');
    configFile = join(dir.path, 'data', 'agent.json');
    await mkdir(join(boot, 'gatecast'), { recursive: true });
    await mkdir(join(dir.path, 'host', 'etc'), { recursive: true });
    await writeFile(join(dir.path, 'host', 'etc', 'machine-id'), 'b3c1d2e4f5a6478899aabbccddeeff00\n');
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
  });

  afterEach(async () => {
    await killAll(processes);
    await fleet.close();
    await broker.stop();
    await dir.remove();
  });

  function run(args: string[], env: NodeJS.ProcessEnv): AgentProcess {
    const agent = spawnWithEnv(['--config', configFile, '--boot-dir', boot, ...args], {
      GATECAST_HOST_ROOT: join(dir.path, 'host'),
      ...env,
    });
    processes.push(agent);
    return agent;
  }

  it('with a missing config and --commissioning keeps running, shows why, and starts once the config is valid', async () => {
    const agent = run(['--commissioning'], { GATECAST_PLAYER_MODE: 'none' });
    const url = await pageUrl(agent);
    const view = await viewOf(url);
    expect(view).toMatchObject({ mode: 'config-error', serial: 'b3c1d2e4f5a6478899aabbccddeeff00' });
    expect(view.configError).toBe(`${configFile}: cannot read: no such file`);
    expect(agent.child.exitCode).toBeNull();

    await mkdir(join(dir.path, 'data'), { recursive: true });
    await writeFile(configFile, JSON.stringify(agentConfig(broker.url, join(dir.path, 'data'))), {
      mode: 0o600,
    });
    await fleet.waitFor(online, 20_000, 'online once the config is valid');
    expect(logLines(agent).some((entry) => entry.msg === 'config is valid; leaving commissioning')).toBe(
      true,
    );
  });

  it('zero-touch: shows the pairing code, and once approved connects with its own secret', async () => {
    const enrolment: EnrolmentFleet = await startEnrolmentFleet([TOKEN]);
    try {
      await writeFile(
        join(boot, 'gatecast', 'provision.json'),
        JSON.stringify({
          format: 1,
          fleetUrl: enrolment.url,
          enrolmentToken: TOKEN,
          gateId: 'cat-bi-airport',
        } satisfies ProvisionFileInput),
      );
      // No Chromium on PATH: the approved agent's player reports itself unavailable instead of opening windows.
      const agent = run([], { GATECAST_PLAYER_MODE: 'none', PATH: '' });
      const url = await pageUrl(agent);
      const code = await until(async () => {
        const view = await viewOf(url);
        return view.enrolment?.status === 'waiting' ? view.enrolment.pairingCode : null;
      }, agent);
      expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
      const html = await (await fetch(url)).text();
      expect(html).toContain(`id="pairing-code">${code}<`);
      expect(html).toContain(encodeURIComponent(`${enrolment.url}/enrol?code=${code}`));
      expect(enrolment.requests[0]?.body.serial).toBe('b3c1d2e4f5a6478899aabbccddeeff00');

      enrolment.approve(code, {
        id: DEVICE_ID,
        secret: SECRET,
        mqttUrl: broker.url,
        name: 'Arrivals hall 1',
        gateId: 'cat-bi-airport',
        zoneId: null,
        releasePublicKeys: [],
      });
      await fleet.waitFor(online, 30_000, 'online with the approved secret');
      expect(logLines(agent).some((entry) => entry.msg === 'enrolment approved')).toBe(true);
      expect(agent.stdout()).not.toContain(SECRET);
    } finally {
      await enrolment.close();
    }
  });

  describe.skipIf(chromiumMissing() !== null)('on a real Chromium', () => {
    it('a malformed provision file: the kiosk Chromium shows the error instead of a crash loop', async () => {
      await writeFile(
        join(boot, 'gatecast', 'provision.json'),
        JSON.stringify({
          format: 1,
          fleetUrl: 'https://fleet.example.vn',
          device: { id: DEVICE_ID, secret: SECRET },
        }),
      );
      const agent = run([], {
        GATECAST_CHROMIUM_PATH: findChromium(undefined),
        GATECAST_PLAYER_HEADLESS: '1',
      });
      const url = await pageUrl(agent);
      await eventually(() => {
        expect(logLines(agent).some((entry) => entry.msg === 'commissioning screen shown')).toBe(true);
      }, 30_000);
      expect(agent.child.exitCode).toBeNull();

      const browser = await puppeteer.launch({
        executablePath: findChromium(undefined),
        headless: true,
        args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
      });
      try {
        const page = await browser.newPage();
        await page.goto(url, { waitUntil: 'load' });
        const text = (await page.evaluate('document.body.innerText')) as string;
        expect(text).toContain('The configuration is invalid');
        expect(text).toContain('Cấu hình không hợp lệ');
        expect(text).toContain('mqttUrl: mqttUrl is needed with device credentials');
        expect(text).toContain('gatecast provision');
        expect(text).not.toContain(SECRET);
      } finally {
        await browser.close();
      }
      expect(agent.child.exitCode).toBeNull();
    });
  });
});
