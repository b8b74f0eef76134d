import type { Logger } from 'pino';
import { ContentRepo } from '../content/content-repo.js';
import type { ContentItemWork, PlaylistWork, ScheduleWork } from '../content/content-specs.js';
import type { Database } from '../store/database.js';
import type { ContentSnapshot } from './compose-content.js';

/** Where the composer's content comes from; read once per round of refreshes. */
export interface ContentSource {
  snapshot(): ContentSnapshot;
}

/**
 * The content tables as the composer reads them. Everything is read, published or not: the pure
 * composer applies the rule "only published work whose every part is published", so it is
 * stated (and tested) in one place.
 */
export class StoredContentSource implements ContentSource {
  private readonly repo: ContentRepo;

  constructor(db: Database, log?: Logger) {
    this.repo = new ContentRepo(db, log);
  }

  snapshot(): ContentSnapshot {
    return {
      items: new Map(this.repo.list('item').map((work): [string, ContentItemWork] => [work.id, work])),
      playlists: new Map(this.repo.list('playlist').map((work): [string, PlaylistWork] => [work.id, work])),
      schedules: this.repo.list('schedule') satisfies ScheduleWork[],
      layouts: this.repo.layouts(),
    };
  }
}
