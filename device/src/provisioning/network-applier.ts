import type { Logger } from 'pino';
import { runTool } from '../hardware/run-tool.js';

/** Tells the network stack that the Wi-Fi keyfile changed; a fake in tests. */
export interface NetworkApplier {
  reload(): Promise<void>;
}

/**
 * `nmcli connection reload`. On the SD image a root-side unit installs the keyfile and reloads
 * NetworkManager too (the agent is not root), so a failure here is logged, never fatal.
 */
export function nmcliApplier(log: Logger): NetworkApplier {
  return {
    async reload() {
      await runTool('nmcli', ['connection', 'reload']).catch((error: unknown) =>
        log.warn(
          { err: (error as Error).message },
          'could not ask NetworkManager to reload the Wi-Fi settings',
        ),
      );
    },
  };
}
