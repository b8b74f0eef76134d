import type { Logger } from 'pino';
import { ContentRepo } from '../content/content-repo.js';
import type { ContentItemWork, PlaylistWork, ScheduleWork } from '../content/content-specs.js';
import type { Sql } from '../store/sql.js';
import type { ContentSnapshot } from './compose-content.js';

/** Where the composer's content comes from; read once per round of refreshes. */
export interface ContentSource {
  snapshot(): Promise<ContentSnapshot>;
}

/**
 * The content tables as the composer reads them. Everything is read, published or not: the pure
 * composer applies the rule "only published work whose every part is published", so it is
 * stated (and tested) in one place.
 */
export class StoredContentSource implements ContentSource {
  private readonly repo: ContentRepo;

  constructor(store: Sql, log?: Logger) {
    this.repo = new ContentRepo(store, log);
  }

  async snapshot(): Promise<ContentSnapshot> {
    const items = await this.repo.list('item');
    const playlists = await this.repo.list('playlist');
    return {
      items: new Map(items.map((work): [string, ContentItemWork] => [work.id, work])),
      playlists: new Map(playlists.map((work): [string, PlaylistWork] => [work.id, work])),
      schedules: (await this.repo.list('schedule')) satisfies ScheduleWork[],
      layouts: await this.repo.layouts(),
    };
  }
}
