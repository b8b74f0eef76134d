import { readFile } from 'node:fs/promises';
import type { AlertTransition } from '../alerts/alert-types.js';
import type { MessageContext } from './alert-message.js';
import type { Channel } from './channel-model.js';

/** Where the words and pictures around an alert come from. */
export interface MessageContextSources {
  /** The fleet's public address; alerts link to `<publicUrl>/devices/<id>`. */
  publicUrl: () => string;
  gateTimeZone?: (gateId: string) => string | undefined;
  /** For Telegram: the screen's latest screenshot goes with the alert. */
  screenshots?: { latest(deviceId: string): Promise<{ path: string } | null> };
}

/** Gathers what a formatter needs besides the transition, so the formatters stay pure. */
export class MessageContexts {
  constructor(private readonly sources: MessageContextSources) {}

  async contextFor(
    transition: AlertTransition,
    channel: Channel,
    deliveryId: string,
    now: Date,
  ): Promise<MessageContext> {
    const timeZone = this.sources.gateTimeZone?.(transition.gate.id);
    const screenshot = channel.kind === 'telegram' ? await this.screenshotOf(transition.device.id) : null;
    return {
      publicUrl: this.sources.publicUrl(),
      now,
      deliveryId,
      screenshot,
      ...(timeZone ? { timeZone } : {}),
    };
  }

  private async screenshotOf(deviceId: string): Promise<{ png: Buffer } | null> {
    try {
      const latest = await this.sources.screenshots?.latest(deviceId);
      return latest ? { png: await readFile(latest.path) } : null;
    } catch {
      // No picture is better than no alert.
      return null;
    }
  }
}
