// Shared parts of the agent benchmarks (B7 bench-agent.js, B9 bench-switch.js, B10 bench-kiosk.js):
// a real broker from fleet/dist, agent configs and processes, /proc sampling, medians.
// Loopback only; every child is killed and every temp dir removed by `cleanup()`.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const root = resolve(import.meta.dirname, '..');
export const SECRET = 'bench-secret-0123456789-abcdefghijkl';
const CLK_TCK = 100;
const PAGE_KB = 4;

export async function importBuilt(relative) {
  const file = join(root, relative);
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npx tsc -b" first`);
  return import(pathToFileURL(file).href);
}

const cleanups = [];
export function onCleanup(action) {
  cleanups.push(action);
}
/** Runs every cleanup in reverse order, even when one fails. */
export async function cleanup() {
  for (const action of cleanups.splice(0).reverse())
    await Promise.resolve()
      .then(action)
      .catch(() => {});
}

export async function tempDir(name) {
  const dir = await mkdtemp(join(tmpdir(), `gatecast-bench-${name}-`));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A real gatecast broker (fleet/dist) that admits the bench devices, with every device message
 * as an event: 'reported' (payload), 'connected' (deviceId).
 */
export async function startBroker() {
  const { createBroker } = await importBuilt('fleet/dist/broker/broker.js');
  const { pino } = await import('pino');
  const events = new EventEmitter();
  const broker = createBroker({
    log: pino({ level: 'silent' }),
    authenticator: { authenticate: (_id, secret) => secret.toString('utf8') === SECRET },
    handlers: {
      onDeviceMessage: (message) => events.emit(message.kind, message.payload, message.deviceId),
      onDeviceConnected: (deviceId) => events.emit('connected', deviceId),
      onDeviceDisconnected: () => undefined,
    },
    tcp: { host: '127.0.0.1', port: 0 },
  });
  const { mqttPort } = await broker.start();
  onCleanup(() => broker.stop());
  return { broker, events, url: `mqtt://127.0.0.1:${mqttPort}` };
}

/** Resolves with the first event `name` whose payload passes `check`, or rejects after `ms`. */
export function waitForEvent(events, name, check, ms) {
  return new Promise((resolveEvent, reject) => {
    const timer = setTimeout(() => {
      events.off(name, listener);
      reject(new Error(`no ${name} within ${ms} ms`));
    }, ms);
    const listener = (...args) => {
      if (!check(...args)) return;
      clearTimeout(timer);
      events.off(name, listener);
      resolveEvent(args[0]);
    };
    events.on(name, listener);
  });
}

export function agentConfigFile(dir, { deviceId, mqttUrl, player, healthIntervalSec = 60 }) {
  const config = {
    deviceId,
    secret: SECRET,
    mqtt: { url: mqttUrl },
    dataDir: join(dir, 'state'),
    healthIntervalSec,
    logLevel: 'warn',
    player: player ?? { mode: 'none' },
  };
  const file = join(dir, 'agent.json');
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

/** A child process that is killed (SIGTERM, then SIGKILL) at cleanup if still running. */
export function spawnChild(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  child.stdout?.resume();
  child.exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.stderrTail = () => stderr;
  onCleanup(() => stopChild(child));
  return child;
}

export async function stopChild(child, ms = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([child.exited.then(() => true), sleep(ms).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await child.exited;
  }
}

/**
 * The agent as the SD image's systemd unit starts it: its launcher, with the V8 flags of its
 * shebang. `{ launcher: false }` runs dist/main.js on plain Node, to measure what the flags change.
 */
export function spawnAgent(configFile, { launcher = true } = {}) {
  const args = ['--config', configFile];
  if (launcher) return spawnChild(join(root, 'device/bin/gatecast-agent.js'), args, { cwd: root });
  return spawnChild(process.execPath, [join(root, 'device/dist/main.js'), ...args], { cwd: root });
}

// ---------- /proc ----------

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
      rssKb: Number(fields[21]) * PAGE_KB,
    };
  } catch {
    return null;
  }
}

/** Proportional set size (shared pages split among their users), so a process tree sums correctly. */
function readPssKb(pid) {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** `pid` and all its descendants alive now. */
export function processTree(pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (!stat) continue;
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(Number(name));
  }
  const tree = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift();
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** CPU ticks, RSS and PSS of one process, or of its whole tree. */
export function sample(pid, { tree = false } = {}) {
  const pids = tree ? processTree(pid) : [pid];
  let ticks = 0;
  let rssKb = 0;
  let pssKb = 0;
  for (const one of pids) {
    const stat = readStat(one);
    if (!stat) continue;
    ticks += stat.ticks;
    rssKb += stat.rssKb;
    pssKb += readPssKb(one);
  }
  return { ticks, rssKb, pssKb, processes: pids.length };
}

/**
 * Watches a process (tree) for `seconds`: CPU % of one core over the window and the largest
 * RSS/PSS seen (sampled every 500 ms). A tree loses the ticks of children that exit meanwhile.
 */
export async function measure(pid, seconds, options = {}) {
  const first = sample(pid, options);
  const started = performance.now();
  let peak = first;
  let last = first;
  while (performance.now() - started < seconds * 1000) {
    await sleep(500);
    last = sample(pid, options);
    if (last.rssKb > peak.rssKb) peak = { ...peak, rssKb: last.rssKb };
    if (last.pssKb > peak.pssKb) peak = { ...peak, pssKb: last.pssKb };
  }
  const elapsed = (performance.now() - started) / 1000;
  return {
    cpuPercent: ((last.ticks - first.ticks) / CLK_TCK / elapsed) * 100,
    rssMb: peak.rssKb / 1024,
    pssMb: peak.pssKb / 1024,
    processes: last.processes,
  };
}

/** Peak RSS (every 100 ms) and CPU seconds of one process while something runs. */
export function watchPeak(pid) {
  const first = sample(pid);
  let peakKb = first.rssKb;
  const timer = setInterval(() => (peakKb = Math.max(peakKb, sample(pid).rssKb)), 100);
  return {
    stop() {
      clearInterval(timer);
      const last = sample(pid);
      return { rssMb: Math.max(peakKb, last.rssKb) / 1024, cpuSec: (last.ticks - first.ticks) / 100 };
    },
  };
}

/** Waits for words on a child's stdout: `await lines(child).next('ready', 'failed')`. */
export function lines(child) {
  let buffer = '';
  const waiting = [];
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    for (const waiter of [...waiting]) {
      const found = waiter.words.find((word) => buffer.includes(word));
      if (found) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  });
  return {
    next: (...words) =>
      new Promise((resolveLine, reject) => {
        const found = words.find((word) => buffer.includes(word));
        if (found) return resolveLine(found);
        waiting.push({ words, resolve: resolveLine });
        child.exited.then(() => reject(new Error(`child exited: ${child.stderrTail()}`)));
      }),
  };
}

// ---------- statistics and output ----------

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function fixed(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** The 1, 5 and 15 minute load averages as `a / b / c`: the runs say how busy the machine was. */
export function loadAverage() {
  return loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');
}

export function printMachine(extra = '') {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}${extra}`,
  );
}

export function argValue(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1] : fallback;
}

/** Runs `main` with a hard time limit and cleanup on every exit path (Ctrl-C too). */
export async function runBounded(main, limitMs) {
  const timer = setTimeout(() => {
    console.error(`benchmark exceeded ${limitMs / 60_000} min; stopping`);
    void cleanup().finally(() => process.exit(1));
  }, limitMs);
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    await main();
  } catch (error) {
    console.error(`benchmark failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    await cleanup();
  }
}
