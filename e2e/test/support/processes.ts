import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = resolve(import.meta.dirname, '../../..');
const FLEET_CLI = join(ROOT, 'fleet/dist/cli/main.js');
const AGENT = join(ROOT, 'device/dist/main.js');

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `gatecast-${prefix}-`));
  // A killed agent's Chromium may still write its profile for a moment: retried, not failed.
  return {
    path,
    remove: () => rmSync(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }),
  };
}

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
  );
}

/** Collects a child's output so tests can wait for lines and show it when they fail. */
export class RunningProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface FleetProcess extends RunningProcess {
  httpPort: number;
  mqttPort: number;
  url: string;
}

/** Starts `gatecast serve` as its own process; ports default to ephemeral ones, read from its banner. */
export async function startFleet(dataDir: string, env: Record<string, string> = {}): Promise<FleetProcess> {
  const child = spawn(process.execPath, [FLEET_CLI, 'serve'], {
    env: {
      ...process.env,
      GATECAST_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      MQTT_PORT: '0',
      MQTT_HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = new RunningProcess(child);
  const banner = await waitFor('the fleet banner', () => {
    if (!proc.running) throw new Error(`fleet exited: ${proc.stderr}`);
    return /running: http:\/\/[^:]+:(\d+) mqtt :(\d+)/.exec(proc.stderr) ?? undefined;
  });
  const httpPort = Number(banner[1]);
  return Object.assign(proc, { httpPort, mqttPort: Number(banner[2]), url: `http://127.0.0.1:${httpPort}` });
}

export function startAgent(configFile: string): RunningProcess {
  const child = spawn(process.execPath, [AGENT, '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new RunningProcess(child);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `gatecast` CLI binary, as an operator would. */
export async function gatecast(args: string[], env: Record<string, string>): Promise<CliResult> {
  const proc = new RunningProcess(
    spawn(process.execPath, [FLEET_CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

export function readToken(dataDir: string): string {
  return readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
}
