import type { NetworkInterfaceInfo } from 'node:os';
import type { TelemetrySample } from '@gatecast/protocol';
import type { HostFiles } from './host-files.js';

export type NetworkReading = NonNullable<TelemetrySample['network']>;
export type InterfaceAddresses = NodeJS.Dict<NetworkInterfaceInfo[]>;

export const UNKNOWN_NETWORK: NetworkReading = {
  interface: null,
  kind: null,
  address: null,
  wifiSignalDbm: null,
  wifiSsid: null,
};

const RTF_UP = 0x1;
const RTF_REJECT = 0x200;

/** The interface of the IPv4 default route with the lowest metric, from /proc/net/route. */
export function defaultRouteV4(table: string): string | null {
  let best: { iface: string; metric: number } | null = null;
  for (const line of table.split('\n').slice(1)) {
    const [iface, destination, , flags, , , metric, mask] = line.trim().split(/\s+/);
    if (!iface || destination !== '00000000' || mask !== '00000000') continue;
    if ((Number.parseInt(flags ?? '0', 16) & RTF_UP) === 0) continue;
    const value = Number.parseInt(metric ?? '0', 10);
    if (!best || value < best.metric) best = { iface, metric: value };
  }
  return best?.iface ?? null;
}

/** The same from /proc/net/ipv6_route, for an IPv6-only network; the loopback's reject routes do not count. */
export function defaultRouteV6(table: string): string | null {
  let best: { iface: string; metric: number } | null = null;
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const [destination, prefix] = fields;
    const metric = Number.parseInt(fields[5] ?? '0', 16);
    const flags = Number.parseInt(fields[8] ?? '0', 16);
    const iface = fields[9];
    if (!iface || iface === 'lo' || prefix !== '00' || !/^0{32}$/.test(destination ?? '')) continue;
    if ((flags & RTF_UP) === 0 || (flags & RTF_REJECT) !== 0) continue;
    if (!best || metric < best.metric) best = { iface, metric };
  }
  return best?.iface ?? null;
}

/** The signal level in dBm of one interface in /proc/net/wireless; old drivers print it unsigned. */
export function parseWirelessLevel(table: string, iface: string): number | null {
  const line = table.split('\n').find((row) => row.trim().startsWith(`${iface}:`));
  const level = Number.parseFloat(line?.trim().split(/\s+/)[3] ?? '');
  if (!Number.isFinite(level)) return null;
  const dbm = level > 0 && level <= 255 ? level - 256 : level;
  return dbm >= -120 && dbm < 0 ? dbm : null;
}

/** The address others reach the screen at: IPv4 first, else a global IPv6 one. */
export function pickAddress(addresses: NetworkInterfaceInfo[] | undefined): string | null {
  const usable = (addresses ?? []).filter((entry) => !entry.internal);
  const v4 = usable.find((entry) => entry.family === 'IPv4');
  const v6 = usable.find((entry) => entry.family === 'IPv6' && !entry.address.startsWith('fe80'));
  return (v4 ?? v6)?.address ?? null;
}

export async function interfaceKind(sys: HostFiles, iface: string): Promise<NetworkReading['kind']> {
  const uevent = (await sys.read(`class/net/${iface}/uevent`)) ?? '';
  if (/^DEVTYPE=wlan$/m.test(uevent) || (await sys.list(`class/net/${iface}/wireless`)) !== null)
    return 'wifi';
  const type = await sys.read(`class/net/${iface}/type`);
  if (type === null) return null;
  // ARPHRD_ETHER without a DEVTYPE is a wired port; bridges, tunnels and the rest are "other".
  return type.trim() === '1' && !/^DEVTYPE=/m.test(uevent) ? 'ethernet' : 'other';
}

export interface NetworkSources {
  sys: HostFiles;
  proc: HostFiles;
  addresses(): InterfaceAddresses;
  /** The Wi-Fi network's name; it takes a process, so only asked for a Wi-Fi route. */
  ssid(iface: string): Promise<string | null>;
}

/** The route and address only: files and a syscall, for the change watcher. */
export async function readRoute(
  sources: Pick<NetworkSources, 'proc' | 'addresses'>,
): Promise<{ iface: string | null; address: string | null }> {
  const v4 = await sources.proc.read('net/route');
  const v6 = v4 === null || defaultRouteV4(v4) === null ? await sources.proc.read('net/ipv6_route') : null;
  const iface = (v4 === null ? null : defaultRouteV4(v4)) ?? (v6 === null ? null : defaultRouteV6(v6));
  return { iface, address: iface === null ? null : pickAddress(sources.addresses()[iface]) };
}

export async function readNetwork(sources: NetworkSources): Promise<NetworkReading> {
  const { iface, address } = await readRoute(sources);
  if (iface === null) return UNKNOWN_NETWORK;
  const kind = await interfaceKind(sources.sys, iface);
  if (kind !== 'wifi') return { ...UNKNOWN_NETWORK, interface: iface.slice(0, 32), kind, address };
  const wireless = await sources.proc.read('net/wireless');
  const ssid = await sources.ssid(iface).catch(() => null);
  return {
    interface: iface.slice(0, 32),
    kind,
    address,
    wifiSignalDbm: wireless === null ? null : parseWirelessLevel(wireless, iface),
    wifiSsid: ssid ? ssid.slice(0, 64) : null,
  };
}
