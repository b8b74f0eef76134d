import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { DesiredDocument } from '@gatecast/protocol';
import { unpackPackage } from './html-package.js';
import { packagesOf } from './media-needs.js';

/** The unpacked html packages, by sha256; a package that fails to unpack is not retried this run. */
export class PackageShelf {
  private readonly ready = new Map<string, string>();
  private readonly refused = new Set<string>();
  private readonly log: Logger;

  constructor(
    private readonly root: string,
    log: Logger,
  ) {
    this.log = log.child({ mod: 'packages' });
  }

  dirOf(sha256: string): string | null {
    return this.ready.get(sha256) ?? null;
  }

  async unpackAll(desired: DesiredDocument, zipPath: (sha256: string) => string | null): Promise<void> {
    await mkdir(this.root, { recursive: true });
    for (const item of packagesOf(desired)) {
      if (this.ready.has(item.sha256) || this.refused.has(item.sha256)) continue;
      const zip = zipPath(item.sha256);
      if (zip === null) continue;
      try {
        this.ready.set(item.sha256, await unpackPackage(zip, this.root, item.sha256));
      } catch (error) {
        this.refused.add(item.sha256);
        this.log.warn(
          { itemId: item.id, sha256: item.sha256, err: (error as Error).message },
          'html package refused',
        );
      }
    }
  }
}
