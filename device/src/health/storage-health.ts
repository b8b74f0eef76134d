import type { TelemetrySample } from '@gatecast/protocol';
import type { HostFiles } from './host-files.js';

export type StorageHealth = NonNullable<TelemetrySample['storage']>;

export interface MountEntry {
  mountPoint: string;
  /** `major:minor` of the block device (0:N for virtual filesystems). */
  device: string;
  fsType: string;
  source: string;
  readOnly: boolean;
}

export const UNKNOWN_STORAGE: StorageHealth = { errorCount: null, readOnly: null };

/** One line of /proc/self/mountinfo (proc(5)); null for a line that does not have its shape. */
export function parseMountInfoLine(line: string): MountEntry | null {
  const [left, right] = line.split(' - ');
  if (left === undefined || right === undefined) return null;
  const fields = left.split(' ');
  const [fsType, source, superOptions] = right.split(' ');
  const device = fields[2];
  const mountPoint = fields[4];
  const mountOptions = fields[5];
  if (!device || !mountPoint || !mountOptions || !fsType || source === undefined) return null;
  const options = [...mountOptions.split(','), ...(superOptions ?? '').split(',')];
  return { mountPoint: unescapeOctal(mountPoint), device, fsType, source, readOnly: options.includes('ro') };
}

/** The mount that holds `path`: the longest mount point above it, the last one when mounts stack. */
export function mountOf(mountInfo: string, path: string): MountEntry | null {
  let best: MountEntry | null = null;
  for (const entry of mountInfo.split('\n').map(parseMountInfoLine)) {
    if (!entry || !isUnder(path, entry.mountPoint)) continue;
    if (!best || entry.mountPoint.length >= best.mountPoint.length) best = entry;
  }
  return best;
}

/** ext4 counts the errors it found on the filesystem since it was made (`errors_count`, kernel ≥ 3.6). */
export function parseErrorCount(text: string | null): number | null {
  if (text === null || !/^\d+\s*$/.test(text)) return null;
  return Number.parseInt(text, 10);
}

/** The block device's kernel name (`mmcblk0p2`), which names its directory under /sys/fs/ext4. */
export function parseDevName(uevent: string | null): string | null {
  return /^DEVNAME=(\S+)$/m.exec(uevent ?? '')?.[1] ?? null;
}

/**
 * The health of the filesystem holding the data directory. A card that fails makes ext4 count
 * errors and, with `errors=remount-ro`, go read-only: both show here before the screen stops.
 */
export async function readStorageHealth(
  files: { sys: HostFiles; proc: HostFiles },
  dataDir: string,
): Promise<StorageHealth> {
  const mountInfo = await files.proc.read('self/mountinfo');
  const mount = mountInfo === null ? null : mountOf(mountInfo, dataDir);
  if (!mount) return UNKNOWN_STORAGE;
  if (mount.fsType !== 'ext4') return { errorCount: null, readOnly: mount.readOnly };
  // `/dev/root` on a Pi names no device: the major:minor does.
  const name =
    parseDevName(await files.sys.read(`dev/block/${mount.device}/uevent`)) ??
    (mount.source.startsWith('/dev/') && mount.source !== '/dev/root' ? mount.source.slice(5) : null);
  const errorCount =
    name === null ? null : parseErrorCount(await files.sys.read(`fs/ext4/${name}/errors_count`));
  return { errorCount, readOnly: mount.readOnly };
}

/** Only the read-only flag, for the change watcher. */
export async function readDataReadOnly(proc: HostFiles, dataDir: string): Promise<boolean | null> {
  const mountInfo = await proc.read('self/mountinfo');
  return mountInfo === null ? null : (mountOf(mountInfo, dataDir)?.readOnly ?? null);
}

function isUnder(path: string, mountPoint: string): boolean {
  if (mountPoint === '/') return path.startsWith('/');
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(Number.parseInt(code, 8)));
}
