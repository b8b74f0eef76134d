import type { NetworkInterfaceInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultRouteV4,
  defaultRouteV6,
  parseWirelessLevel,
  pickAddress,
  readNetwork,
} from '../../../src/health/network-reading.js';
import { fakeTree, type FakeTree } from './fake-tree.js';

const ROUTE = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
  'eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0',
  'eth0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
].join('\n');

const IPV6_ROUTE = [
  '00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo',
  '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0',
].join('\n');

const WIRELESS = [
  'Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE',
  ' face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22',
  ' wlan0: 0000   52.  -58.  -256        0      0      0      0      0        0',
  ' wlan1: 0000   40.  198.  0        0      0      0      0      0        0',
].join('\n');

const address = (family: 'IPv4' | 'IPv6', value: string, internal = false): NetworkInterfaceInfo =>
  ({ family, address: value, internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

describe('network parsing', () => {
  it('takes the default route with the lowest metric', () => {
    expect(defaultRouteV4(ROUTE)).toBe('eth0');
    expect(defaultRouteV4(ROUTE.split('\n').slice(0, 2).join('\n'))).toBe('wlan0');
    expect(defaultRouteV4(ROUTE.split('\n')[0] ?? '')).toBeNull();
  });

  it('finds an IPv6 default route and ignores the loopback reject routes', () => {
    expect(defaultRouteV6(IPV6_ROUTE)).toBe('eth0');
    expect(defaultRouteV6(IPV6_ROUTE.split('\n')[0] ?? '')).toBeNull();
  });

  it('reads the Wi-Fi level in dBm, also from drivers that print it unsigned', () => {
    expect(parseWirelessLevel(WIRELESS, 'wlan0')).toBe(-58);
    expect(parseWirelessLevel(WIRELESS, 'wlan1')).toBe(-58);
    expect(parseWirelessLevel(WIRELESS, 'wlan2')).toBeNull();
  });

  it('prefers an IPv4 address, then a global IPv6 one', () => {
    expect(pickAddress([address('IPv6', 'fe80::1'), address('IPv4', '10.0.0.7')])).toBe('10.0.0.7');
    expect(pickAddress([address('IPv6', 'fe80::1'), address('IPv6', '2001:db8::7')])).toBe('2001:db8::7');
    expect(pickAddress([address('IPv4', '127.0.0.1', true)])).toBeNull();
    expect(pickAddress(undefined)).toBeNull();
  });
});

describe('readNetwork', () => {
  let sys: FakeTree;
  let proc: FakeTree;
  afterEach(async () => {
    await sys.remove();
    await proc.remove();
  });

  it('describes a Wi-Fi route with its signal and network name', async () => {
    sys = await fakeTree({
      'class/net/wlan0/uevent': 'DEVTYPE=wlan\nINTERFACE=wlan0\n',
      'class/net/wlan0/type': '1\n',
    });
    proc = await fakeTree({
      'net/route': ROUTE.split('\n').slice(0, 2).join('\n'),
      'net/wireless': WIRELESS,
    });
    const network = await readNetwork({
      sys: sys.files,
      proc: proc.files,
      addresses: () => ({ wlan0: [address('IPv4', '192.168.1.40')] }),
      ssid: async (iface) => (iface === 'wlan0' ? 'CatBi-Staff' : null),
    });
    expect(network).toEqual({
      interface: 'wlan0',
      kind: 'wifi',
      address: '192.168.1.40',
      wifiSignalDbm: -58,
      wifiSsid: 'CatBi-Staff',
    });
  });

  it('describes a wired route without asking for a network name', async () => {
    sys = await fakeTree({ 'class/net/eth0/uevent': 'INTERFACE=eth0\n', 'class/net/eth0/type': '1\n' });
    proc = await fakeTree({ 'net/route': ROUTE });
    const network = await readNetwork({
      sys: sys.files,
      proc: proc.files,
      addresses: () => ({ eth0: [address('IPv4', '10.0.0.7')] }),
      ssid: () => Promise.reject(new Error('not asked for a wired link')),
    });
    expect(network).toEqual({
      interface: 'eth0',
      kind: 'ethernet',
      address: '10.0.0.7',
      wifiSignalDbm: null,
      wifiSsid: null,
    });
  });

  it('is all null without a default route', async () => {
    sys = await fakeTree();
    proc = await fakeTree();
    const network = await readNetwork({
      sys: sys.files,
      proc: proc.files,
      addresses: () => ({}),
      ssid: async () => null,
    });
    expect(Object.values(network).every((value) => value === null)).toBe(true);
  });
});
