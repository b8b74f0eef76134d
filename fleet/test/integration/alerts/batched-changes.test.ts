import { sql } from 'kysely';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../../src/alerts/alert-types.js';
import { AlertEngine } from '../../../src/alerts/alert-engine.js';
import { FleetEvents } from '../../../src/devices/fleet-events.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { openApiCore } from '../support/api-app.js';
import { eventually, startAlertHarness, type AlertHarness } from './alert-harness.js';

const screenIds = (count: number) =>
  Array.from({ length: count }, (_, index) => `cat-bi-gate-${String(index).padStart(3, '0')}`);

/** Kinds of what the sink saw, per screen, in the order it saw them. */
function kindsByScreen(sent: AlertTransition[]): Map<string, string[]> {
  const byScreen = new Map<string, string[]>();
  for (const transition of sent) {
    byScreen.set(transition.device.id, [...(byScreen.get(transition.device.id) ?? []), transition.kind]);
  }
  return byScreen;
}

describe('the alert engine evaluates changed screens in batches', () => {
  let harness: AlertHarness;

  beforeEach(async () => {
    harness = await startAlertHarness();
    // Let the engine's start-up sweep (over no screens yet) run before the test adds any.
    await new Promise((resolve) => setTimeout(resolve, 5));
  });

  afterEach(async () => {
    await harness.close();
  });

  it('200 screens dropping at once fire 200 offline alerts, each once, in per-screen order', async () => {
    await harness.setPolicy({ rules: { offline: { delaySec: 0, clearSec: 0 } } });
    const ids = screenIds(200);
    const secrets = new Map<string, string>();
    for (const id of ids) secrets.set(id, await harness.enrol(id));
    const connectAll = () => Promise.all(ids.map((id) => harness.connect(id, secrets.get(id) ?? '')));
    const clients: MqttClient[] = await connectAll();
    await eventually(async () =>
      expect(
        (await harness.run.devices.list()).filter((device) => device.presence.state === 'online'),
      ).toHaveLength(200),
    );
    expect(harness.sent).toEqual([]);

    // Links close with no goodbye: the broker hands out every will at once.
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await eventually(() => expect(harness.sent).toHaveLength(200), 20_000);
    await connectAll();
    await eventually(() => expect(harness.sent).toHaveLength(400), 20_000);

    const byScreen = kindsByScreen(harness.sent);
    expect(byScreen.size).toBe(200);
    for (const id of ids) expect(byScreen.get(id)).toEqual(['firing', 'resolved']);
    expect(new Set(harness.sent.map((transition) => transition.id)).size).toBe(400);
    const perScreen = harness.run.db
      .prepare<[], { device_id: string; alerts: number }>(
        `SELECT device_id, COUNT(*) AS alerts FROM alerts WHERE rule = 'offline' GROUP BY device_id`,
      )
      .all();
    expect(perScreen).toHaveLength(200);
    expect(perScreen.every((row) => row.alerts === 1)).toBe(true);
  });

  it('stop() with changes pending keeps each batch whole, and a restart fires the rest once', async () => {
    await harness.setPolicy({ rules: { offline: { delaySec: 0, clearSec: 0 } } });
    const ids = screenIds(300);
    for (const id of ids) await harness.enrol(id);
    const { engine, events, db } = harness.run;
    // Enrolled, never seen: offline. Each change only notes the screen; one flush takes 200 of them.
    for (const id of ids) events.deviceChanged(id);
    expect(harness.sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await engine.stop();
    // Give a flush that stop() failed to cancel every chance to run.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));

    const sentIds = new Set(harness.sent.map((transition) => transition.device.id));
    expect(harness.sent).toHaveLength(200);
    expect(sentIds.size).toBe(200);
    const column = (sql: string) => new Set(db.prepare<[], string>(sql).pluck().all());
    // Every screen the sink heard of has its alert, transition and memory stored; no other has any.
    expect(column(`SELECT device_id FROM alerts WHERE rule = 'offline'`)).toEqual(sentIds);
    expect(column(`SELECT a.device_id FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id`)).toEqual(
      sentIds,
    );
    expect(column(`SELECT device_id FROM alert_memory WHERE rule = 'offline'`)).toEqual(sentIds);

    await harness.restart();
    await eventually(() => expect(harness.sent).toHaveLength(300), 20_000);
    await harness.run.engine.sweep();
    await harness.run.engine.tick();
    const byScreen = kindsByScreen(harness.sent);
    expect(byScreen.size).toBe(300);
    for (const id of ids) expect(byScreen.get(id)).toEqual(['firing']);
    const alerts = harness.run.db
      .prepare<[], number>(`SELECT COUNT(*) FROM alerts WHERE rule = 'offline' AND state = 'open'`)
      .pluck()
      .get();
    expect(alerts).toBe(300);
  });

  it('a screen whose evaluation fails costs only itself, not the rest of its batch', async () => {
    const core = openApiCore();
    await seedGates(core.gates);
    const events = new FleetEvents({ log: core.log });
    // Like the notification outbox, the sink writes in the recording transaction: a rollback undoes it.
    core.db.exec('CREATE TABLE sink_rows (seq INTEGER PRIMARY KEY, what TEXT NOT NULL) STRICT');
    const sent = () => core.db.prepare<[], string>('SELECT what FROM sink_rows ORDER BY seq').pluck().all();
    const broken = 'cat-bi-broken';
    const engine = new AlertEngine({
      ...core,
      store: core.store.sql,
      events,
      desired: {
        latest: async (deviceId) => {
          if (deviceId === broken) throw new Error('desired state unreadable');
          return undefined;
        },
      },
      sink: {
        enqueue: async (tx, transition) => {
          await tx.run(
            sql`INSERT INTO sink_rows (what) VALUES (${`${transition.device.id}:${transition.kind}`})`,
          );
        },
      },
    });
    try {
      await engine.start();
      await engine.policies.set(
        'cat-bi-airport',
        null,
        { rules: { offline: { delaySec: 0 } } },
        '2026-12-01T00:00:00.000Z',
        null,
      );
      await engine.book.reload();
      const ids = ['cat-bi-first', broken, 'cat-bi-last'];
      for (const id of ids) await enrol(core.devices, id);
      for (const id of ids) events.deviceChanged(id);
      await new Promise((resolve) => setImmediate(resolve));
      await engine.settled();
      expect(sent()).toEqual(['cat-bi-first:firing', 'cat-bi-last:firing']);
      expect(await engine.alerts.openFor(broken, 'offline')).toBeUndefined();
    } finally {
      await engine.stop();
      events.stop();
      await core.close({ close: async () => undefined });
    }
  });
});
