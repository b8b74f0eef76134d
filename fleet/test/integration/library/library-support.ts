import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * Whether ffprobe and ffmpeg are here. In CI their absence fails the suite (they must be
 * installed there); on a developer's machine the suite is skipped with the reason printed.
 */
export function ffmpegOrSkip(): boolean {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    const reason = 'ffprobe/ffmpeg not found (apt-get install ffmpeg)';
    if (process.env.CI) throw new Error(`the media library tests need ${reason}`);
    console.error(`skipping the media library tests: ${reason}`);
    return false;
  }
}

/** A short test-pattern video made by the real ffmpeg. */
export function makeVideo(
  path: string,
  options: { codec: 'libx264' | 'libx265' | 'libvpx-vp9'; width: number; height: number; frames: number },
): void {
  const { codec, width, height, frames } = options;
  const speed =
    codec === 'libvpx-vp9' ? ['-deadline', 'realtime', '-cpu-used', '8'] : ['-preset', 'ultrafast'];
  if (codec === 'libx265') speed.push('-x265-params', 'log-level=error');
  execFileSync('ffmpeg', [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=25`,
    '-frames:v', String(frames), '-c:v', codec, ...speed, '-pix_fmt', 'yuv420p', path,
  ]); // prettier-ignore
}

export function makePng(path: string, colour = 'red'): void {
  const source = `color=c=${colour}:s=640x360`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-frames:v', '1', path]);
}

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  /** Unix mode in the upper external attributes, e.g. 0o120777 for a symlink. */
  unixMode?: number;
  /** Overrides the size declared in the central directory (zip-bomb claims). */
  declaredSize?: number;
}

/** A stored (uncompressed) zip built byte by byte, so tests can make hostile ones too. */
export function buildZip(entries: readonly ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, entry.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.declaredSize ?? entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.unixMode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * Writes an HTML package of about `bytes` bytes to disk without holding it in memory: an
 * index.html and one stored entry of pseudo-random blocks. Returns the file's sha256.
 */
export async function writeLargePackage(path: string, bytes: number): Promise<string> {
  const out = createWriteStream(path);
  const hash = createHash('sha256');
  const write = async (chunk: Buffer) => {
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  const index = Buffer.from('<!doctype html><title>Hai Phong</title><p>Chào mừng</p>');
  const small = buildZip([{ name: 'index.html', data: index }]);
  // The small zip's local part (header + name + data) comes first; its directory is rebuilt below.
  const indexLocal = small.subarray(0, 30 + 'index.html'.length + index.length);
  await write(indexLocal);
  const name = Buffer.from('assets/data.bin');
  const size = bytes - indexLocal.length - 2 * 30 - 2 * 46 - 10 - 2 * name.length - 22;
  // Local header with a data descriptor (flag 8): the CRC is known only after the data.
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 6);
  local.writeUInt16LE(name.length, 26);
  await write(Buffer.concat([local, name]));
  let crc = 0;
  const block = 1024 * 1024;
  for (let written = 0; written < size; written += block) {
    const chunk = randomBytes(Math.min(block, size - written));
    crc = crc32(chunk, crc);
    await write(chunk);
  }
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc, 4);
  descriptor.writeUInt32LE(size, 8);
  descriptor.writeUInt32LE(size, 12);
  await write(descriptor);
  const dataOffset = indexLocal.length;
  const directoryStart = dataOffset + 30 + name.length + size + 16;
  const central = (entryName: Buffer, entryCrc: number, entrySize: number, at: number, flags: number) => {
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE((3 << 8) | 20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(flags, 8);
    header.writeUInt32LE(entryCrc, 16);
    header.writeUInt32LE(entrySize, 20);
    header.writeUInt32LE(entrySize, 24);
    header.writeUInt16LE(entryName.length, 28);
    header.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    header.writeUInt32LE(at, 42);
    return Buffer.concat([header, entryName]);
  };
  const directory = Buffer.concat([
    central(Buffer.from('index.html'), crc32(index), index.length, 0, 0),
    central(name, crc, size, dataOffset, 8),
  ]);
  await write(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(2, 8);
  end.writeUInt16LE(2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(directoryStart, 16);
  await write(end);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return hash.digest('hex');
}
