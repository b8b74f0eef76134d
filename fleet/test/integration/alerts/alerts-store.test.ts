import type { DeviceEvent } from '@gatecast/protocol';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertEngine } from '../../../src/alerts/alert-engine.js';
import type { DeviceRecord } from '../../../src/devices/devices-repo.js';
import { DeviceEventsRepo } from '../../../src/events/device-events-repo.js';
import type { Gate } from '../../../src/gates/gates-repo.js';
import { createChannelBodySchema, newChannel } from '../../../src/notify/channel-input.js';
import { NotifyOutbox } from '../../../src/notify/notify-outbox.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { seedScreen } from '../store/seed-sql.js';
import { silentLogger } from '../store/temp-store.js';

const GATE = 'cat-bi-airport';
const A = 'cat-bi-arr-01';
const B = 'cat-bi-arr-02';
const T0 = '2026-11-26T08:00:00.000Z';

const gate: Gate = {
  id: GATE,
  name: 'Cat Bi',
  timeZone: 'Asia/Ho_Chi_Minh',
  languages: ['vi'],
  createdAt: T0,
  zones: [{ id: 'hall', name: 'Hall' } as Gate['zones'][number]],
};

function screen(id: string, state: DeviceRecord['presence']['state']): DeviceRecord {
  return {
    id,
    name: id,
    gateId: GATE,
    zoneId: 'hall',
    tags: [],
    createdAt: T0,
    presence: { state, since: T0, lastSeenAt: T0 },
    agentVersion: '1.3.2',
    reported: null,
    reportedAt: null,
    lastTelemetry: null,
    lastTelemetryAt: null,
  };
}

