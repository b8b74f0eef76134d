import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateReleaseKey } from '../../../src/releases/release-keys.js';
import { ReleasesRepo } from '../../../src/releases/releases-repo.js';
import { isConstraintError } from '../../../src/store/constraint-errors.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { signedRelease } from './releases-app.js';

describe.each(STORE_DIALECTS)('the releases table (%s)', (dialect) => {
  let store: TestStore;
  let releases: ReleasesRepo;
  const key = generateReleaseKey();

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    releases = new ReleasesRepo(store.sql);
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('keeps a signed manifest as given, and refuses its version a second time', async () => {
    const { signed } = signedRelease('1.4.0', key, 1000);
    await releases.insert(signed, '2026-11-26T00:00:00.000Z', 'lan');
    expect(await releases.get('1.4.0')).toEqual({
      version: '1.4.0',
      manifest: signed.manifest,
      signature: signed.signature,
      sha256: signed.manifest.sha256,
      size: 1000,
      createdAt: '2026-11-26T00:00:00.000Z',
      createdBy: 'lan',
      published: false,
      publishedAt: null,
      publishedBy: null,
    });
    expect(await releases.get('9.9.9')).toBeUndefined();
    const again = releases.insert(signed, '2026-11-26T00:00:01.000Z', 'duc');
    await expect(again).rejects.toSatisfy((error) => isConstraintError(error, 'primary-key'));
    const rows = await store.sql.all<{ n: number }>(sql`SELECT COUNT(*) AS n FROM releases`);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('publishes a release once: the second of two racing uploads loses', async () => {
    await releases.insert(signedRelease('1.4.0', key, 10).signed, '2026-11-26T00:00:00.000Z', null);
    await releases.insert(signedRelease('1.5.0', key, 10).signed, '2026-11-26T00:00:00.000Z', null);
    const both = await Promise.all([
      releases.markPublished('1.4.0', '2026-11-26T00:01:00.000Z', 'lan'),
      releases.markPublished('1.4.0', '2026-11-26T00:01:00.000Z', 'duc'),
    ]);
    expect(both.sort()).toEqual([false, true]);
    expect(await releases.markPublished('1.6.0', '2026-11-26T00:01:00.000Z', 'lan')).toBe(false);
    const listed = await releases.list();
    expect(listed.map((release) => [release.version, release.published]).sort()).toEqual([
      ['1.4.0', true],
      ['1.5.0', false],
    ]);
  });
});
