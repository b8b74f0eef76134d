import type { FileHandle } from 'node:fs/promises';

/** Limits for an HTML package: a screen unpacks it on a small SD card. */
export const PACKAGE_LIMITS = {
  maxEntries: 2000,
  /** What all entries may unpack to, by their declared sizes. */
  maxUnpackedBytes: 1024 * 1024 * 1024,
  /** A larger ratio on a large entry is a zip bomb, not a web page. */
  maxRatio: 200,
};

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  isSymlink: boolean;
  isDirectory: boolean;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const MAX_COMMENT = 0xffff;

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * The entries of a zip's central directory, read from the end of the file without unpacking it
 * (zip64 too). Throws Error with a reason when the directory is missing or broken.
 */
export async function readZipEntries(file: FileHandle, size: number): Promise<ZipEntry[]> {
  const tailLength = Math.min(size, 22 + MAX_COMMENT + 20);
  const tail = await readAt(file, size - tailLength, tailLength);
  let eocd = -1;
  for (let at = tail.length - 22; at >= 0; at--) {
    if (tail.readUInt32LE(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new Error('it is not a complete zip file (no central directory)');
  let count = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);
  if (eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const zip64At = Number(tail.readBigUInt64LE(eocd - 20 + 8));
    const zip64 = await readAt(file, zip64At, 56);
    if (zip64.length < 56 || zip64.readUInt32LE(0) !== ZIP64_EOCD)
      throw new Error('its zip64 directory is broken');
    count = Number(zip64.readBigUInt64LE(32));
    directorySize = Number(zip64.readBigUInt64LE(40));
    directoryOffset = Number(zip64.readBigUInt64LE(48));
  }
  if (count > PACKAGE_LIMITS.maxEntries) {
    throw new Error(`it has ${count} entries; a package may have at most ${PACKAGE_LIMITS.maxEntries}`);
  }
  if (directoryOffset + directorySize > size || directorySize > 64 * 1024 * 1024) {
    throw new Error('its central directory lies outside the file');
  }
  const directory = await readAt(file, directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let index = 0; index < count; index++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL) {
      throw new Error('its central directory is broken');
    }
    const madeBy = directory.readUInt16LE(at + 4) >> 8;
    let compressedSize = directory.readUInt32LE(at + 20);
    let uncompressedSize = directory.readUInt32LE(at + 24);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const externalAttributes = directory.readUInt32LE(at + 38);
    const name = directory.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const extra = directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    // Zip64 sizes live in extra field 0x0001 when the 32-bit fields are saturated.
    for (let e = 0; e + 4 <= extra.length;) {
      const id = extra.readUInt16LE(e);
      const length = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let field = e + 4;
        if (uncompressedSize === 0xffffffff && field + 8 <= extra.length) {
          uncompressedSize = Number(extra.readBigUInt64LE(field));
          field += 8;
        }
        if (compressedSize === 0xffffffff && field + 8 <= extra.length) {
          compressedSize = Number(extra.readBigUInt64LE(field));
        }
      }
      e += 4 + length;
    }
    const unixMode = madeBy === 3 ? externalAttributes >>> 16 : 0;
    entries.push({
      name,
      compressedSize,
      uncompressedSize,
      isSymlink: (unixMode & 0o170000) === 0o120000,
      isDirectory: name.endsWith('/'),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Why an HTML package may not go to the screens, or null. A screen unpacks it into its cache:
 * an entry that would land outside that folder (zip slip), a link, or a package that unpacks to
 * far more than it weighs must never get there.
 */
export function packageProblem(entries: readonly ZipEntry[]): string | null {
  let unpacked = 0;
  for (const entry of entries) {
    const { name } = entry;
    if (name.includes('\\')) return `entry "${name}" contains a backslash`;
    if (name.startsWith('/') || /^[a-z]:/i.test(name)) return `entry "${name}" has an absolute path`;
    if (name.split('/').some((part) => part === '..'))
      return `entry "${name}" climbs out of the package (..)`;
    if (name.includes('\0')) return `entry "${name}" contains a NUL character`;
    if (entry.isSymlink) return `entry "${name}" is a symbolic link`;
    if (
      entry.uncompressedSize > 1024 * 1024 &&
      entry.uncompressedSize > entry.compressedSize * PACKAGE_LIMITS.maxRatio
    ) {
      return `entry "${name}" unpacks to ${entry.uncompressedSize} bytes from ${entry.compressedSize} (a zip bomb)`;
    }
    unpacked += entry.uncompressedSize;
  }
  if (unpacked > PACKAGE_LIMITS.maxUnpackedBytes) {
    return `it unpacks to ${unpacked} bytes; a package may unpack to at most ${PACKAGE_LIMITS.maxUnpackedBytes}`;
  }
  if (!entries.some((entry) => entry.name === 'index.html')) return 'it has no index.html at its top level';
  return null;
}
