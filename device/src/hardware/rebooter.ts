import type { Logger } from 'pino';
import { runTool } from './run-tool.js';

/** The edge that restarts the whole board. */
export interface Rebooter {
  reboot(): Promise<void>;
}

/** systemd does the orderly shutdown; the agent is stopped by it like any other service. */
export function createSystemdRebooter(log: Logger, systemctl = 'systemctl'): Rebooter {
  const rebootLog = log.child({ mod: 'rebooter' });
  return {
    async reboot() {
      rebootLog.warn('rebooting the device');
      await runTool(systemctl, ['reboot']);
    },
  };
}
