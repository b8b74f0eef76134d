/**
 * The cache's least-recently-used order, as a pure in-memory model: a Map keeps insertion order,
 * so the first entry is the one used longest ago. The manager persists it as index.json.
 */
export interface LruEntry {
  sha256: string;
  sizeBytes: number;
  lastUsedAt: string;
}

export class LruIndex {
  private readonly entries = new Map<string, LruEntry>();
  private bytes = 0;

  /** Entries in LRU → MRU order; a repeated sha256 keeps its later position. */
  static from(entries: readonly LruEntry[]): LruIndex {
    const index = new LruIndex();
    for (const entry of entries) index.put(entry);
    return index;
  }

  has(sha256: string): boolean {
    return this.entries.has(sha256);
  }

  /** Inserts or moves to most recently used. */
  use(sha256: string, sizeBytes: number, at: Date): void {
    this.put({ sha256, sizeBytes, lastUsedAt: at.toISOString() });
  }

  /** Marks an existing entry as just used; false when the cache does not hold it. */
  touch(sha256: string, at: Date): boolean {
    const entry = this.entries.get(sha256);
    if (!entry) return false;
    this.put({ ...entry, lastUsedAt: at.toISOString() });
    return true;
  }

  remove(sha256: string): boolean {
    const entry = this.entries.get(sha256);
    if (!entry) return false;
    this.entries.delete(sha256);
    this.bytes -= entry.sizeBytes;
    return true;
  }

  totalBytes(): number {
    return this.bytes;
  }

  list(): LruEntry[] {
    return [...this.entries.values()];
  }

  private put(entry: LruEntry): void {
    this.remove(entry.sha256);
    this.entries.set(entry.sha256, entry);
    this.bytes += entry.sizeBytes;
  }
}

export interface EvictionPlan {
  evict: string[];
  freed: number;
  /** Whether evicting `evict` frees at least the bytes asked for. */
  enough: boolean;
}

/**
 * Which files to delete to free `bytesToFree`: least recently used first, never a protected one
 * (needed now, pinned by the next 24 h of schedule, or being downloaded). When even evicting every
 * unprotected file is not enough, nothing is evicted: deleting would not make the download fit.
 */
export function planEviction(
  entries: readonly LruEntry[],
  protectedShas: ReadonlySet<string>,
  bytesToFree: number,
): EvictionPlan {
  if (bytesToFree <= 0) return { evict: [], freed: 0, enough: true };
  const evict: string[] = [];
  let freed = 0;
  for (const entry of entries) {
    if (freed >= bytesToFree) break;
    if (protectedShas.has(entry.sha256)) continue;
    evict.push(entry.sha256);
    freed += entry.sizeBytes;
  }
  if (freed < bytesToFree) return { evict: [], freed: 0, enough: false };
  return { evict, freed, enough: true };
}
