import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '@gatecast/protocol';
import { playAt, startEventsApp, type EventsApp } from './events-app.js';

const RECEIVED = '2026-11-26T09:00:00.000Z';

describe('device events: the API', () => {
  let ctx: EventsApp;
  let admin: string;
  let catBiOperator: string;

  beforeEach(async () => {
    ctx = await startEventsApp();
    admin = await ctx.addUser('admin', [{ role: 'admin', gateId: null }]);
    catBiOperator = await ctx.addUser('catbi.ops', [{ role: 'operator', gateId: 'cat-bi-airport' }]);
  });

  afterEach(async () => {
    await ctx.close();
  });

  it('lists newest first by the time on the screen, a page at a time, with filters', async () => {
    const events: DeviceEvent[] = [];
    for (const minute of [5, 1, 4, 2, 3]) events.push(playAt(minute, `item-${minute}`));
    events.push({ id: 'applied-0001', at: '2026-11-26T01:03:30.000Z', kind: 'desired-applied', version: 4 });
    for (const event of events) await ctx.deviceEvents.save(ctx.catBiScreen, event, RECEIVED);
    const url = `/api/v1/devices/${ctx.catBiScreen}/events`;

    const first = await ctx.get(admin, `${url}?limit=4`);
    expect(first.status).toBe(200);
    expect(first.body.events.map((stored: { at: string }) => stored.at.slice(11, 19))).toEqual([
      '01:05:00',
      '01:04:00',
      '01:03:30',
      '01:03:00',
    ]);
    expect(first.body.events[0]).toEqual({
      id: events[0]?.id,
      kind: 'proof-of-play',
      at: '2026-11-26T01:05:00.000Z',
      receivedAt: RECEIVED,
      event: events[0],
    });
    const second = await ctx.get(admin, `${url}?limit=4&before=${first.body.nextBefore}`);
    expect(second.body.events.map((stored: { id: string }) => stored.id)).toEqual([
      events[3]?.id,
      events[1]?.id,
    ]);
    expect(second.body.nextBefore).toBeNull();

    const plays = await ctx.get(
      admin,
      `${url}?kind=proof-of-play&since=2026-11-26T01:02:00Z&until=2026-11-26T01:04:00Z`,
    );
    expect(plays.body.events.map((stored: { event: { itemId: string } }) => stored.event.itemId)).toEqual([
      'item-3',
      'item-2',
    ]);
    const applied = await ctx.get(admin, `${url}?kind=desired-applied`);
    expect(applied.body.events.map((stored: { id: string }) => stored.id)).toEqual(['applied-0001']);
  });

  it('answers 400 for a bad cursor, kind or limit', async () => {
    const url = `/api/v1/devices/${ctx.catBiScreen}/events`;
    for (const query of ['before=nonsense', 'kind=telemetry', 'limit=0', 'limit=5000', 'since=yesterday']) {
      const answer = await ctx.get(admin, `${url}?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe('BAD_REQUEST');
    }
  });

  it('is scoped by gate: a Cat Bi operator reads Cat Bi events and gets 403 for a Port device', async () => {
    await ctx.deviceEvents.save(ctx.catBiScreen, playAt(1), RECEIVED);
    await ctx.deviceEvents.save(ctx.portScreen, playAt(2), RECEIVED);
    const own = await ctx.get(catBiOperator, `/api/v1/devices/${ctx.catBiScreen}/events`);
    expect(own.status).toBe(200);
    expect(own.body.events).toHaveLength(1);

    const port = await ctx.get(catBiOperator, `/api/v1/devices/${ctx.portScreen}/events`);
    expect(port.status).toBe(403);
    expect(port.body.error).toEqual({
      code: 'FORBIDDEN',
      message: 'catbi.ops may not devices.read at gate hai-phong-port',
    });
    const denied = (await ctx.audit.search({ outcome: 'denied' })).entries;
    expect(denied.map((entry) => [entry.action, entry.objectId, entry.gateId])).toEqual([
      ['device.events', ctx.portScreen, 'hai-phong-port'],
    ]);
    expect((await ctx.get(catBiOperator, '/api/v1/devices/cat-bi-ghost-01/events')).status).toBe(404);
  });

  it("keeps a removed device's events, still scoped to the gate they came from", async () => {
    const event = playAt(1);
    await ctx.deviceEvents.save(ctx.portScreen, event, RECEIVED);
    expect(await ctx.devices.remove(ctx.portScreen)).toBe(true);
    const answer = await ctx.get(admin, `/api/v1/devices/${ctx.portScreen}/events`);
    expect(answer.status).toBe(200);
    expect(answer.body.events.map((stored: { id: string }) => stored.id)).toEqual([event.id]);
    expect((await ctx.get(catBiOperator, `/api/v1/devices/${ctx.portScreen}/events`)).status).toBe(403);
  });
});
