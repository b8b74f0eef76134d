import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentRepo } from '../../../src/content/content-repo.js';
import type { LayoutSetting, Work } from '../../../src/content/content-specs.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';

const at = '2026-11-26T08:00:00.000Z';
const SHA = 'a'.repeat(64);

function work(id: string, type: Work['type'], spec: unknown, gateId: string | null = null): Work {
  return {
    id,
    type,
    gateId,
    name: id,
    spec,
    state: 'draft',
    revision: 1,
    authorId: 'u-1',
    reviewerId: null,
    reviewComment: null,
    createdAt: at,
    updatedAt: at,
  } as Work;
}

/** The content tables through the one async path, on SQLite and PostgreSQL alike. */
describe.each(STORE_DIALECTS)('ContentRepo (%s)', (dialect) => {
  let store: TestStore | undefined;
  let repo: ContentRepo;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    repo = new ContentRepo(store.sql);
    await store.sql.run(
      sql`INSERT INTO gates (id, name, time_zone, languages, created_at)
          VALUES ('cat-bi', 'Cat Bi', 'Asia/Ho_Chi_Minh', '["vi"]', ${at})`,
    );
  });
  afterEach(async () => {
    await store?.dispose();
    store = undefined;
  });

  it('stores work, lists it by type and state, and names the items showing a file', async () => {
    await repo.insert(work('i-video', 'item', { kind: 'video', sha256: SHA }, 'cat-bi'));
    await repo.insert(work('i-text', 'item', { kind: 'text', body: { vi: 'Xin chào' } }));
    await repo.insert(work('p-1', 'playlist', { entries: [{ itemId: 'i-video' }] }));
    expect((await repo.get('i-video'))?.spec).toEqual({ kind: 'video', sha256: SHA });
    expect(await repo.get('nothing')).toBeUndefined();
    expect((await repo.list('item')).map((item) => item.id)).toEqual(['i-text', 'i-video']);
    expect((await repo.all()).map((one) => one.id)).toEqual(['i-text', 'i-video', 'p-1']);
    expect((await repo.inState('draft')).length).toBe(3);
    expect(await repo.usingMedia(SHA)).toEqual(['i-video']);
    await expect(
      repo.insert(work('i-text', 'item', { kind: 'text', body: { vi: 'x' } })),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      repo.insert(work('i-port', 'item', { kind: 'text', body: { vi: 'x' } }, 'no-gate')),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('updates only the revision it read, and removes work', async () => {
    const first = await repo.insert(work('i-1', 'item', { kind: 'text', body: { vi: 'a' } }));
    const next = { ...first, name: 'renamed', revision: 2 } as Work;
    expect(await repo.update(next, first)).toBe(true);
    // A second request that read revision 1 too loses: the row moved on meanwhile.
    expect(await repo.update({ ...first, name: 'late', revision: 2 } as Work, first)).toBe(false);
    expect((await repo.get('i-1'))?.name).toBe('renamed');
    expect(await repo.remove('i-1')).toBe(true);
    expect(await repo.remove('i-1')).toBe(false);
  });

  it('keeps one layout per scope, replaced in place, and removes it', async () => {
    const setting: LayoutSetting = {
      gateId: 'cat-bi',
      zoneId: null,
      deviceId: null,
      layout: { kind: 'full', orientation: 'landscape', transition: 'fade' },
      updatedBy: 'u-1',
      updatedAt: at,
    };
    await repo.saveLayout(setting);
    await repo.saveLayout({ ...setting, layout: { ...setting.layout, orientation: 'portrait' } });
    expect(await repo.layouts()).toEqual([
      { ...setting, layout: { ...setting.layout, orientation: 'portrait' } },
    ]);
    expect(await repo.removeLayout(setting)).toBe(true);
    expect(await repo.removeLayout(setting)).toBe(false);
  });
});