// The engine, its repos and the outbox on both stores. Screens and gates come from fakes: their
// repos are still SQLite-only; the rows the store's keys need are seeded as SQL.
describe.each(STORE_DIALECTS)('alerts and the outbox in the store (%s)', (dialect) => {
  let store: TestStore;
  let clock: Date;
  const screens = new Map<string, DeviceRecord>();
  let outbox: NotifyOutbox;
  let engine: AlertEngine;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    clock = new Date('2026-11-26T09:00:00.000Z');
    const log = silentLogger();
    for (const id of [A, B]) await seedScreen(store.sql, id, GATE);
    screens.clear();
    outbox = new NotifyOutbox({
      store: store.sql,
      log,
      publicUrl: () => 'https://fleet.example',
      now: () => clock,
      autoRun: false,
    });
    engine = new AlertEngine({
      store: store.sql,
      devices: { get: async (id) => screens.get(id), list: async () => [...screens.values()] },
      gates: { get: async (id) => (id === GATE ? gate : undefined) },
      desired: { latest: async () => undefined },
      sink: outbox,
      log,
      now: () => clock,
    });
    const body = { kind: 'webhook', name: 'Duty', url: 'https://hooks.example/duty', secret: 'x'.repeat(20) };
    await outbox.channels.create(newChannel(createChannelBodySchema.parse(body), 'ch-duty', clock).channel);
    await engine.policies.set(GATE, null, { rules: { offline: { delaySec: 0, clearSec: 0 } } }, T0, 'lan');
    await engine.book.reload();
  });

  afterEach(async () => {
    await engine?.stop();
    await store?.dispose();
  });

  it('records an offline alert, queues it for the channel in the same transaction, and reads it back', async () => {
    screens.set(A, screen(A, 'offline'));
    screens.set(B, screen(B, 'online'));
    await engine.evaluate(A);
    await engine.evaluate(B);

    const open = await engine.alerts.list({ state: 'open', gates: [GATE], limit: 10 });
    expect(open.alerts.map((alert) => [alert.device.id, alert.rule, alert.flapping])).toEqual([
      [A, 'offline', false],
    ]);
    expect((await engine.alerts.list({ state: 'all', gates: [], limit: 10 })).alerts).toEqual([]);
    const alert = open.alerts[0]!;
    expect((await engine.alerts.transitions(alert.id)).map((t) => [t.kind, t.notified])).toEqual([
      ['firing', 'sent'],
    ]);
    expect(await outbox.outbox.queuedCounts()).toEqual(new Map([['ch-duty', 1]]));
    const [head] = await outbox.outbox.heads();
    expect(head).toMatchObject({ channelId: 'ch-duty', attempts: 0, transition: { alertId: alert.id } });
    const batch = await outbox.outbox.batch('ch-duty', clock.getTime(), 10, 2_000);
    await outbox.outbox.markRetry(
      batch.map((row) => row.seq),
      { at: T0, status: 503, error: 'down' },
      T0,
    );
    await outbox.outbox.markDelivered(
      batch.map((row) => row.seq),
      { at: T0, status: 200, error: null },
    );
    expect(await outbox.outbox.deliveriesOf(alert.id)).toMatchObject([
      { channelName: 'Duty', transitionKind: 'firing', state: 'delivered', attempts: 2, lastStatus: 200 },
    ]);
    expect(await outbox.outbox.gateOfAlert(alert.id)).toBe(GATE);

    // The engine remembers the screen in the store, so a restart neither loses nor repeats it.
    const memory = await store.sql.all<{ device_id: string; rule: string }>(
      sql`SELECT device_id, rule FROM alert_memory ORDER BY device_id, rule`,
    );
    expect(memory).toContainEqual({ device_id: A, rule: 'offline' });
    const again = new AlertEngine({ ...engineDeps(), store: store.sql });
    await again.start();
    await again.evaluate(A);
    await again.stop();
    expect((await engine.alerts.transitions(alert.id)).length).toBe(1);

    await engine.alerts.acknowledge(alert.id, 'lan', T0, 'on it');
    await expect(engine.alerts.acknowledge(alert.id, 'minh', T0, null)).rejects.toThrow(
      /already acknowledged/,
    );
    await expect(engine.alerts.acknowledge('nope', 'minh', T0, null)).rejects.toThrow(/no alert nope/);

    screens.set(A, screen(A, 'online'));
    await engine.evaluate(A);
    expect((await engine.alerts.get(alert.id))?.state).toBe('resolved');
    expect(await outbox.outbox.queuedCounts()).toEqual(new Map([['ch-duty', 1]]));
  });

  it('raises a failed update from the stored events, and clears it once acknowledged', async () => {
    screens.set(A, screen(A, 'online'));
    const events = new DeviceEventsRepo(store.sql, silentLogger());
    const failed = {
      id: 'evt-0001',
      at: T0,
      kind: 'update-failed',
      targetVersion: '1.4.0',
      runningVersion: '1.3.2',
      stage: 'health-check',
      problem: { code: 'INTERNAL', message: 'the player did not come up' },
    } as DeviceEvent;
    await events.save(A, failed, T0);
    await engine.evaluate(A);
    const [alert] = (await engine.alerts.list({ state: 'open', gates: 'all', limit: 10 })).alerts;
    expect(alert).toMatchObject({ rule: 'update-failed', facts: { eventId: 'evt-0001' } });
    expect(await engine.alerts.updateFailureDismissed(A, 'evt-0001')).toBe(false);

    await engine.alerts.acknowledge(alert!.id, 'lan', T0, null);
    expect(await engine.alerts.updateFailureDismissed(A, 'evt-0001')).toBe(true);
    await engine.acknowledged(A, 'update-failed', alert!.id);
    expect((await engine.alerts.get(alert!.id))?.state).toBe('resolved');

    // A start of another version, stored late, is still seen: the failure is read again.
    const started = { id: 'evt-0002', at: T0, kind: 'agent-started', agentVersion: '1.3.2' } as DeviceEvent;
    await events.save(A, started, T0);
    await engine.evaluate(A);
    expect((await engine.alerts.list({ state: 'open', gates: 'all', limit: 10 })).alerts).toEqual([]);
  });

  it('keeps policy overrides per gate and zone, and refuses an unknown gate', async () => {
    await engine.policies.set(GATE, 'hall', { quietHours: { from: '22:00', to: '06:00' } }, T0, null);
    expect((await engine.policies.list()).map((stored) => [stored.gateId, stored.zoneId])).toEqual([
      [GATE, null],
      [GATE, 'hall'],
    ]);
    await expect(engine.policies.set('atlantis', null, {}, T0, null)).rejects.toThrow(/no gate atlantis/);
    expect(await engine.policies.remove(GATE, 'hall')).toBe(true);
    expect(await engine.policies.remove(GATE, 'hall')).toBe(false);
  });

  function engineDeps(): ConstructorParameters<typeof AlertEngine>[0] {
    return {
      store: store.sql,
      devices: { get: async (id) => screens.get(id), list: async () => [...screens.values()] },
      gates: { get: async (id) => (id === GATE ? gate : undefined) },
      desired: { latest: async () => undefined },
      sink: outbox,
      log: silentLogger(),
      now: () => clock,
    };
  }
});
