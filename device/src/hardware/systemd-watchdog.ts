import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';

/**
 * systemd's notification protocol (sd_notify): READY=1 once started, WATCHDOG=1 at least once per
 * WatchdogSec, STOPPING=1 on the way out. Node cannot send on a unix datagram socket without a
 * native addon, so the messages go through the `systemd-notify` binary; systemd only accepts them
 * from a child process with `NotifyAccess=all` in the unit.
 */
export interface SystemdNotifier {
  notify(socket: string, assignments: readonly string[]): Promise<void>;
}

export interface SystemdWatchdog {
  /** Whether a service manager listens (NOTIFY_SOCKET set for this process). */
  readonly enabled: boolean;
  /** The feeding interval, or null without a watchdog (WATCHDOG_USEC unset). */
  readonly intervalMs: number | null;
  /** Says READY=1 (once). */
  ready(): void;
  /** Stops feeding and says STOPPING=1; waits for the messages already on their way. */
  stop(): Promise<void>;
}

export interface SystemdWatchdogOptions {
  log: Logger;
  /** null while the process does its job; otherwise why not, and the watchdog is not fed. */
  healthy: () => string | null;
  /** process.env by default. */
  env?: NodeJS.ProcessEnv;
  pid?: number;
  notifier?: SystemdNotifier;
}

export interface NotifySettings {
  socket: string;
  /** Half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises; null without a watchdog. */
  intervalMs: number | null;
}

/** What systemd passed in the environment; null when nobody listens, or the watchdog is meant for another PID. */
export function readNotifySettings(env: NodeJS.ProcessEnv, pid: number): NotifySettings | null {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return null;
  const usec = Number(env.WATCHDOG_USEC);
  const watchdogPid = env.WATCHDOG_PID === undefined ? pid : Number(env.WATCHDOG_PID);
  const watchdog = Number.isInteger(usec) && usec > 0 && watchdogPid === pid;
  return { socket, intervalMs: watchdog ? Math.max(1, Math.floor(usec / 2_000)) : null };
}

/**
 * `systemd-notify` without --no-block waits for systemd to have processed the message (a barrier),
 * so the message is still attributed to the service after the short-lived child is gone.
 */
export function systemdNotifyBinary(file = 'systemd-notify', timeoutMs = 10_000): SystemdNotifier {
  return {
    notify(socket, assignments) {
      const env = { ...process.env, NOTIFY_SOCKET: socket };
      return new Promise((resolve, reject) => {
        execFile(file, [...assignments], { env, timeout: timeoutMs }, (error, _stdout, stderr) => {
          if (!error) return resolve();
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
          const detail = missing ? 'is not installed' : stderr.trim().split('\n').pop() || error.message;
          reject(new Error(`${file} ${detail}`.slice(0, 300)));
        });
      });
    },
  };
}

const DISABLED: SystemdWatchdog = {
  enabled: false,
  intervalMs: null,
  ready: () => undefined,
  stop: async () => undefined,
};

/** Starts feeding the watchdog at once (harmless before READY=1); without NOTIFY_SOCKET, does nothing. */
export function startSystemdWatchdog(options: SystemdWatchdogOptions): SystemdWatchdog {
  const settings = readNotifySettings(options.env ?? process.env, options.pid ?? process.pid);
  if (!settings) return DISABLED;
  const log = options.log.child({ mod: 'systemd-watchdog' });
  const notifier = options.notifier ?? systemdNotifyBinary();
  let pending = Promise.resolve();
  let readySent = false;
  let lastProblem: string | null = null;
  let lastSendError: string | null = null;

  // One message at a time, in order: a slow barrier must not let a later STOPPING overtake READY.
  const send = (assignments: string[]): Promise<void> => {
    pending = pending.then(() =>
      notifier.notify(settings.socket, assignments).then(
        () => void (lastSendError = null),
        (error: Error) => {
          if (error.message !== lastSendError) log.warn({ err: error.message }, 'cannot notify systemd');
          lastSendError = error.message;
        },
      ),
    );
    return pending;
  };

  const feed = (): void => {
    const problem = options.healthy();
    if (problem === null) {
      if (lastProblem !== null) log.info('healthy again; feeding the watchdog');
      lastProblem = null;
      void send(['WATCHDOG=1']);
      return;
    }
    // Not fed: systemd restarts the agent after WatchdogSec, and `systemctl status` says why.
    if (problem !== lastProblem) log.error({ problem }, 'unhealthy; the systemd watchdog is not fed');
    lastProblem = problem;
    void send([`STATUS=${problem.slice(0, 200)}`]);
  };

  // The timer fires only while the event loop turns: a blocked loop starves the watchdog by itself.
  const timer = settings.intervalMs === null ? null : setInterval(feed, settings.intervalMs);
  timer?.unref();
  log.info({ socket: settings.socket, intervalMs: settings.intervalMs }, 'systemd notification on');
  return {
    enabled: true,
    intervalMs: settings.intervalMs,
    ready() {
      if (readySent) return;
      readySent = true;
      void send(['READY=1', 'STATUS=running']);
    },
    async stop() {
      if (timer) clearInterval(timer);
      await send(['STOPPING=1']);
    },
  };
}

export interface StallMonitor {
  /** Times one run of the work; resolves or rejects as the work does. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Why the work counts as wedged (a run older than the limit), or null. */
  problem(): string | null;
}

/**
 * A loop that turns is not enough: the work it exists for must also finish. Applying a desired
 * document takes milliseconds; one still running after `limitMs` means the agent is wedged, and
 * a restart by the watchdog brings the saved document back on screen.
 */
export function createStallMonitor(
  what: string,
  limitMs: number,
  monotonicMs: () => number = () => performance.now(),
): StallMonitor {
  const running = new Map<number, number>();
  let next = 0;
  return {
    track(work) {
      const id = next++;
      running.set(id, monotonicMs());
      return work.finally(() => running.delete(id));
    },
    problem() {
      const oldest = Math.min(...running.values());
      const ageMs = monotonicMs() - oldest;
      return Number.isFinite(ageMs) && ageMs > limitMs
        ? `${what} has been running for ${Math.round(ageMs / 1000)} s`
        : null;
    },
  };
}
