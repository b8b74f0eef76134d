import { appendFile, mkdir, open, readFile, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../state/atomic-file.js';
import {
  DONE_SUFFIX,
  EVENTS_SUFFIX,
  parseDoneIds,
  parseSegment,
  segmentFileName,
  segmentSeq,
  type ParsedSegment,
  type QueuedEvent,
} from './segment-format.js';

const DROPPED_FILE = 'dropped.json';
const droppedSchema = z.object({ count: z.number().int().nonnegative() });

/** The event queue's files in one directory; no policy here, only I/O. */
export class SegmentStore {
  constructor(private readonly dir: string) {}

  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Sequence numbers of the segments, oldest first; done files without a segment are removed. */
  async list(): Promise<number[]> {
    const names = await readdir(this.dir);
    const seqs = names.flatMap((name) => segmentSeq(name, EVENTS_SUFFIX) ?? []).sort((a, b) => a - b);
    const known = new Set(seqs);
    const orphans = names.filter((name) => {
      const seq = segmentSeq(name, DONE_SUFFIX);
      return seq !== null && !known.has(seq);
    });
    await Promise.all(orphans.map((name) => unlink(join(this.dir, name)).catch(() => undefined)));
    return seqs;
  }

  async read(seq: number): Promise<{ parsed: ParsedSegment; done: Set<string>; bytes: number }> {
    const file = this.path(seq, EVENTS_SUFFIX);
    const [text, size, done] = await Promise.all([
      readFile(file, 'utf8'),
      stat(file).then((info) => info.size),
      readFile(this.path(seq, DONE_SUFFIX), 'utf8').then(parseDoneIds, () => new Set<string>()),
    ]);
    return { parsed: parseSegment(text), done, bytes: size };
  }

  async readEntries(seq: number): Promise<QueuedEvent[]> {
    return parseSegment(await readFile(this.path(seq, EVENTS_SUFFIX), 'utf8')).entries;
  }

  /** A new segment for appending; the directory is synced so the file itself survives a power cut. */
  async create(seq: number): Promise<FileHandle> {
    const handle = await open(this.path(seq, EVENTS_SUFFIX), 'a', 0o600);
    await syncDirectory(this.dir).catch(() => undefined);
    return handle;
  }

  async appendDone(seq: number, ids: readonly string[]): Promise<void> {
    await appendFile(this.path(seq, DONE_SUFFIX), ids.map((id) => `${id}\n`).join(''), { mode: 0o600 });
  }

  async remove(seq: number): Promise<void> {
    // The segment first: a done file left alone is removed as an orphan at the next start.
    await unlink(this.path(seq, EVENTS_SUFFIX)).catch(ignoreMissing);
    await unlink(this.path(seq, DONE_SUFFIX)).catch(ignoreMissing);
  }

  /** How many events the bound dropped and no error event has reported yet. */
  async readDropped(): Promise<number> {
    const text = await readFile(join(this.dir, DROPPED_FILE), 'utf8').catch(() => null);
    if (text === null) return 0;
    try {
      const parsed = droppedSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.count : 0;
    } catch {
      return 0;
    }
  }

  async writeDropped(count: number): Promise<void> {
    await writeFileAtomic(join(this.dir, DROPPED_FILE), JSON.stringify({ count }));
  }

  private path(seq: number, suffix: string): string {
    return join(this.dir, segmentFileName(seq, suffix));
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
