import type { Logger } from 'pino';
import {
  readNotifySettings,
  systemdNotifyBinary,
  type SystemdNotifier,
} from '../hardware/systemd-watchdog.js';

/**
 * Under systemd (Type=notify, WatchdogSec) the commissioning screen is the service doing its job:
 * it says READY=1 and feeds the watchdog, or systemd would restart it in a loop. On hand-over it
 * only stops feeding (no STOPPING=1): the agent in the same process takes the watchdog over.
 */
export function keepSystemdInformed(
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
  notifier: SystemdNotifier = systemdNotifyBinary(),
): { stop(): void } {
  const settings = readNotifySettings(env, process.pid);
  if (!settings) return { stop: () => undefined };
  const send = (assignments: string[]): void =>
    void notifier
      .notify(settings.socket, assignments)
      .catch((error: Error) => log.warn({ err: error.message }, 'cannot notify systemd'));
  send(['READY=1', 'STATUS=commissioning']);
  const timer =
    settings.intervalMs === null ? null : setInterval(() => send(['WATCHDOG=1']), settings.intervalMs);
  timer?.unref();
  return { stop: () => (timer ? clearInterval(timer) : undefined) };
}
