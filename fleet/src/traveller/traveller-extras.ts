import type { DeviceRecord } from '../devices/devices-repo.js';
import type { ScreenExtras } from '../desired/compose-desired.js';
import type { Gate } from '../gates/gates-repo.js';
import { TRAVELLER_PREFIX } from './traveller-routes.js';

/** The traveller page of a gate, as a phone reaches it from the fleet's public address. */
export function travellerUrl(publicBaseUrl: string, gateId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${TRAVELLER_PREFIX}/${encodeURIComponent(gateId)}`;
}

/**
 * Every screen's QR code links to its gate's traveller page. Nothing until the fleet knows its
 * public address (it listens on PORT=0 in tests): a screen shows no code rather than a wrong one.
 */
export function travellerExtras(
  publicBaseUrl: () => string | undefined,
): (device: DeviceRecord, gate: Gate, now: Date) => ScreenExtras {
  return (_device, gate) => {
    const base = publicBaseUrl();
    return base === undefined ? {} : { travellerUrl: travellerUrl(base, gate.id) };
  };
}
