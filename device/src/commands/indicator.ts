import type { Logger } from 'pino';

/** The edge that makes a screen findable by a technician standing in the hall. */
export interface Indicator {
  identify(durationSec: number, until: Date): Promise<void>;
}

/** Until the player can flash the screen, identify shows up in the journal at warn. */
export function createLoggingIndicator(log: Logger): Indicator {
  const indicatorLog = log.child({ mod: 'indicator' });
  return {
    async identify(durationSec, until) {
      indicatorLog.warn({ durationSec, until: until.toISOString() }, 'identify: this is the screen');
    },
  };
}
