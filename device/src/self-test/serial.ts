import type { HostFiles } from '../health/host-files.js';

/** The board's serial: the device tree's (Raspberry Pi), else /proc/cpuinfo's `Serial`; null elsewhere. */
export async function readBoardSerial(files: { sys: HostFiles; proc: HostFiles }): Promise<string | null> {
  const fromTree =
    (await files.proc.read('device-tree/serial-number')) ??
    (await files.sys.read('firmware/devicetree/base/serial-number'));
  const cleaned = fromTree?.replace(/\0/g, '').trim();
  if (cleaned) return cleaned.slice(0, 64);
  const cpuinfo = await files.proc.read('cpuinfo');
  const serial = /^Serial\s*:\s*(\S+)/m.exec(cpuinfo ?? '')?.[1];
  return serial ? serial.slice(0, 64) : null;
}
