import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BOOT_PROVISION_DIR,
  BOOT_PROVISION_FILE,
  GatecastError,
  type ProvisionFile,
  type ProvisionFileInput,
} from '@gatecast/protocol';
import { parseProvisionFile, renderProvisionFile } from './boot-partition.js';

/** Where the FAT boot partition sits inside a disk image, in bytes. */
export interface BootPartition {
  offsetBytes: number;
  sizeBytes: number;
}

const COMPRESSED = /\.(xz|gz|zst|bz2|zip|7z)$/i;
/** Which tool comes from which Debian package, for the error a technician reads. */
const PACKAGE_OF: Record<string, string> = {
  sfdisk: 'fdisk',
  mmd: 'mtools',
  mcopy: 'mtools',
  mtype: 'mtools',
  mdir: 'mtools',
};

/**
 * Partition 1 of an image file, found with `sfdisk --json`: no mount, no loop device, no root.
 * A compressed image is refused with the command that decompresses it.
 */
export async function findBootPartition(image: string): Promise<BootPartition> {
  assertPlainImage(image);
  const { stdout } = await run('sfdisk', ['--json', image], `${image} has no partition table`);
  const table = parsePartitionTable(stdout);
  const first = table?.partitions?.[0];
  if (!table || !first || typeof first.start !== 'number' || typeof first.size !== 'number') {
    throw new GatecastError('BAD_REQUEST', `${image} has no partitions: is it a gatecast SD card image?`);
  }
  const sectorSize = table.sectorsize ?? 512;
  return { offsetBytes: first.start * sectorSize, sizeBytes: first.size * sectorSize };
}

/** Writes `gatecast/provision.json` into the image's boot partition with mtools. */
export async function writeProvisionFileToImage(
  image: string,
  file: ProvisionFileInput,
): Promise<{ path: string; offsetBytes: number }> {
  const text = renderProvisionFile(file);
  const { offsetBytes } = await findBootPartition(image);
  const target = `${image}@@${offsetBytes}`;
  if (!(await existsInImage(target, BOOT_PROVISION_DIR))) {
    await run('mmd', ['-i', target, `::${BOOT_PROVISION_DIR}`], notFat(image));
  }
  // The secret touches the local disk only in a private directory, for as long as mcopy runs.
  const scratch = mkdtempSync(join(tmpdir(), 'gatecast-provision-'));
  try {
    const local = join(scratch, 'provision.json');
    writeFileSync(local, text, { mode: 0o600 });
    await run('mcopy', ['-o', '-i', target, local, `::${BOOT_PROVISION_FILE}`], notFat(image));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { path: `${image}:${BOOT_PROVISION_FILE}`, offsetBytes };
}

/** A text file of the image's boot partition (path like `gatecast/provision.json`); null when absent. */
export async function readImageText(image: string, pathInPartition: string): Promise<string | null> {
  const { offsetBytes } = await findBootPartition(image);
  const target = `${image}@@${offsetBytes}`;
  if (!(await existsInImage(target, pathInPartition))) return null;
  const { stdout } = await run('mtype', ['-i', target, `::${pathInPartition}`], notFat(image));
  return stdout;
}

/** The provision file in an image, validated as the screen validates it; null when there is none. */
export async function readProvisionFileFromImage(image: string): Promise<ProvisionFile | null> {
  const text = await readImageText(image, BOOT_PROVISION_FILE);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GatecastError('CONFIG_INVALID', `${BOOT_PROVISION_FILE} in ${image} is not JSON`);
  }
  return parseProvisionFile(json);
}

function assertPlainImage(image: string): void {
  if (COMPRESSED.test(image)) {
    const plain = image.replace(COMPRESSED, '');
    throw new GatecastError(
      'BAD_REQUEST',
      `${image} is compressed: decompress it first (xz -dk ${image}), then provision ${plain}`,
    );
  }
  let size: number;
  try {
    size = statSync(image).size;
  } catch {
    throw new GatecastError('NOT_FOUND', `no image file ${image}`);
  }
  if (size === 0) throw new GatecastError('BAD_REQUEST', `${image} is empty`);
}

async function existsInImage(target: string, path: string): Promise<boolean> {
  try {
    await run('mdir', ['-b', '-i', target, `::${path}`], '');
    return true;
  } catch (error) {
    if (error instanceof GatecastError && error.code === 'UNAVAILABLE') throw error;
    return false;
  }
}

function notFat(image: string): string {
  return `partition 1 of ${image} is not a readable FAT boot partition`;
}

interface PartitionTable {
  sectorsize?: number;
  partitions?: Array<{ start?: unknown; size?: unknown }>;
}

function parsePartitionTable(stdout: string): PartitionTable | undefined {
  try {
    return (JSON.parse(stdout) as { partitiontable?: PartitionTable }).partitiontable;
  } catch {
    return undefined;
  }
}

/** Runs a tool; a missing tool names its Debian package, a failure gives `failure` and the tool's words. */
function run(tool: string, args: string[], failure: string): Promise<{ stdout: string }> {
  // MTOOLS_SKIP_CHECK: images whose FAT geometry is unusual but sound (mkfs.vfat --offset) still open.
  const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
  return new Promise((resolve, reject) => {
    execFile(tool, args, { env, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        const pkg = PACKAGE_OF[tool] ?? tool;
        return reject(new GatecastError('UNAVAILABLE', `${tool} is not installed: apt-get install ${pkg}`));
      }
      const said = stderr.trim().split('\n').at(-1) ?? '';
      reject(new GatecastError('BAD_REQUEST', said ? `${failure} (${tool}: ${said})` : failure));
    });
  });
}
