import { afterEach, describe, expect, it } from 'vitest';
import {
  mountOf,
  parseErrorCount,
  parseMountInfoLine,
  readStorageHealth,
} from '../../../src/health/storage-health.js';
import { fakeTree, type FakeTree } from './fake-tree.js';

// A Pi with a read-only root and the data partition on the same card.
const MOUNTINFO = [
  '22 1 179:2 / / ro,noatime shared:1 - ext4 /dev/root ro',
  '23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
  '30 22 179:3 / /var/lib/gatecast rw,noatime shared:7 - ext4 /dev/mmcblk0p3 rw,errors=remount-ro',
  '31 22 0:30 / /tmp rw,nosuid,nodev shared:8 - tmpfs tmpfs rw,size=102400k',
  '32 22 179:3 /media /var/lib/gatecast\\040media rw,noatime shared:9 - ext4 /dev/mmcblk0p3 rw',
].join('\n');

describe('the mount table', () => {
  it('parses a mountinfo line', () => {
    expect(parseMountInfoLine(MOUNTINFO.split('\n')[2] ?? '')).toEqual({
      mountPoint: '/var/lib/gatecast',
      device: '179:3',
      fsType: 'ext4',
      source: '/dev/mmcblk0p3',
      readOnly: false,
    });
    expect(parseMountInfoLine('garbage')).toBeNull();
  });

  it('finds the mount holding a path: the longest mount point, on whole path segments', () => {
    expect(mountOf(MOUNTINFO, '/var/lib/gatecast/media')?.device).toBe('179:3');
    expect(mountOf(MOUNTINFO, '/var/lib/gatecast-other')?.mountPoint).toBe('/');
    expect(mountOf(MOUNTINFO, '/var/lib/gatecast media/x')?.mountPoint).toBe('/var/lib/gatecast media');
  });

  it('sees a filesystem that went read-only in either the mount or the superblock options', () => {
    const remounted = MOUNTINFO.replace(
      'rw,noatime shared:7 - ext4 /dev/mmcblk0p3 rw',
      'ro,noatime shared:7 - ext4 /dev/mmcblk0p3 ro',
    );
    expect(mountOf(remounted, '/var/lib/gatecast')?.readOnly).toBe(true);
    expect(mountOf(MOUNTINFO, '/etc')?.readOnly).toBe(true);
  });

  it('reads ext4 error counts and nothing else', () => {
    expect(parseErrorCount('3\n')).toBe(3);
    expect(parseErrorCount('')).toBeNull();
    expect(parseErrorCount(null)).toBeNull();
  });
});

describe('readStorageHealth', () => {
  let sys: FakeTree;
  let proc: FakeTree;
  afterEach(async () => {
    await sys.remove();
    await proc.remove();
  });

  it('reports the errors ext4 counted on the data partition, found through its major:minor', async () => {
    sys = await fakeTree({
      'dev/block/179:3/uevent': 'MAJOR=179\nMINOR=3\nDEVNAME=mmcblk0p3\nDEVTYPE=partition\n',
      'fs/ext4/mmcblk0p3/errors_count': '2\n',
      'fs/ext4/mmcblk0p2/errors_count': '0\n',
    });
    proc = await fakeTree({ 'self/mountinfo': MOUNTINFO });
    const files = { sys: sys.files, proc: proc.files };
    expect(await readStorageHealth(files, '/var/lib/gatecast')).toEqual({ errorCount: 2, readOnly: false });
    // The root shows as /dev/root: its major:minor still names the partition.
    await sys.write('dev/block/179:2/uevent', 'DEVNAME=mmcblk0p2\n');
    expect(await readStorageHealth(files, '/etc')).toEqual({ errorCount: 0, readOnly: true });
  });

  it('knows read-only but not errors on a filesystem that does not count them', async () => {
    sys = await fakeTree();
    proc = await fakeTree({ 'self/mountinfo': MOUNTINFO });
    expect(await readStorageHealth({ sys: sys.files, proc: proc.files }, '/tmp/data')).toEqual({
      errorCount: null,
      readOnly: false,
    });
  });

  it('is unknown without a mount table', async () => {
    sys = await fakeTree();
    proc = await fakeTree();
    expect(await readStorageHealth({ sys: sys.files, proc: proc.files }, '/var/lib/gatecast')).toEqual({
      errorCount: null,
      readOnly: null,
    });
  });
});
