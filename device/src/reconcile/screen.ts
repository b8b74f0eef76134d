import type { Logger } from 'pino';
import type { DesiredDocument } from '@gatecast/protocol';

/** The display edge the reconciler drives; the Chromium player will implement it. */
export interface Screen {
  /** Shows the document's content; resolves once it is on its way to the screen. */
  show(desired: DesiredDocument): Promise<void>;
}

/** Until the player exists the agent only says what it would show. */
export function createLoggingScreen(log: Logger): Screen {
  const screenLog = log.child({ mod: 'screen' });
  return {
    async show(desired) {
      const item = desired.content.defaultItem;
      screenLog.info({ version: desired.version, itemId: item.id, kind: item.kind }, 'would show item');
    },
  };
}
