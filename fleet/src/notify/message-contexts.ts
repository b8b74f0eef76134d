import { readFile } from 'node:fs/promises';
import type { BatchContext, OutgoingAlert } from './alert-digest.js';
import type { Channel } from './channel-model.js';

/** Where the words and pictures around an alert come from. */
export interface MessageContextSources {
  /** The fleet's public address; alerts link to `<publicUrl>/devices/<id>`. */
  publicUrl: () => string;
  gateTimeZone?: (gateId: string) => Promise<string | undefined>;
  /** For Telegram: the screen's latest screenshot goes with the alert. */
  screenshots?: { latest(deviceId: string): Promise<{ path: string } | null> };
}

/** Gathers what a formatter needs besides the alerts, so the formatters stay pure. */
export class MessageContexts {
  constructor(private readonly sources: MessageContextSources) {}

  async contextFor(alerts: readonly OutgoingAlert[], channel: Channel, now: Date): Promise<BatchContext> {
    const timeZones: Record<string, string> = {};
    for (const { transition } of alerts) {
      const zone = await this.sources.gateTimeZone?.(transition.gate.id);
      if (zone) timeZones[transition.gate.id] = zone;
    }
    // A picture goes with a single alert only: a digest names many screens.
    const single = alerts.length === 1 ? alerts[0] : undefined;
    const screenshot =
      channel.kind === 'telegram' && single ? await this.screenshotOf(single.transition.device.id) : null;
    return { publicUrl: this.sources.publicUrl(), timeZones, now, screenshot };
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
