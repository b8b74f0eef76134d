import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, startFleet, waitFor, type FleetProcess } from '../../e2e/test/support/processes.js';

/**
 * K1's parts: a real `gatecast serve` with a small event-loop probe preloaded, the project's screen
 * simulator worker (real MQTT.js links speaking protocol v1) as the screens, and /proc readings.
 */

/**
 * Preloaded into the fleet (`--import`), a small probe in its own process:
 * - event-loop delay: a 10 ms interval timer records how late it fires into a histogram, from the
 *   first SIGUSR2 on (the soak window; not since start, as the fleet's /metrics gauge is);
 * - on each SIGUSR2: the delay so far, then a full GC and the memory right after it (a short window
 *   cannot tell a leak from garbage not yet collected). The GC's own pause is not counted as delay.
 */
const PROBE = `
import { createHistogram } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const TICK_MS = 10;
const delay = createHistogram();
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  delay.record(Math.max(1, Math.round((now - last - TICK_MS) * 1e6)));
  last = now;
}, TICK_MS).unref();
let started = false;
process.on('SIGUSR2', () => {
  if (!started) delay.reset();
  started = true;
  const loop = 'p99-ms ' + delay.percentile(99) / 1e6 + ' max-ms ' + delay.max / 1e6 + ' count ' + delay.count;
  gc();
  const m = process.memoryUsage();
  last = performance.now();
  process.stderr.write('soak-probe ' + loop + ' rss ' + m.rss + ' heap ' + m.heapUsed + ' external ' + m.external + '\\n');
});
`;
const PROBE_URL = `data:text/javascript,${encodeURIComponent(PROBE)}`;

export interface ProbeWindow {
  /** Event-loop delay since the first call. */
  p99Ms: number;
  maxMs: number;
  samples: number;
  /** Memory right after a full GC. */
  rss: number;
  heap: number;
  /** Memory of C++ objects bound to JS (Buffers among them). */
  external: number;
}

export interface SoakFleet {
  fleet: FleetProcess;
  pid: number;
  token: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Reads the probe (the first call starts its delay window). */
  probeWindow(): Promise<ProbeWindow>;
}

