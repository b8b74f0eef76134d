import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GatecastError, deviceIdSchema } from '@gatecast/protocol';
import type { Logger } from 'pino';
import { isPng } from './png.js';

export interface ScreenshotStoreOptions {
  /** `<data dir>/screenshots`; one folder per device below it. */
  dir: string;
  log: Logger;
  /** How many screenshots to keep per device; older ones are deleted. */
  keepPerDevice?: number;
  maxBytes?: number;
  now?: () => Date;
}

export interface StoredScreenshot {
  screenshotId: string;
  deviceId: string;
  bytes: number;
  receivedAt: string;
  path: string;
}

export const MAX_SCREENSHOT_BYTES = 8 * 1024 * 1024;
const DEFAULT_KEEP = 5;
/** `<yyyymmddThhmmssmmmZ>-<hex>`: sorting the names sorts by arrival. */
const ID_PATTERN = /^(\d{8}T\d{9}Z)-[0-9a-f]{8}$/;

/**
 * The latest few screenshots of each screen, as PNG files in the data dir. Only files that start
 * with the PNG signature and stay under the size cap are kept, so nothing else is served back.
 */
export class ScreenshotStore {
  private readonly log: Logger;
  private readonly keep: number;
  private readonly maxBytes: number;
  private readonly now: () => Date;

  constructor(private readonly options: ScreenshotStoreOptions) {
    this.log = options.log.child({ mod: 'screenshots' });
    this.keep = Math.max(1, options.keepPerDevice ?? DEFAULT_KEEP);
    this.maxBytes = options.maxBytes ?? MAX_SCREENSHOT_BYTES;
    this.now = options.now ?? (() => new Date());
  }

  async save(deviceId: string, png: Buffer): Promise<StoredScreenshot> {
    if (png.length > this.maxBytes) {
      throw new GatecastError('PAYLOAD_TOO_LARGE', `a screenshot may be at most ${this.maxBytes} bytes`);
    }
    if (!isPng(png)) throw new GatecastError('BAD_REQUEST', 'the body is not a PNG image');
    const dir = this.deviceDir(deviceId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const receivedAt = this.now();
    const screenshotId = `${compactTime(receivedAt)}-${randomBytes(4).toString('hex')}`;
    const path = join(dir, `${screenshotId}.png`);
    // Written aside and renamed, so a reader never serves half a file.
    const temp = join(dir, `.${screenshotId}.tmp`);
    await writeFile(temp, png, { mode: 0o600 });
    await rename(temp, path);
    await this.prune(dir);
    this.log.info({ deviceId, screenshotId, bytes: png.length }, 'screenshot stored');
    return { screenshotId, deviceId, bytes: png.length, receivedAt: receivedAt.toISOString(), path };
  }

  /** The newest screenshot of a device, or null when there is none. */
  async latest(deviceId: string): Promise<StoredScreenshot | null> {
    const ids = await this.idsOf(this.deviceDir(deviceId));
    const screenshotId = ids.at(-1);
    if (screenshotId === undefined) return null;
    const path = join(this.deviceDir(deviceId), `${screenshotId}.png`);
    const info = await stat(path).catch(() => null);
    if (!info) return null;
    return { screenshotId, deviceId, bytes: info.size, receivedAt: info.mtime.toISOString(), path };
  }

  /** A removed device's pictures go with it, so an id enrolled again never shows an old screen. */
  async forget(deviceId: string): Promise<void> {
    await rm(this.deviceDir(deviceId), { recursive: true, force: true });
  }

  private deviceDir(deviceId: string): string {
    // The id names a folder: only ids of the protocol's shape (no dots, no slashes) get one.
    if (!deviceIdSchema.safeParse(deviceId).success) {
      throw new GatecastError('BAD_REQUEST', 'not a device id');
    }
    return join(this.options.dir, deviceId);
  }

  /** Screenshot ids in the folder, oldest first; other files are ignored. */
  private async idsOf(dir: string): Promise<string[]> {
    const names = await readdir(dir).catch(() => [] as string[]);
    return names
      .filter((name) => name.endsWith('.png') && ID_PATTERN.test(name.slice(0, -4)))
      .map((name) => name.slice(0, -4))
      .sort();
  }

  private async prune(dir: string): Promise<void> {
    const ids = await this.idsOf(dir);
    for (const id of ids.slice(0, Math.max(0, ids.length - this.keep))) {
      await rm(join(dir, `${id}.png`), { force: true });
    }
  }
}

function compactTime(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}
