import type { ScheduleEntry } from '@gatecast/protocol';
import type { DeviceRecord } from '../devices/devices-repo.js';
import { entryIdOf, targetsScreen, type Announcement } from './announcement-model.js';
import type { AnnouncementsRepo } from './announcements-repo.js';

/**
 * The announcements that target a screen, as schedule entries of layer `announcement` with
 * `notBefore`/`notAfter`: live or still to start, not yet expired or cancelled. The composer
 * puts them into the screen's desired document; the screen shows them over everything else.
 */
export interface AnnouncementSource {
  entriesFor(device: DeviceRecord, now: Date): Promise<ScheduleEntry[]>;
  /** A compose round begins: what was read before it may be stale (another fleet process wrote). */
  beginRound?(): void;
}

/** One item shows title and body; the player rotates through the gate's languages. */
const ITEM_SECONDS = 60;

/** The entry a screen gets for one announcement: full screen (zone main), between its start and expiry. */
export function entryOf(announcement: Announcement): ScheduleEntry {
  const id = entryIdOf(announcement.id);
  const hasTitle = Object.keys(announcement.title).length > 0;
  return {
    id,
    layer: 'announcement',
    zone: 'main',
    ...(announcement.startsAt ? { notBefore: announcement.startsAt } : {}),
    ...(announcement.expiresAt ? { notAfter: announcement.expiresAt } : {}),
    items: [
      {
        kind: 'text',
        id,
        ...(hasTitle ? { title: announcement.title } : {}),
        body: announcement.body,
        durationSec: ITEM_SECONDS,
      },
    ],
  };
}

/**
 * Reads the store once per change and round rather than once per screen: recomposing a thousand screens
 * after a fire asks for the same few rows a thousand times. The read in flight is shared too, so
 * screens composed at once wait for one query instead of each starting its own.
 */
export class StoredAnnouncementSource implements AnnouncementSource {
  private cache: { generation: number; at: number; rows: Promise<Announcement[]> } | null = null;

  constructor(private readonly repo: Pick<AnnouncementsRepo, 'current' | 'generation'>) {}

  /** The generation counts this process's writes only; a new round reads again, once. */
  beginRound(): void {
    this.cache = null;
  }

  async entriesFor(device: DeviceRecord, now: Date): Promise<ScheduleEntry[]> {
    return (await this.current(now))
      .filter((announcement) => targetsScreen(announcement.targets, device))
      .map(entryOf);
  }

  private async current(now: Date): Promise<Announcement[]> {
    const at = now.getTime();
    const cache = this.cache;
    // Without a write, the set only shrinks as time passes: filtering the cached rows is exact.
    if (cache && cache.generation === this.repo.generation && at >= cache.at) {
      return (await cache.rows).filter((row) => row.expiresAt !== null && Date.parse(row.expiresAt) > at);
    }
    // The generation before the read: a write during it leaves the cache stale, so the next call reads.
    const generation = this.repo.generation;
    const rows = this.repo.current(now);
    this.cache = { generation, at, rows };
    try {
      return await rows;
    } catch (error) {
      if (this.cache?.rows === rows) this.cache = null;
      throw error;
    }
  }
}
