import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { hostFiles } from '../health/host-files.js';
import { interfaceKind, readRoute } from '../health/network-reading.js';

/** What the commissioning screen and the enrolment request say about the board and its link. */
export interface NetworkState {
  interface: string | null;
  address: string | null;
  kind: string | null;
  /** A default route with an address: the screen can reach beyond its cable. */
  connected: boolean;
}

/** The board's serial (the Pi's device tree), else the machine id; `root` is / except in tests. */
export async function readSerial(root: string): Promise<string> {
  const files = hostFiles(root);
  for (const path of [
    'proc/device-tree/serial-number',
    'sys/firmware/devicetree/base/serial-number',
    'etc/machine-id',
  ]) {
    // The device tree ends its strings with NUL.
    const value = (await files.read(path))?.replace(/\0/g, '').trim();
    if (value) return value.slice(0, 64);
  }
  return 'unknown';
}

export async function readModel(root: string): Promise<string> {
  const value = await hostFiles(root).read('proc/device-tree/model');
  return (value ?? '').replace(/\0/g, '').trim().slice(0, 120);
}

export async function readNetworkState(root: string): Promise<NetworkState> {
  const route = await readRoute({
    proc: hostFiles(join(root, 'proc')),
    addresses: () => networkInterfaces(),
  });
  const kind = route.iface === null ? null : await interfaceKind(hostFiles(join(root, 'sys')), route.iface);
  return {
    interface: route.iface?.slice(0, 32) ?? null,
    address: route.address,
    kind,
    connected: route.iface !== null && route.address !== null,
  };
}
