// The multi-process screen simulator: splits the screens over worker processes (each at most
// 10k MQTT.js connections), starts them, relays their receipts, and stops them all. Used by
// `npm run sim` (sim.js) and by the benchmarks (bench-announce.js).
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { assertLoopbackUrl } from './loopback.js';

const WORKER = join(import.meta.dirname, 'sim-worker.js');
export const MAX_SCREENS_PER_WORKER = 10_000;
export const MAX_SCREENS = 50_000;

/**
 * `screens`: [{ id, secret }]. Emits 'progress' while connecting, 'receipt' ({ deviceId, entryId, at }) when `reportReceipts`
 * is set, 'packet' ({ deviceId, cmd, at }: every outgoing MQTT packet, sent as it is written) when
 * `reportPackets` is set, 'error' (message) when a worker fails. `start()` resolves once every
 * screen has tried its first connect; `stop()` says goodbye on every link and waits for the workers
 * to exit.
 */
export class Simulator extends EventEmitter {
  constructor({
    mqttUrl,
    screens,
    workers,
    heartbeatSec = 30,
    keepaliveSec = 30,
    reportReceipts = false,
    reportPackets = false,
    deadlineMs,
  }) {
    super();
    assertLoopbackUrl(mqttUrl);
    if (screens.length < 1 || screens.length > MAX_SCREENS) {
      throw new Error(`--screens must be between 1 and ${MAX_SCREENS}`);
    }
    const needed = Math.ceil(screens.length / MAX_SCREENS_PER_WORKER);
    this.workerCount = Math.min(screens.length, Math.max(needed, workers ?? needed));
    this.options = { mqttUrl, heartbeatSec, keepaliveSec, reportReceipts, reportPackets, deadlineMs };
    this.screens = screens;
    this.children = [];
    this.progress = new Map();
  }

  /** Emits 'progress' ({ tried, connected, total }) summed over the workers while they connect. */
  onProgress(child, message) {
    this.progress.set(child.pid, message);
    let tried = 0;
    let connected = 0;
    for (const one of this.progress.values()) {
      tried += one.tried;
      connected += one.connected;
    }
    this.emit('progress', { tried, connected, total: this.screens.length });
  }

  async start() {
    const per = Math.ceil(this.screens.length / this.workerCount);
    const ready = [];
    for (let index = 0; index < this.workerCount; index++) {
      const slice = this.screens.slice(index * per, (index + 1) * per);
      if (slice.length === 0) continue;
      const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.exited = new Promise((resolveExit) => child.once('exit', resolveExit));
      this.children.push(child);
      ready.push(
        new Promise((resolveReady, reject) => {
          child.on('message', (message) => {
            if (message.type === 'ready') resolveReady(message.connected);
            else if (message.type === 'packet') this.emit('packet', message);
            else if (message.type === 'receipt') this.emit('receipt', message);
            else if (message.type === 'progress') this.onProgress(child, message);
            else if (message.type === 'error') {
              this.emit('worker-error', message.message);
              reject(new Error(`simulator worker: ${message.message}`));
            }
          });
          child.once('exit', (code) =>
            reject(new Error(`simulator worker exited (${code}) before it was ready`)),
          );
        }),
      );
      child.send({ type: 'start', ...this.options, screens: slice });
    }
    const connected = await Promise.all(ready);
    return connected.reduce((sum, count) => sum + count, 0);
  }

  /** The worker processes' ids (B4 freezes them with SIGSTOP to leave their links half-open). */
  get pids() {
    return this.children.map((child) => child.pid);
  }

  /** Asks every worker one question and collects the answers of type `type`. */
  ask(type, extra = {}) {
    const answers = this.children
      .filter((child) => child.connected)
      .map(
        (child) =>
          new Promise((resolveAnswer) => {
            const listener = (message) => {
              if (message.type !== type) return;
              child.off('message', listener);
              resolveAnswer(message);
            };
            child.on('message', listener);
            child.send({ type, ...extra });
          }),
      );
    return Promise.all(answers);
  }

  /**
   * Sums the workers' counters (connected, desired, receipts, telemetry, commands, errors,
   * reconnects) and `sent`, the messages sent per protocol kind.
   */
  async stats() {
    const sum = { sent: {} };
    for (const stats of await this.ask('stats')) {
      for (const [key, value] of Object.entries(stats))
        if (typeof value === 'number') sum[key] = (sum[key] ?? 0) + value;
      for (const [kind, count] of Object.entries(stats.sent ?? {}))
        sum.sent[kind] = (sum.sent[kind] ?? 0) + count;
    }
    return sum;
  }

  /**
   * When each screen got back in sync at or after `since` (epoch ms; connected, resubscribed and
   * given its retained desired document): { times: [ms…], notSynced, reconnects }.
   */
  async sync(since) {
    const all = { times: [], notSynced: 0, reconnects: 0 };
    for (const answer of await this.ask('sync', { since })) {
      for (const time of answer.times) all.times.push(time);
      all.notSynced += answer.notSynced;
      all.reconnects += answer.reconnects;
    }
    return all;
  }

  async stop() {
    for (const child of this.children) if (child.connected) child.send({ type: 'stop' });
    const killer = setTimeout(() => {
      for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
    }, 15_000);
    await Promise.all(this.children.map((child) => (child.exitCode === null ? child.exited : undefined)));
    clearTimeout(killer);
    this.children = [];
  }
}
