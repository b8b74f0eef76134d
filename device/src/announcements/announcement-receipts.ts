import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { EventBody } from '../lib/device-event.js';
import { writeFileAtomic } from '../state/atomic-file.js';

/** The page said an announcement item started showing. */
export interface AnnouncementShown {
  entryId: string;
  itemId: string;
  language: string | null;
  shownAt: string;
}

export interface AnnouncementReceiptsOptions {
  /** Where the entry ids already confirmed are kept, so a restart does not confirm them again. */
  file: string;
  /** A PNG of the screen as it is now; null (or a throw) when there is no browser. */
  capture(): Promise<Buffer | null>;
  /** Queues the event (the agent's durable queue). */
  emit(body: EventBody): void;
  log: Logger;
}

/** Enough for months of announcements; the oldest ids go first (their entries expired long ago). */
const MAX_REMEMBERED = 500;

const CAPTURE_ATTEMPTS = 3;
const CAPTURE_RETRY_MS = 300;

/**
 * The render receipt: the first time an announcement entry shows on this screen, a screenshot is
 * taken, hashed, and an `announcement-shown` event queued, once per entry id, across restarts.
 * The id is remembered after the event is queued: a crash in between may confirm twice, which
 * the fleet folds (it counts a screen's first receipt), rather than never.
 */
export class AnnouncementReceipts {
  private readonly log: Logger;
  private sent: string[] = [];
  private readonly pending = new Set<string>();
  private loaded: Promise<void> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: AnnouncementReceiptsOptions) {
    this.log = options.log.child({ mod: 'announcement-receipts' });
  }

  /**
   * Confirms the entry unless it was already; resolves when the receipt is queued (or skipped).
   * Never rejects: a receipt that cannot be queued is logged and tried again at the next showing.
   */
  async shown(shown: AnnouncementShown): Promise<void> {
    await this.load();
    const { entryId } = shown;
    if (this.pending.has(entryId) || this.sent.includes(entryId)) return;
    this.pending.add(entryId);
    try {
      const screenshotSha256 = await this.screenshotHash();
      this.options.emit({
        kind: 'announcement-shown',
        entryId,
        itemId: shown.itemId,
        language: shown.language,
        shownAt: shown.shownAt,
        screenshotSha256,
      });
      this.log.info({ entryId, screenshotSha256 }, 'announcement shown; receipt queued');
      this.sent = [...this.sent, entryId].slice(-MAX_REMEMBERED);
      await this.save();
    } catch (error) {
      this.log.warn({ entryId, err: (error as Error).message }, 'receipt not queued');
    } finally {
      this.pending.delete(entryId);
    }
  }

  /** Entry ids already confirmed (oldest first). */
  async confirmed(): Promise<string[]> {
    await this.load();
    return [...this.sent];
  }

  /**
   * A busy Pi may miss a capture (a slow frame, the browser between pages): tried a few times.
   * A receipt without a hash still says the screen showed it; each failed capture is logged.
   */
  private async screenshotHash(): Promise<string | null> {
    for (let attempt = 1; attempt <= CAPTURE_ATTEMPTS; attempt++) {
      try {
        const png = await this.options.capture();
        if (png) return createHash('sha256').update(png).digest('hex');
        this.log.warn({ attempt }, 'receipt screenshot: no page to capture');
      } catch (error) {
        this.log.warn({ attempt, err: (error as Error).message }, 'receipt screenshot failed');
      }
      if (attempt < CAPTURE_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, CAPTURE_RETRY_MS));
    }
    return null;
  }

  private load(): Promise<void> {
    this.loaded ??= readFile(this.options.file, 'utf8')
      .then(
        (text) => {
          const parsed = JSON.parse(text) as unknown;
          const ids = Array.isArray(parsed)
            ? parsed.filter((id): id is string => typeof id === 'string')
            : [];
          this.sent = ids.slice(-MAX_REMEMBERED);
        },
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT')
            this.log.warn({ err: error.message }, 'receipt ledger unreadable; starting empty');
        },
      )
      .catch((error: Error) => {
        this.log.warn({ err: error.message }, 'receipt ledger corrupt; starting empty');
      });
    return this.loaded;
  }

  /** Serialised: two receipts at once must not write over each other's ledger. */
  private save(): Promise<void> {
    const snapshot = JSON.stringify(this.sent);
    this.writing = this.writing
      .then(() => writeFileAtomic(this.options.file, snapshot))
      .catch((error: Error) => this.log.warn({ err: error.message }, 'receipt ledger not saved'));
    return this.writing;
  }
}
