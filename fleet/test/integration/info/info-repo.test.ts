import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InfoRepo } from '../../../src/info/info-repo.js';
import type { InfoNodeRecord } from '../../../src/info/info-specs.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';

const at = '2026-11-26T08:00:00.000Z';

function node(id: string, gateId: string | null, parentId: string | null, order: number): InfoNodeRecord {
  return {
    id,
    gateId,
    parentId,
    kind: parentId === null ? 'category' : 'page',
    order,
    spec: { title: { vi: id }, blocks: [] },
    sample: gateId === null,
    state: 'draft',
    revision: 1,
    authorId: 'u-1',
    reviewerId: null,
    reviewComment: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** The information tables through the one async path, on SQLite and PostgreSQL alike. */
describe.each(STORE_DIALECTS)('InfoRepo (%s)', (dialect) => {
  let store: TestStore | undefined;
  let repo: InfoRepo;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    repo = new InfoRepo(store.sql);
    for (const id of ['cat-bi', 'port'])
      await store.sql.run(
        sql`INSERT INTO gates (id, name, time_zone, languages, created_at)
            VALUES (${id}, ${id}, 'Asia/Ho_Chi_Minh', '["vi"]', ${at})`,
      );
  });
  afterEach(async () => {
    await store?.dispose();
    store = undefined;
  });

  it('stores a tree, lists fleet-wide nodes first, and scopes a gate to its own and the fleet-wide ones by position', async () => {
    await repo.transaction(async (tx) => {
      await tx.insert(node('fleet', null, null, 10));
      await tx.insert(node('cat-root', 'cat-bi', null, 5));
      await tx.insert(node('cat-page', 'cat-bi', 'cat-root', 10));
      await tx.insert(node('port-root', 'port', null, 1));
    });
    expect((await repo.all()).map((one) => one.id)).toEqual(['fleet', 'cat-root', 'cat-page', 'port-root']);
    expect((await repo.scopeOf('cat-bi')).map((one) => one.id)).toEqual(['cat-root', 'cat-page', 'fleet']);
    expect(await repo.get('fleet')).toEqual(node('fleet', null, null, 10));
    expect(await repo.hasNodesAt('port')).toBe(true);
    expect(await repo.hasNodesAt('nowhere')).toBe(false);
    expect(await repo.childrenOf('cat-root')).toEqual(['cat-page']);
    await expect(repo.insert(node('orphan', 'cat-bi', 'missing', 1))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(repo.insert(node('fleet', null, null, 1))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('rolls a failed seed back whole', async () => {
    await expect(
      repo.transaction(async (tx) => {
        await tx.insert(node('a', 'cat-bi', null, 1));
        await tx.insert(node('a', 'cat-bi', null, 2));
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await repo.all()).toEqual([]);
  });

  it('updates only the revision it read, removes nodes and keeps each gate’s bundle row', async () => {
    const first = await repo.insert(node('n-1', 'cat-bi', null, 1));
    expect(await repo.update({ ...first, revision: 2, sample: true }, first)).toBe(true);
    expect(await repo.update({ ...first, revision: 2 }, first)).toBe(false);
    expect((await repo.get('n-1'))?.sample).toBe(true);
    expect(await repo.remove('n-1')).toBe(true);
    const row = {
      gate_id: 'cat-bi',
      version: 1,
      sha256: 'b'.repeat(64),
      size_bytes: 10,
      fingerprint: 'f',
      built_at: at,
    };
    await repo.saveBundle(row);
    await repo.saveBundle({ ...row, version: 2 });
    expect(await repo.bundle('cat-bi')).toEqual({ ...row, version: 2 });
    expect(await repo.bundle('port')).toBeUndefined();
  });
});
