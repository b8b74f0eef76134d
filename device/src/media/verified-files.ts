import type { Logger } from 'pino';
import type { CacheLayout } from './cache-layout.js';
import type { LruIndex } from './lru-index.js';
import type { MediaRef } from './media-types.js';
import { fileMatches, fingerprintOf, removeFile, sameFingerprint, type Fingerprint } from './object-store.js';

export interface VerifiedFilesDeps {
  layout: CacheLayout;
  index: () => LruIndex;
  now: () => Date;
  log: Logger;
  /** Called whenever the index changed and should be saved. */
  changed: () => void;
}

/**
 * What this run has proven about the files in `objects/`. A file counts as verified once its
 * bytes hashed to its name (when downloaded, or when first needed after a start), and only for as
 * long as its fingerprint is unchanged; so `isVerified` is a stat, and a file changed behind the
 * agent's back is a miss until it is hashed again.
 */
export class VerifiedFiles {
  private readonly fingerprints = new Map<string, Fingerprint>();
  private readonly checking = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: VerifiedFilesDeps) {}

  isVerified(sha256: string): boolean {
    const known = this.fingerprints.get(sha256);
    if (!known) return false;
    const current = fingerprintOf(this.deps.layout.objectPath(sha256));
    if (current && sameFingerprint(known, current)) return true;
    this.fingerprints.delete(sha256);
    if (current) {
      this.deps.log.warn({ sha256 }, 'cached media file changed on disk; it is not used until checked again');
    } else {
      this.deps.log.warn({ sha256 }, 'cached media file disappeared');
      if (this.deps.index().remove(sha256)) this.deps.changed();
    }
    return false;
  }

  /** Records a file just moved into place after its bytes were hashed on the way in. */
  markVerified(sha256: string): void {
    const fingerprint = fingerprintOf(this.deps.layout.objectPath(sha256));
    if (fingerprint) this.fingerprints.set(sha256, fingerprint);
  }

  forget(sha256: string): void {
    this.fingerprints.delete(sha256);
  }

  /** Hashes a file already on disk, once however many syncs ask; a corrupt one is deleted (P5). */
  async check(ref: MediaRef, signal: AbortSignal): Promise<void> {
    if (this.isVerified(ref.sha256) || !fingerprintOf(this.deps.layout.objectPath(ref.sha256))) return;
    let check = this.checking.get(ref.sha256);
    if (!check) {
      check = this.checkObject(ref, signal)
        .catch(() => false) // stopped mid-hash: the file stays, unverified
        .finally(() => this.checking.delete(ref.sha256));
      this.checking.set(ref.sha256, check);
    }
    await check;
  }

  /** Resolves when no check is running. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.checking.values()]);
  }

  private async checkObject(ref: MediaRef, signal: AbortSignal): Promise<boolean> {
    const path = this.deps.layout.objectPath(ref.sha256);
    const before = fingerprintOf(path);
    const intact = before !== null && (await fileMatches(path, ref.sha256, ref.sizeBytes, signal));
    const after = fingerprintOf(path);
    const index = this.deps.index();
    if (intact && after && sameFingerprint(before, after)) {
      this.fingerprints.set(ref.sha256, after);
      if (!index.has(ref.sha256)) index.use(ref.sha256, ref.sizeBytes, this.deps.now());
      return true;
    }
    if (!intact) {
      this.deps.log.warn(
        { sha256: ref.sha256 },
        'cached media file is corrupt or has the wrong size; fetching it again',
      );
      await removeFile(path);
      index.remove(ref.sha256);
      this.deps.changed();
    }
    return false;
  }
}
