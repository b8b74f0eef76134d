import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServiceExit {
  start: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The start ran with the fault-injection environment. */
  faulted: boolean;
}

export interface FakeSystemdOptions {
  /** `<root>/launcher.mjs`. */
  launcher: string;
  configFile: string;
  /** The service's environment on every start. */
  env?: Record<string, string>;
  /**
   * Added to the environment until a start ends by SIGKILL (the injected power cut), then dropped:
   * the following starts run as after a real power cut, without it.
   */
  faultEnv?: Record<string, string>;
  /** Systemd's RestartSec. */
  restartMs?: number;
  /** Systemd's start limit: past this many starts the unit is left failed. */
  startLimit?: number;
  /** Runs after a start ended and before the next one: the disk as the cut left it. */
  onExit?: (exit: ServiceExit) => Promise<void> | void;
}

const OUTPUT_KEEP = 400_000;

/**
 * A stand-in for the agent's systemd unit: runs `node <root>/launcher.mjs --config FILE` and starts
 * it again whenever it ends (Restart=always), killing whatever the run left behind in its process
 * group first (KillMode=control-group). Records how every start ended.
 */
export class FakeSystemd {
  readonly exits: ServiceExit[] = [];
  starts = 0;
  faultFired = false;
  output = '';
  private child: ChildProcess | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: FakeSystemdOptions) {}

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last few KB of every start's output, for a failing test's message. */
  tail(chars = 6_000): string {
    return this.output.slice(-chars);
  }

  /** Ends the service and every process it started; no restart follows. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    const { restartMs = 300, startLimit = 30 } = this.options;
    while (!this.stopping) {
      if (this.starts >= startLimit) {
        this.output += `\n[fake-systemd] start limit ${startLimit} reached; unit failed\n`;
        return;
      }
      const exit = await this.runOnce();
      this.exits.push(exit);
      if (exit.faulted && exit.signal === 'SIGKILL') this.faultFired = true;
      await this.options.onExit?.(exit);
      if (!this.stopping) await sleep(restartMs);
    }
  }

  private async runOnce(): Promise<ServiceExit> {
    this.starts += 1;
    const start = this.starts;
    const faulted = this.options.faultEnv !== undefined && !this.faultFired;
    const child = spawn(process.execPath, [this.options.launcher, '--config', this.options.configFile], {
      env: { ...process.env, ...this.options.env, ...(faulted ? this.options.faultEnv : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a stop or a restart can end the player it started too.
      detached: true,
    });
    this.child = child;
    const collect = (chunk: string) => {
      this.output = (this.output + chunk).slice(-OUTPUT_KEEP);
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    this.output += `\n[fake-systemd] start ${start}${faulted ? ' (fault injection on)' : ''}\n`;
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.once('error', () => done({ code: null, signal: null }));
      child.once('exit', (code, signal) => done({ code, signal }));
    });
    if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    this.output += `[fake-systemd] start ${start} ended: code ${ended.code} signal ${ended.signal}\n`;
    return { start, ...ended, faulted };
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}
