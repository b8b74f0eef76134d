import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CountersRepo } from '../../../src/counters/counters-repo.js';
import { isConstraintError } from '../../../src/store/constraint-errors.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';

const at = '2026-11-26T08:00:00.000Z';
const later = '2026-11-26T08:10:00.000Z';

/** The counter tables through the one async path, on SQLite and PostgreSQL alike. */
describe.each(STORE_DIALECTS)('CountersRepo (%s)', (dialect) => {
  let store: TestStore | undefined;
  let repo: CountersRepo;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    repo = new CountersRepo(store.sql);
    await store.sql.run(
      sql`INSERT INTO gates (id, name, time_zone, languages, created_at)
          VALUES ('cat-bi', 'Cat Bi', 'Asia/Ho_Chi_Minh', '["vi"]', ${at})`,
    );
    await store.sql.run(
      sql`INSERT INTO zones (gate_id, id, name, created_at) VALUES ('cat-bi', 'arrivals', 'Arrivals', ${at})`,
    );
    for (const id of ['counter-1', 'counter-2'])
      await store.sql.run(
        sql`INSERT INTO devices (id, name, gate_id, zone_id, created_at)
            VALUES (${id}, ${id}, 'cat-bi', 'arrivals', ${at})`,
      );
  });
  afterEach(async () => {
    await store?.dispose();
    store = undefined;
  });

  it('keeps one code per screen, unique across screens, and replaces it only while unchanged', async () => {
    expect(await repo.nextCodeExpiry()).toBeNull();
    const code = { deviceId: 'counter-1', code: '123456', issuedAt: at, expiresAt: later };
    await repo.saveCode(code);
    await repo.saveCode({ ...code, code: '654321' });
    expect(await repo.code('counter-1')).toEqual({ ...code, code: '654321' });
    expect(await repo.codeByValue('654321')).toEqual({ ...code, code: '654321' });
    const taken = await repo
      .saveCode({ ...code, deviceId: 'counter-2', code: '654321' })
      .catch((error: unknown) => error);
    expect(isConstraintError(taken, 'unique')).toBe(true);
    expect(await repo.replaceCode('123456', { ...code, code: '111111' })).toBe(false);
    expect(await repo.replaceCode('654321', { ...code, code: '111111' })).toBe(true);
    expect(await repo.nextCodeExpiry()).toBe(later);
    expect((await repo.allCodes()).map((one) => one.code)).toEqual(['111111']);
    await repo.removeCode('counter-1');
    expect(await repo.allCodes()).toEqual([]);
  });

  it('pairs, touches and revokes once', async () => {
    await repo.addPairing({ id: 'p-1', deviceId: 'counter-1', tokenHash: 'h-1', createdAt: at });
    await repo.touchPairing('p-1', later);
    const pairing = {
      id: 'p-1',
      deviceId: 'counter-1',
      createdAt: at,
      lastUsedAt: later,
      revokedAt: null,
      revokedBy: null,
    };
    expect(await repo.pairingByTokenHash('h-1')).toEqual(pairing);
    expect(await repo.revoke('p-1', later, 'lan')).toBe(true);
    expect(await repo.revoke('p-1', later, 'lan')).toBe(false);
    expect(await repo.pairings()).toEqual([{ ...pairing, revokedAt: later, revokedBy: 'lan' }]);
    expect(await repo.pairing('nothing')).toBeUndefined();
  });

  it('keeps the pushed page per screen and finds those that ended', async () => {
    const page = { deviceId: 'counter-1', nodeId: 'n-1', language: 'vi', shownSince: at, pairingId: 'p-1' };
    await repo.savePage({ ...page, until: later });
    await repo.savePage({ ...page, deviceId: 'counter-2', until: null });
    expect(await repo.page('counter-1')).toEqual({ ...page, until: later });
    expect(await repo.expiredPages(at)).toEqual([]);
    expect(await repo.expiredPages(later)).toEqual(['counter-1']);
    expect(await repo.nextPageEnd(at)).toBe(later);
    expect(await repo.nextPageEnd(later)).toBeNull();
    expect(await repo.removePage('counter-1')).toBe(true);
    expect(await repo.removePage('counter-1')).toBe(false);
  });
});
