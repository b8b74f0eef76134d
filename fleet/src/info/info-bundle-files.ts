import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaFile } from '../media/media-library.js';

export const INFO_BUNDLE_CONTENT_TYPE = 'application/json';

/**
 * Built bundles as files named by their sha256 (`<dataDir>/info-bundles/<sha>.json`), served to
 * screens by the device media route like any media file. A file never changes under its name, so
 * a screen still fetching an older version gets exactly what its document named.
 */
export class InfoBundleFiles {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'info-bundles');
  }

  /** Writes the bytes once (a temp file renamed, so a reader never sees half a file). */
  save(json: string): { sha256: string; sizeBytes: number } {
    const bytes = Buffer.from(json, 'utf8');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(sha256);
    if (!existsSync(path)) {
      mkdirSync(this.dir, { recursive: true });
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, bytes);
      renameSync(temp, path);
    }
    return { sha256, sizeBytes: bytes.length };
  }

  /** For mediaSources(...): the file behind a sha256, if it is a bundle this fleet built. */
  file(sha256: string): MediaFile | undefined {
    if (!/^[a-f0-9]{64}$/.test(sha256)) return undefined;
    const path = this.pathOf(sha256);
    try {
      const info = statSync(path);
      if (!info.isFile()) return undefined;
      return {
        sha256,
        name: `${sha256}.json`,
        path,
        sizeBytes: info.size,
        contentType: INFO_BUNDLE_CONTENT_TYPE,
      };
    } catch {
      return undefined;
    }
  }

  pathOf(sha256: string): string {
    return join(this.dir, `${sha256}.json`);
  }
}
