import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { Logger } from 'pino';

/** One file the fleet serves to its screens, addressed by its sha256 like the device cache. */
export interface MediaFile {
  sha256: string;
  /** The file name in its folder, e.g. `hai-phong-port.png`. */
  name: string;
  path: string;
  sizeBytes: number;
  contentType: string;
}

/** The media the fleet knows; a sha256 it does not know is never served. */
export interface MediaLibrary {
  get(sha256: string): MediaFile | undefined;
  byName(name: string): MediaFile | undefined;
  list(): MediaFile[];
}

/** Where the media routes find a file by sha256; the uploaded library reads the store, so it may be async. */
export interface MediaFiles {
  get(sha256: string): MediaFile | undefined | Promise<MediaFile | undefined>;
}

/** Only what the player page can show; anything else in the folder is not media. */
export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
};

/** The demo media committed with the fleet (see fleet/demo-media/make-demo-media.js). */
export const DEMO_MEDIA_DIR = resolve(import.meta.dirname, '../../demo-media');

/** A library over a fixed list of files; tests and the loader build it. */
export function mediaLibraryOf(files: readonly MediaFile[]): MediaLibrary {
  const bySha = new Map(files.map((file) => [file.sha256, file]));
  const byName = new Map(files.map((file) => [file.name, file]));
  return {
    get: (sha256) => bySha.get(sha256),
    byName: (name) => byName.get(name),
    list: () => [...files],
  };
}

/**
 * Hashes every media file directly in `dir` once, at start: the sha256 is both the URL and what
 * the device verifies, so it must be the hash of exactly the bytes served. A missing folder is an
 * empty library (logged), not a failed start.
 */
export async function loadMediaLibrary(dir: string, log: Logger): Promise<MediaLibrary> {
  const mlog = log.child({ mod: 'media-library' });
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (error) {
    mlog.warn({ dir, err: (error as Error).message }, 'no media folder; serving no media');
    return mediaLibraryOf([]);
  }
  const files: MediaFile[] = [];
  for (const name of names) {
    const contentType = MEDIA_TYPES[extname(name).toLowerCase()];
    if (!contentType) continue;
    const path = join(dir, name);
    const info = await stat(path);
    if (!info.isFile()) continue;
    files.push({ sha256: await hashFile(path), name, path, sizeBytes: info.size, contentType });
  }
  mlog.info({ dir, files: files.length }, 'media library loaded');
  return mediaLibraryOf(files);
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Screens fetch every file by sha256 from one route, whatever holds it: the uploaded library
 * first, then the demo media. A sha256 names the same bytes wherever it is found.
 */
export function mediaSources(
  ...sources: ReadonlyArray<
    MediaFiles | { file(sha256: string): MediaFile | undefined | Promise<MediaFile | undefined> } | undefined
  >
): MediaFiles {
  return {
    get: async (sha256) => {
      for (const source of sources) {
        const file = source && (await ('file' in source ? source.file(sha256) : source.get(sha256)));
        if (file) return file;
      }
      return undefined;
    },
  };
}
