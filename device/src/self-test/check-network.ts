import type { NetworkSources } from '../health/network-reading.js';
import { readNetwork } from '../health/network-reading.js';
import type { CheckOutcome } from './probes.js';

/** Below this a Wi-Fi link drops media downloads now and then. */
export const WEAK_WIFI_DBM = -75;

/** The interface carrying the default route, its address and, on Wi-Fi, the signal. */
export async function checkNetwork(sources: NetworkSources): Promise<CheckOutcome> {
  const network = await readNetwork(sources);
  const details = { ...network };
  if (network.interface === null) {
    return {
      status: 'fail',
      summary: 'no network: no default route (check the Ethernet cable, or the Wi-Fi name and password)',
      details,
    };
  }
  if (network.address === null) {
    return { status: 'fail', summary: `${network.interface} has no IP address (is DHCP working?)`, details };
  }
  const kind = network.kind === 'wifi' ? 'Wi-Fi' : (network.kind ?? 'unknown kind');
  if (network.kind !== 'wifi') {
    return { status: 'pass', summary: `${network.interface} (${kind}) ${network.address}`, details };
  }
  const ssid = network.wifiSsid === null ? '' : `"${network.wifiSsid}", `;
  const signal = network.wifiSignalDbm === null ? 'signal unknown' : `${network.wifiSignalDbm} dBm`;
  const summary = `${network.interface} (Wi-Fi ${ssid}${signal}) ${network.address}`;
  if (network.wifiSignalDbm !== null && network.wifiSignalDbm < WEAK_WIFI_DBM) {
    return {
      status: 'warn',
      summary: `weak Wi-Fi signal: ${summary}; use Ethernet or move the access point`,
      details,
    };
  }
  return { status: 'pass', summary, details };
}
