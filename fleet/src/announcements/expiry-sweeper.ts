import type { Logger } from 'pino';
import type { AnnouncementsRepo } from './announcements-repo.js';

/** A timer never longer than this, so a clock that jumped is caught up with within the hour. */
const MAX_TIMER_MS = 60 * 60_000;

/**
 * At each announcement's expiry, recomposes the screens it went to so their documents shrink.
 * The screens themselves drop it at `notAfter` without us; this only tidies the documents, so a
 * late or missed sweep (fleet down) is harmless: the fleet's start recomposes every screen anyway.
 */
export class ExpirySweeper {
  private timer: NodeJS.Timeout | null = null;
  private lastSweep: Date;
  private running = false;

  constructor(
    private readonly deps: {
      announcements: Pick<AnnouncementsRepo, 'nextExpiry' | 'expiredBetween' | 'screensOf'>;
      refresh(deviceIds: string[]): Promise<void>;
      now: () => Date;
      log: Logger;
    },
  ) {
    this.lastSweep = deps.now();
  }

  async start(): Promise<void> {
    this.running = true;
    this.lastSweep = this.deps.now();
    await this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Sets the timer for the next expiry; called after every change that may have moved it. */
  async arm(): Promise<void> {
    if (!this.running) return;
    const next = await this.deps.announcements.nextExpiry(this.lastSweep);
    // Cleared after the read: of two arms at once, the later one's timer is the only one left.
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const wait = next === null ? MAX_TIMER_MS : Date.parse(next) - this.deps.now().getTime();
    this.timer = setTimeout(
      () => {
        this.sweep().catch((error: Error) =>
          this.deps.log.error({ err: error.message }, 'expiry sweep failed'),
        );
      },
      Math.min(MAX_TIMER_MS, Math.max(0, wait)) + 50,
    );
    this.timer.unref();
  }

  /** Recomposes the screens of every announcement that expired since the last sweep. */
  async sweep(): Promise<void> {
    const now = this.deps.now();
    const { announcements } = this.deps;
    const expired = await announcements.expiredBetween(this.lastSweep, now);
    this.lastSweep = now;
    if (expired.length > 0) {
      const ids = new Set<string>();
      for (const id of expired) {
        for (const screen of await announcements.screensOf(id)) ids.add(screen.deviceId);
      }
      this.deps.log.info({ announcements: expired.length, screens: ids.size }, 'announcements expired');
      await this.deps.refresh([...ids]);
    }
    await this.arm();
  }
}
