import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Entry, ZipFile } from 'yauzl';
import { PACKAGE_LIMITS, safeEntryPath } from './package-paths.js';

/**
 * Unpacks a verified html package zip into `<root>/<sha256>/` once; a half-written folder never
 * exists under that name (it is unpacked beside it and renamed). Refuses zip-slip paths and
 * packages over the caps, so one bad package cannot fill the disk.
 */
export async function unpackPackage(zipPath: string, root: string, sha256: string): Promise<string> {
  const target = join(root, sha256);
  if (await exists(target)) return target;
  const temp = join(root, `.${sha256}.${process.pid}.tmp`);
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  try {
    await extractAll(zipPath, temp);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return target;
}

async function extractAll(zipPath: string, into: string): Promise<void> {
  const zip = await openZip(zipPath);
  try {
    let entries = 0;
    let total = 0;
    for (let entry = await nextEntry(zip); entry !== null; entry = await nextEntry(zip)) {
      if (++entries > PACKAGE_LIMITS.maxEntries) throw new Error('the package has too many files');
      const relative = safeEntryPath(entry.fileName);
      if (relative === null) throw new Error(`unsafe path in the package: ${entry.fileName.slice(0, 100)}`);
      if (entry.fileName.endsWith('/')) continue;
      if (entry.uncompressedSize > PACKAGE_LIMITS.maxFileBytes)
        throw new Error('a file in the package is too large');
      total += entry.uncompressedSize;
      if (total > PACKAGE_LIMITS.maxTotalBytes) throw new Error('the package is too large unpacked');
      await writeEntry(zip, entry, join(into, relative));
    }
  } finally {
    zip.close();
  }
}

async function writeEntry(zip: ZipFile, entry: Entry, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (error, readable) => (error ? reject(error) : resolve(readable))),
  );
  // The declared size may lie: count what actually comes out.
  let written = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      if (written > PACKAGE_LIMITS.maxFileBytes) done(new Error('a file in the package is too large'));
      else done(null, chunk);
    },
  });
  await pipeline(stream, cap, createWriteStream(file));
}

async function openZip(path: string): Promise<ZipFile> {
  // Loaded when a package is first unpacked, not at start-up: most screens never show one.
  const { default: yauzl } = await import('yauzl');
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: true }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    ),
  );
}

/** With lazyEntries, one entry at a time; null after the last. */
function nextEntry(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: Entry): void => (cleanup(), resolve(entry));
    const onEnd = (): void => (cleanup(), resolve(null));
    const onError = (error: Error): void => (cleanup(), reject(error));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
