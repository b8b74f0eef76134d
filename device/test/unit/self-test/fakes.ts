import type { NetworkInterfaceInfo } from 'node:os';
import { GatecastError } from '@gatecast/protocol';
import type { ToolRunner } from '../../../src/hardware/clock-sync.js';

/** `fc-list` as fontconfig answers it, from a table of families per language; missing languages print nothing. */
export function fakeFcList(families: Record<string, string[]>): ToolRunner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (file: string, args: readonly string[]) => {
    calls.push([file, ...args]);
    if (file !== 'fc-list') throw new GatecastError('HARDWARE_UNAVAILABLE', `${file} is not installed`);
    const lang = /^:lang=(.+)$/.exec(args[0] ?? '')?.[1] ?? '';
    return { stdout: (families[lang] ?? []).map((family) => `${family}\n`).join(''), stderr: '' };
  };
  return Object.assign(run, { calls });
}

export const ALL_FONTS: Record<string, string[]> = {
  vi: ['Noto Sans', 'DejaVu Sans'],
  'zh-cn': ['Noto Sans CJK SC,Noto Sans CJK SC Regular'],
  lo: ['Noto Sans Lao'],
  km: ['Noto Sans Khmer'],
  ko: ['Noto Sans CJK KR'],
  ja: ['Noto Sans CJK JP'],
  th: ['Noto Sans Thai'],
  ru: ['Noto Sans'],
};

export function ipv4(address: string): NetworkInterfaceInfo[] {
  return [
    {
      address,
      family: 'IPv4',
      internal: false,
      netmask: '255.255.255.0',
      mac: '00:00:00:00:00:01',
      cidr: `${address}/24`,
    },
  ];
}

export const ROUTE_HEADER =
  'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n';
export const defaultRoute = (iface: string): string =>
  `${ROUTE_HEADER}${iface}\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n`;
export const wireless = (iface: string, level: number): string =>
  'Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n' +
  ' face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n' +
  ` ${iface}: 0000   40.  ${level}.  -256        0      0      0      0      0        0\n`;

/** An EDID base block whose monitor name descriptor says `name`. */
export function edidNamed(name: string): Buffer {
  const edid = Buffer.alloc(128);
  edid.set([0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00], 0);
  edid.set([0, 0, 0, 0xfc, 0], 72);
  edid.write(`${name}\n`.padEnd(13, ' '), 77, 'latin1');
  return edid;
}
