import type { DeviceEvent } from '@gatecast/protocol';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceEventsRepo } from '../../../src/events/device-events-repo.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { seedScreen } from '../store/seed-sql.js';
import { silentLogger } from '../store/temp-store.js';
import { playAt } from './events-app.js';

const RECEIVED = '2026-11-26T09:00:00.000Z';

describe.each(STORE_DIALECTS)('device events repo (%s)', (dialect) => {
  let store: TestStore;
  let repo: DeviceEventsRepo;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    repo = new DeviceEventsRepo(store.sql, silentLogger());
    await seedScreen(store.sql, 'cat-bi-arr-01', 'cat-bi-airport');
    await seedScreen(store.sql, 'port-term-01', 'hai-phong-port');
  });

  afterEach(async () => {
    await store?.dispose();
  });

  it('stores each event id once per device, and nothing for an unknown device', async () => {
    const event = playAt(1) as Extract<DeviceEvent, { kind: 'proof-of-play' }>;
    expect(await repo.save('cat-bi-arr-01', event, RECEIVED)).toBe(true);
    expect(await repo.save('cat-bi-arr-01', event, RECEIVED)).toBe(false);
    // The same id from another screen is another event.
    expect(await repo.save('port-term-01', event, RECEIVED)).toBe(true);
    expect(await repo.save('cat-bi-ghost-01', playAt(2), RECEIVED)).toBe(false);
    expect(await repo.count('cat-bi-arr-01')).toBe(1);
    expect(await repo.count('cat-bi-ghost-01')).toBe(0);
    const row = await store.sql.one<{ gate_id: string; duration_ms: number; started_at: string }>(
      sql`SELECT gate_id, duration_ms, started_at FROM device_events WHERE device_id = 'port-term-01'`,
    );
    expect(row).toEqual({ gate_id: 'hai-phong-port', duration_ms: 8_000, started_at: event.startedAt });
  });

  it('pages newest first with filters and a cursor, and knows the gate of a device', async () => {
    const events: DeviceEvent[] = [5, 1, 4, 2, 3].map((minute) => playAt(minute, `item-${minute}`));
    events.push({ id: 'applied-0001', at: '2026-11-26T01:03:30.000Z', kind: 'desired-applied', version: 4 });
    for (const event of events) await repo.save('cat-bi-arr-01', event, RECEIVED);

    const first = await repo.list('cat-bi-arr-01', { limit: 4 });
    expect(first.events.map((stored) => stored.at.slice(11, 19))).toEqual([
      '01:05:00',
      '01:04:00',
      '01:03:30',
      '01:03:00',
    ]);
    expect(first.events[0]).toEqual({
      id: events[0]?.id,
      kind: 'proof-of-play',
      at: '2026-11-26T01:05:00.000Z',
      receivedAt: RECEIVED,
      event: events[0],
    });
    const second = await repo.list('cat-bi-arr-01', { limit: 4, before: first.nextBefore ?? '' });
    expect(second.events.map((stored) => stored.id)).toEqual([events[3]?.id, events[1]?.id]);
    expect(second.nextBefore).toBeNull();

    const plays = await repo.list('cat-bi-arr-01', {
      kind: 'proof-of-play',
      since: '2026-11-26T01:02:00Z',
      until: '2026-11-26T01:04:00Z',
    });
    expect(plays.events.map((stored) => stored.id)).toEqual([events[4]?.id, events[3]?.id]);
    const applied = await repo.list('cat-bi-arr-01', { kind: 'desired-applied' });
    expect(applied.events.map((stored) => stored.id)).toEqual(['applied-0001']);

    expect(await repo.gateOf('cat-bi-arr-01')).toBe('cat-bi-airport');
    expect(await repo.gateOf('port-term-01')).toBeUndefined();
  });

  it('skips a stored body that no longer parses', async () => {
    await repo.save('cat-bi-arr-01', playAt(1), RECEIVED);
    await store.sql.run(sql`UPDATE device_events SET body = '{"kind":"unknown"}'`);
    expect((await repo.list('cat-bi-arr-01')).events).toEqual([]);
  });
});
