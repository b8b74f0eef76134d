import { codeOf } from './fixtures.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LANGUAGES, GatesRepo } from '../../../src/gates/gates-repo.js';
import { openTempStore, recordingLogger } from './temp-store.js';

describe('GatesRepo', () => {
  let store: ReturnType<typeof openTempStore>;
  let gates: GatesRepo;

  beforeEach(() => {
    store = openTempStore();
    gates = new GatesRepo(store.db);
  });
  afterEach(() => store.close());

  it('creates a gate with Hai Phong defaults and reads it back', () => {
    const created = gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
    expect(created).toMatchObject({
      id: 'cat-bi-airport',
      name: 'Cat Bi International Airport',
      timeZone: 'Asia/Ho_Chi_Minh',
      languages: [...DEFAULT_LANGUAGES],
      zones: [],
    });
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    expect(gates.get('cat-bi-airport')).toEqual(created);
    expect(DEFAULT_LANGUAGES).toEqual(['vi', 'en', 'zh-Hans', 'lo', 'km', 'ko', 'ja', 'ru']);
  });

  it('keeps given time zone and languages', () => {
    gates.create({
      id: 'hai-phong-port',
      name: 'Port of Hai Phong',
      timeZone: 'Asia/Bangkok',
      languages: ['vi', 'en'],
    });
    expect(gates.get('hai-phong-port')).toMatchObject({ timeZone: 'Asia/Bangkok', languages: ['vi', 'en'] });
  });

  it('lists gates with their zones, sorted by id', () => {
    gates.create({ id: 'hai-phong-port', name: 'Port of Hai Phong' });
    gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
    gates.addZone('cat-bi-airport', { id: 'departures', name: 'Departures hall' });
    gates.addZone('cat-bi-airport', { id: 'arrivals-hall', name: 'Arrivals hall' });
    gates.addZone('hai-phong-port', { id: 'arrivals-hall', name: 'Passenger terminal arrivals' });

    const list = gates.list();
    expect(list.map((gate) => gate.id)).toEqual(['cat-bi-airport', 'hai-phong-port']);
    expect(list[0]?.zones.map((zone) => zone.id)).toEqual(['arrivals-hall', 'departures']);
    expect(list[1]?.zones).toEqual([
      expect.objectContaining({
        id: 'arrivals-hall',
        gateId: 'hai-phong-port',
        name: 'Passenger terminal arrivals',
      }),
    ]);
    expect(gates.get('cat-bi-airport')?.zones).toEqual(list[0]?.zones);
  });

  it('refuses a duplicate gate or zone with CONFLICT and a zone of an unknown gate with NOT_FOUND', () => {
    gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
    gates.addZone('cat-bi-airport', { id: 'arrivals-hall', name: 'Arrivals hall' });
    expect(codeOf(() => gates.create({ id: 'cat-bi-airport', name: 'Again' }))).toBe('CONFLICT');
    expect(codeOf(() => gates.addZone('cat-bi-airport', { id: 'arrivals-hall', name: 'Again' }))).toBe(
      'CONFLICT',
    );
    expect(codeOf(() => gates.addZone('no-such-gate', { id: 'arrivals-hall', name: 'Arrivals' }))).toBe(
      'NOT_FOUND',
    );
    expect(gates.get('cat-bi-airport')?.name).toBe('Cat Bi International Airport');
  });

  it('refuses malformed input with BAD_REQUEST', () => {
    expect(codeOf(() => gates.create({ id: 'Bad Id', name: 'x' }))).toBe('BAD_REQUEST');
    expect(codeOf(() => gates.create({ id: 'ok-id', name: ' ' }))).toBe('BAD_REQUEST');
    expect(codeOf(() => gates.create({ id: 'ok-id', name: 'x', timeZone: 'Mars/Olympus' }))).toBe(
      'BAD_REQUEST',
    );
    expect(codeOf(() => gates.create({ id: 'ok-id', name: 'x', languages: [] }))).toBe('BAD_REQUEST');
    expect(codeOf(() => gates.create({ id: 'ok-id', name: 'x', languages: ['vi', 'vi'] }))).toBe(
      'BAD_REQUEST',
    );
    expect(gates.list()).toEqual([]);
  });

  it('returns undefined for an unknown gate', () => {
    expect(gates.get('nowhere')).toBeUndefined();
  });

  it('deleting a gate cascades to its zones', () => {
    gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
    gates.addZone('cat-bi-airport', { id: 'arrivals-hall', name: 'Arrivals hall' });
    store.db.prepare('DELETE FROM gates WHERE id = ?').run('cat-bi-airport');
    expect(store.db.prepare('SELECT count(*) FROM zones').pluck().get()).toBe(0);
  });

  it('reads a gate with corrupt languages with the defaults and logs it', () => {
    const { log, lines } = recordingLogger();
    const repo = new GatesRepo(store.db, log);
    repo.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport', languages: ['vi'] });
    store.db.prepare("UPDATE gates SET languages = '{not json' WHERE id = 'cat-bi-airport'").run();
    expect(repo.get('cat-bi-airport')?.languages).toEqual([...DEFAULT_LANGUAGES]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, table: 'gates', column: 'languages', id: 'cat-bi-airport' }),
    );
  });
});
