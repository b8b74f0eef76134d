import type { DeviceEvent } from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrol } from '../store/fixtures.js';
import { startAlertsApp, type AlertsApp } from './alerts-app.js';

const A = 'cat-bi-arrivals-01';
const B = 'cat-bi-arrivals-02';

function kinds(t: AlertsApp, deviceId: string): string[] {
  return t.sent
    .filter((transition) => transition.device.id === deviceId)
    .map((transition) => transition.kind);
}

describe('quiet hours, recorded in the store', () => {
  let t: AlertsApp;

  beforeEach(async () => {
    t = await startAlertsApp();
    t.clock.now = new Date('2026-12-01T16:00:00.000Z'); // 23:00 at Cat Bi
    await t.engine.policies.set(
      'cat-bi-airport',
      null,
      { quietHours: { from: '22:00', to: '06:00' } },
      t.clock.now.toISOString(),
      null,
    );
    await t.engine.book.reload();
    for (const id of [A, B]) {
      await enrol(t.core.devices, id);
      await t.core.devices.setPresence(id, 'online', t.clock.now.toISOString());
      await t.core.devices.setPresence(id, 'offline', t.clock.now.toISOString());
      await t.engine.evaluate(id);
    }
  });

  afterEach(async () => {
    await t.close();
  });

  it('holds what fires at night, sends it in order when quiet hours end, and never sends what came and went', async () => {
    t.advance(181);
    await t.engine.tick();
    expect(t.sent).toEqual([]);
    const open = (await t.engine.alerts.list({ state: 'open', gates: 'all', limit: 10 })).alerts;
    expect(open.map((alert) => alert.device.id).sort()).toEqual([A, B]);

    // B comes back in the night: fired and resolved wholly inside quiet hours.
    await t.core.devices.setPresence(B, 'online', t.clock.now.toISOString());
    await t.engine.evaluate(B);
    t.advance(61);
    await t.engine.tick();
    // A is still offline past its escalation time, still in the night.
    t.advance(30 * 60);
    await t.engine.tick();
    expect(t.sent).toEqual([]);

    t.clock.now = new Date('2026-12-01T23:00:01.000Z'); // 06:00 at Cat Bi
    await t.engine.tick();
    expect(kinds(t, A)).toEqual(['firing', 'escalated']);
    expect(kinds(t, B)).toEqual([]);
    const alertOfA = t.sent[0]?.alertId ?? '';
    const recorded = await t.engine.alerts.transitions(alertOfA);
    expect(recorded.map((transition) => [transition.kind, transition.notified])).toEqual([
      ['firing', 'sent'],
      ['escalated', 'sent'],
    ]);
    // Released under the ids they were recorded with, so the outbox queues each once.
    expect(t.sent.map((transition) => transition.id)).toEqual(recorded.map((transition) => transition.id));
    const alertOfB = open.find((alert) => alert.device.id === B)?.id ?? '';
    expect((await t.engine.alerts.transitions(alertOfB)).map((transition) => transition.notified)).toEqual([
      'suppressed',
      'suppressed',
    ]);

    await t.engine.tick();
    expect(t.sent).toHaveLength(2);
  });
});

describe('failed updates', () => {
  let t: AlertsApp;
  let admin: string;
  let seq = 0;

  function event(body: Record<string, unknown>): DeviceEvent {
    seq += 1;
    return {
      id: `evt-update-${String(seq).padStart(4, '0')}`,
      at: t.clock.now.toISOString(),
      ...body,
    } as DeviceEvent;
  }

  const failed = {
    kind: 'update-failed',
    targetVersion: '1.4.0',
    runningVersion: '1.3.2',
    stage: 'health-check',
    problem: { code: 'INTERNAL', message: 'the player did not come up' },
  };

  beforeEach(async () => {
    t = await startAlertsApp();
    admin = await t.addUser('admin.hp', [{ role: 'admin', gateId: null }]);
    await enrol(t.core.devices, A);
    await t.core.devices.setPresence(A, 'online', t.clock.now.toISOString());
  });

  afterEach(async () => {
    await t.close();
  });

  it('raises at once, and resolves when someone acknowledges it', async () => {
    await t.core.deviceEvents.save(A, event(failed), t.clock.now.toISOString());
    await t.engine.evaluate(A);
    expect(t.sent.map((transition) => `${transition.rule}:${transition.kind}`)).toEqual([
      'update-failed:firing',
    ]);
    expect(t.sent[0]?.facts).toMatchObject({ targetVersion: '1.4.0', stage: 'health-check' });

    const acked = await t.call(admin, 'POST', `/api/v1/alerts/${t.sent[0]?.alertId}/ack`, {});
    expect(acked.status).toBe(200);
    expect(kinds(t, A)).toEqual(['firing', 'resolved']);
    t.advance(3600);
    await t.engine.evaluate(A);
    expect(kinds(t, A)).toEqual(['firing', 'resolved']);
  });

  it('resolves when the device later starts the target version', async () => {
    await t.core.deviceEvents.save(A, event(failed), t.clock.now.toISOString());
    await t.engine.evaluate(A);
    t.advance(60);
    await t.core.deviceEvents.save(
      A,
      event({ kind: 'agent-started', agentVersion: '1.3.2' }),
      t.clock.now.toISOString(),
    );
    await t.engine.evaluate(A);
    expect(kinds(t, A)).toEqual(['firing']);
    t.advance(60);
    await t.core.deviceEvents.save(
      A,
      event({ kind: 'agent-started', agentVersion: '1.4.0' }),
      t.clock.now.toISOString(),
    );
    await t.engine.evaluate(A);
    expect(kinds(t, A)).toEqual(['firing', 'resolved']);
  });
});

describe('removed screens', () => {
  let t: AlertsApp;

  beforeEach(async () => {
    t = await startAlertsApp();
  });

  afterEach(async () => {
    await t.engine.stop();
    await t.close();
  });

  async function goOffline(deviceId: string): Promise<void> {
    await t.core.devices.setPresence(deviceId, 'online', t.clock.now.toISOString());
    await t.core.devices.setPresence(deviceId, 'offline', t.clock.now.toISOString());
    await t.engine.evaluate(deviceId);
    t.advance(181);
    await t.engine.tick();
  }

  it('closes the open alerts of a removed screen quietly, and lets a new screen of the same id raise its own', async () => {
    await enrol(t.core.devices, A);
    await enrol(t.core.devices, B);
    await goOffline(A);
    await goOffline(B);
    const first = await t.engine.alerts.openFor(A, 'offline');
    expect(first).toBeDefined();

    // A is removed and enrolled again before any sweep; B is removed for good.
    await t.core.devices.remove(A);
    await t.core.devices.remove(B);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later enrolment time, as any real one has
    await enrol(t.core.devices, A);
    await goOffline(A);
    const second = await t.engine.alerts.openFor(A, 'offline');
    expect(second?.id).not.toBe(first?.id);
    expect((await t.engine.alerts.get(first?.id ?? ''))?.state).toBe('resolved');

    await t.engine.start();
    await t.engine.sweep();
    expect(await t.engine.alerts.openFor(B, 'offline')).toBeUndefined();
    expect(kinds(t, B)).toEqual(['firing']); // closed without a message
    expect(
      (await t.engine.alerts.list({ state: 'open', gates: 'all', limit: 10 })).alerts.map(
        (alert) => alert.id,
      ),
    ).toEqual([second?.id]);
  });
});