export async function startSoakFleet(dataDir: string, env: Record<string, string>): Promise<SoakFleet> {
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--import=${PROBE_URL}`].join(' ').trim();
  const fleet = await startFleet(dataDir, {
    LOG_LEVEL: 'warn',
    GATECAST_DEMO_CONTENT: '0',
    NODE_OPTIONS: nodeOptions,
    ...env,
  });
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${fleet.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  const probeWindow = async (): Promise<ProbeWindow> => {
    const seen = fleet.stderr.length;
    process.kill(fleet.child.pid!, 'SIGUSR2');
    const line = await waitFor(
      'the probe answer',
      () =>
        /soak-probe p99-ms (\S+) max-ms (\S+) count (\d+) rss (\d+) heap (\d+) external (\d+)/.exec(
          fleet.stderr.slice(seen),
        ) ?? undefined,
    ).catch((error: Error) => {
      const state = fleet.running ? 'running' : `exited ${fleet.child.exitCode ?? fleet.child.signalCode}`;
      throw new Error(`${error.message}; the fleet is ${state}: ${fleet.stderr.slice(-3000)}`);
    });
    const [p99Ms, maxMs, samples, rss, heap, external] = line.slice(1).map(Number);
    return { p99Ms: p99Ms!, maxMs: maxMs!, samples: samples!, rss: rss!, heap: heap!, external: external! };
  };
  return { fleet, pid: fleet.child.pid!, token, api, probeWindow };
}

/** Resident memory of a process from /proc, in bytes: all of it, and its private (anonymous) part. */
export function residentOf(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
}

export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Least-squares slope of (ms, bytes) samples, in MB per hour. */
export function slopeMbPerHour(samples: ReadonlyArray<{ at: number; bytes: number }>): number {
  if (samples.length < 2) return Number.NaN;
  const n = samples.length;
  const meanX = samples.reduce((sum, s) => sum + s.at, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + s.bytes, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.at - meanX) * (s.bytes - meanY);
    den += (s.at - meanX) ** 2;
  }
  return ((num / den) * 3_600_000) / 2 ** 20;
}

/** Creates a gate with `zones` zones and `count` screens in it; returns their credentials. */
export async function enrolSoakScreens(
  soak: SoakFleet,
  gate: string,
  count: number,
  zones = 4,
): Promise<Array<{ id: string; secret: string }>> {
  const created = await soak.api('POST', '/api/v1/gates', { id: gate, name: `Soak gate ${gate}` });
  if (created.status !== 201) throw new Error(`gate: ${created.status} ${JSON.stringify(created.body)}`);
  for (let zone = 1; zone <= zones; zone++) {
    const added = await soak.api('POST', `/api/v1/gates/${gate}/zones`, {
      id: `zone-${zone}`,
      name: `Zone ${zone}`,
    });
    if (added.status !== 201) throw new Error(`zone: ${added.status}`);
  }
  const screens: Array<{ id: string; secret: string }> = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      const body = {
        id: `${gate}-s${String(index + 1).padStart(4, '0')}`,
        name: `Soak screen ${index + 1}`,
        gateId: gate,
        zoneId: `zone-${(index % zones) + 1}`,
      };
      const answer = await soak.api('POST', '/api/v1/devices', body);
      if (answer.status !== 201) throw new Error(`enrol ${body.id}: ${answer.status}`);
      screens[index] = { id: body.id, secret: answer.body.agentConfig.secret as string };
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return screens;
}

export interface SimStats {
  connected: number;
  telemetry: number;
  commands: number;
  desired: number;
  errors: number;
  reconnects: number;
}

/**
 * The screens: one worker of the project's simulator (scripts/sim/sim-worker.js), in its own
 * process so the load it makes does not run on the test's event loop. Bounded by `deadlineMs`.
 */
export class SoakScreens {
  private constructor(private readonly child: ChildProcess & { exited: Promise<unknown> }) {}

  static async start(options: {
    mqttUrl: string;
    screens: Array<{ id: string; secret: string }>;
    heartbeatSec: number;
    deadlineMs: number;
  }): Promise<SoakScreens> {
    const worker = join(ROOT, 'scripts/sim/sim-worker.js');
    const child = Object.assign(fork(worker, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), {
      exited: Promise.resolve() as Promise<unknown>,
    });
    child.exited = new Promise((done) => child.once('exit', done));
    const ready = new Promise<number>((resolveReady, reject) => {
      child.on('message', (message: { type: string; connected?: number; message?: string }) => {
        if (message.type === 'ready') resolveReady(message.connected ?? 0);
        if (message.type === 'error') reject(new Error(`simulator: ${message.message}`));
      });
      child.once('exit', (code) => reject(new Error(`simulator exited (${code}) before it was ready`)));
    });
    child.send({
      type: 'start',
      mqttUrl: options.mqttUrl,
      screens: options.screens,
      heartbeatSec: options.heartbeatSec,
      keepaliveSec: 30,
      reportReceipts: false,
      reportPackets: false,
      deadlineMs: options.deadlineMs,
    });
    await ready;
    return new SoakScreens(child);
  }

  stats(): Promise<SimStats> {
    return new Promise((resolveStats) => {
      const listener = (message: { type: string } & SimStats) => {
        if (message.type !== 'stats') return;
        this.child.off('message', listener);
        resolveStats(message);
      };
      this.child.on('message', listener);
      this.child.send({ type: 'stats' });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    if (this.child.connected) this.child.send({ type: 'stop' });
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.child.exited;
    clearTimeout(killer);
  }
}

/** Runs `tick` every `everyMs` until `untilMs` (epoch), one at a time; counts its outcomes. */
export async function paced(everyMs: number, untilMs: number, tick: () => Promise<void>): Promise<void> {
  while (Date.now() + everyMs <= untilMs) {
    const started = Date.now();
    await tick();
    await sleep(Math.max(0, everyMs - (Date.now() - started)));
  }
}
