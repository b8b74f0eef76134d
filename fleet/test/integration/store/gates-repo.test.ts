import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LANGUAGES, GatesRepo } from '../../../src/gates/gates-repo.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from './both-stores.js';
import { codeOf } from './fixtures.js';
import { recordingLogger } from './temp-store.js';

describe.each(STORE_DIALECTS)('GatesRepo (%s)', (dialect) => {
  let store: TestStore;
  let gates: GatesRepo;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    gates = new GatesRepo(store.sql);
  });
  afterEach(() => store?.dispose());

  it('creates a gate with Hai Phong defaults and reads it back', async () => {
    const created = await gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
    expect(created).toMatchObject({
      id: 'cat-bi-airport',
      name: 'Cat Bi International Airport',
      timeZone: 'Asia/Ho_Chi_Minh',
      languages: [...DEFAULT_LANGUAGES],
      zones: [],
    });
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    expect(await gates.get('cat-bi-airport')).toEqual(created);
    expect(DEFAULT_LANGUAGES).toEqual(['vi', 'en', 'zh-Hans', 'lo', 'km', 'ko', 'ja', 'ru']);
  });

  it('keeps given time zone and languages', async () => {
    await gates.create({
      id: 'hai-phong-port',
      name: 'Port of Hai Phong',
      timeZone: 'Asia/Bangkok',
      languages: ['vi', 'en'],
    });
    expect(await gates.get('hai-phong-port')).toMatchObject({
      timeZone: 'Asia/Bangkok',
      languages: ['vi', 'en'],
    });
  });

  it('lists gates with their zones, sorted by id', async () => {
    await gates.create({ id: 'hai-phong-port', name: 'Port of Hai Phong' });
    await gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
    await gates.addZone('cat-bi-airport', { id: 'departures', name: 'Departures hall' });
    await gates.addZone('cat-bi-airport', { id: 'arrivals-hall', name: 'Arrivals hall' });
    await gates.addZone('hai-phong-port', { id: 'arrivals-hall', name: 'Passenger terminal arrivals' });

    const list = await gates.list();
    expect(list.map((gate) => gate.id)).toEqual(['cat-bi-airport', 'hai-phong-port']);
    expect(list[0]?.zones.map((zone) => zone.id)).toEqual(['arrivals-hall', 'departures']);
    expect(list[1]?.zones).toEqual([
      expect.objectContaining({
        id: 'arrivals-hall',
        gateId: 'hai-phong-port',
        name: 'Passenger terminal arrivals',
      }),
    ]);
    expect((await gates.get('cat-bi-airport'))?.zones).toEqual(list[0]?.zones);
  });

  it('refuses a duplicate gate or zone with CONFLICT and a zone of an unknown gate with NOT_FOUND', async () => {
    await gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
    await gates.addZone('cat-bi-airport', { id: 'arrivals-hall', name: 'Arrivals hall' });
    expect(await codeOf(() => gates.create({ id: 'cat-bi-airport', name: 'Again' }))).toBe('CONFLICT');
    expect(await codeOf(() => gates.addZone('cat-bi-airport', { id: 'arrivals-hall', name: 'Again' }))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(() => gates.addZone('no-such-gate', { id: 'arrivals-hall', name: 'Arrivals' }))).toBe(
      'NOT_FOUND',
    );
    expect((await gates.get('cat-bi-airport'))?.name).toBe('Cat Bi International Airport');
  });

  it('refuses malformed input with BAD_REQUEST', async () => {
    expect(await codeOf(() => gates.create({ id: 'Bad Id', name: 'x' }))).toBe('BAD_REQUEST');
    expect(await codeOf(() => gates.create({ id: 'ok-id', name: ' ' }))).toBe('BAD_REQUEST');
    expect(await codeOf(() => gates.create({ id: 'ok-id', name: 'x', timeZone: 'Mars/Olympus' }))).toBe(
      'BAD_REQUEST',
    );
    expect(await codeOf(() => gates.create({ id: 'ok-id', name: 'x', languages: [] }))).toBe('BAD_REQUEST');
    expect(await codeOf(() => gates.create({ id: 'ok-id', name: 'x', languages: ['vi', 'vi'] }))).toBe(
      'BAD_REQUEST',
    );
    expect(await gates.list()).toEqual([]);
  });

  it('returns undefined for an unknown gate', async () => {
    expect(await gates.get('nowhere')).toBeUndefined();
  });

  it('deleting a gate cascades to its zones', async () => {
    await gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
    await gates.addZone('cat-bi-airport', { id: 'arrivals-hall', name: 'Arrivals hall' });
    await store.sql.run(sql`DELETE FROM gates WHERE id = 'cat-bi-airport'`);
    expect(await store.sql.one(sql<{ n: number }>`SELECT count(*) AS n FROM zones`)).toEqual({ n: 0 });
  });

  it('reads a gate with corrupt languages with the defaults and logs it', async () => {
    const { log, lines } = recordingLogger();
    const repo = new GatesRepo(store.sql, log);
    await repo.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport', languages: ['vi'] });
    await store.sql.run(sql`UPDATE gates SET languages = '{not json' WHERE id = 'cat-bi-airport'`);
    expect((await repo.get('cat-bi-airport'))?.languages).toEqual([...DEFAULT_LANGUAGES]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, table: 'gates', column: 'languages', id: 'cat-bi-airport' }),
    );
  });
});
