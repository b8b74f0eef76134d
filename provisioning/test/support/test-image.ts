import { execFileSync } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';

/** 1 MiB of padding, a 32 MiB FAT boot partition, then a small Linux partition: an SD image's layout. */
export const BOOT_START_SECTOR = 2048;
const BOOT_SECTORS = 65_536;

/**
 * A real, small disk image built the way the image build does it, without mounting anything:
 * truncate, sfdisk, and mkfs.vfat writing at the partition's offset.
 */
export function makeTestImage(path: string): string {
  writeFileSync(path, '');
  truncateSync(path, 40 * 1024 * 1024);
  const layout = `label: dos\nstart=${BOOT_START_SECTOR}, size=${BOOT_SECTORS}, type=c\nstart=${BOOT_START_SECTOR + BOOT_SECTORS}, type=83\n`;
  execFileSync('sfdisk', ['--quiet', path], { input: layout });
  execFileSync('mkfs.vfat', ['-n', 'BOOT', `--offset=${BOOT_START_SECTOR}`, path, String(BOOT_SECTORS / 2)], {
    stdio: 'ignore',
  });
  return path;
}

/** An image file with no partition table at all. */
export function makeBlankFile(path: string): string {
  writeFileSync(path, Buffer.alloc(1024 * 1024));
  return path;
}
