import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrol } from '../store/fixtures.js';
import { startAlertsApp, type AlertsApp } from './alerts-app.js';

const ARRIVALS = 'cat-bi-arrivals-01';
const PORT_SCREEN = 'hai-phong-terminal-01';

describe('the alerts API', () => {
  let t: AlertsApp;
  let admin: string;

  beforeEach(async () => {
    t = await startAlertsApp();
    admin = await t.addUser('admin.hp', [{ role: 'admin', gateId: null }]);
    await enrol(t.core.devices, ARRIVALS, { name: 'Arrivals 01' });
    await enrol(t.core.devices, PORT_SCREEN, { gateId: 'hai-phong-port', zoneId: 'terminal' });
    // Both screens were seen once and went offline.
    for (const id of [ARRIVALS, PORT_SCREEN]) {
      await t.core.devices.setPresence(id, 'online', t.clock.now.toISOString());
      await t.core.devices.setPresence(id, 'offline', t.clock.now.toISOString());
    }
    await t.engine.evaluate(ARRIVALS);
    await t.engine.evaluate(PORT_SCREEN);
    t.advance(181); // past the default 180 s offline delay
    await t.engine.tick();
  });

  afterEach(async () => {
    await t.close();
  });

  it('lists open alerts with their place and facts, scoped to the gates the caller may read', async () => {
    const all = await t.call(admin, 'GET', '/api/v1/alerts');
    expect(all.status).toBe(200);
    expect(all.body.alerts).toHaveLength(2);
    const arrivals = all.body.alerts.find((alert: { deviceId: string }) => alert.deviceId === ARRIVALS);
    expect(arrivals).toMatchObject({
      rule: 'offline',
      severity: 'critical',
      state: 'open',
      flapping: false,
      deviceName: 'Arrivals 01',
      gateId: 'cat-bi-airport',
      gateName: 'Cat Bi International Airport',
      zoneId: 'arrivals-hall',
      zoneName: 'Arrivals hall',
      escalatedAt: null,
      resolvedAt: null,
      acknowledged: null,
      facts: { presence: 'offline' },
    });

    const viewer = await t.addUser('lan.viewer', [{ role: 'viewer', gateId: 'hai-phong-port' }]);
    const scoped = await t.call(viewer, 'GET', '/api/v1/alerts');
    expect(scoped.body.alerts.map((alert: { deviceId: string }) => alert.deviceId)).toEqual([PORT_SCREEN]);
    expect((await t.call(viewer, 'GET', '/api/v1/alerts?gateId=cat-bi-airport')).status).toBe(403);
    expect((await t.call(viewer, 'GET', `/api/v1/alerts/${arrivals.id}`)).status).toBe(403);
    expect((await t.call(admin, 'GET', '/api/v1/alerts?state=resolved')).body.alerts).toEqual([]);
  });

  it('pages with nextBefore', async () => {
    const first = await t.call(admin, 'GET', '/api/v1/alerts?limit=1');
    expect(first.body.alerts).toHaveLength(1);
    expect(first.body.nextBefore).toEqual(expect.any(String));
    const second = await t.call(admin, 'GET', `/api/v1/alerts?limit=1&before=${first.body.nextBefore}`);
    expect(second.body.alerts).toHaveLength(1);
    expect(second.body.alerts[0].id).not.toBe(first.body.alerts[0].id);
    expect(second.body.nextBefore).toBeNull();
    expect((await t.call(admin, 'GET', '/api/v1/alerts?before=nonsense')).status).toBe(400);
  });

  it('acknowledges an alert once, which stops its escalation, and audits it', async () => {
    const technician = await t.addUser('minh.tech', [{ role: 'technician', gateId: 'cat-bi-airport' }]);
    const [alert] = (await t.call(admin, 'GET', '/api/v1/alerts?gateId=cat-bi-airport')).body.alerts;
    const acked = await t.call(technician, 'POST', `/api/v1/alerts/${alert.id}/ack`, { note: 'thay nguồn' });
    expect(acked.status).toBe(200);
    expect(acked.body.acknowledged).toMatchObject({ by: 'minh.tech', note: 'thay nguồn' });
    expect((await t.call(technician, 'POST', `/api/v1/alerts/${alert.id}/ack`, {})).status).toBe(409);
    const portAlert = (await t.call(admin, 'GET', '/api/v1/alerts?gateId=hai-phong-port')).body.alerts[0];
    expect((await t.call(technician, 'POST', `/api/v1/alerts/${portAlert.id}/ack`, {})).status).toBe(403);

    // 30 minutes later only the unacknowledged alert escalates.
    t.advance(31 * 60);
    await t.engine.tick();
    const escalated = t.sent.filter((transition) => transition.kind === 'escalated');
    expect(escalated.map((transition) => transition.device.id)).toEqual([PORT_SCREEN]);

    const audit = await t.core.audit.search({ action: 'alert.ack' });
    expect(audit.entries.map((entry) => [entry.outcome, entry.objectId])).toEqual([
      ['denied', portAlert.id],
      ['failed', alert.id], // acknowledged twice: 409
      ['ok', alert.id],
    ]);
  });

  it('shows an alert with its transitions and how each was sent', async () => {
    const [alert] = (await t.call(admin, 'GET', '/api/v1/alerts?gateId=cat-bi-airport')).body.alerts;
    await t.core.devices.setPresence(ARRIVALS, 'online', t.clock.now.toISOString());
    await t.engine.evaluate(ARRIVALS);
    t.advance(61);
    await t.engine.tick();
    const detail = await t.call(admin, 'GET', `/api/v1/alerts/${alert.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.state).toBe('resolved');
    expect(
      detail.body.transitions.map((transition: { kind: string; notified: string }) => [
        transition.kind,
        transition.notified,
      ]),
    ).toEqual([
      ['firing', 'sent'],
      ['resolved', 'sent'],
    ]);
    expect(
      t.sent.filter((transition) => transition.alertId === alert.id).map((transition) => transition.id),
    ).toEqual(detail.body.transitions.map((transition: { id: string }) => transition.id));
    expect((await t.call(admin, 'GET', '/api/v1/alerts/no-such-alert')).status).toBe(404);
    // A resolved alert can still be acknowledged, with no body at all.
    const acked = await t.call(admin, 'POST', `/api/v1/alerts/${alert.id}/ack`);
    expect(acked.status, JSON.stringify(acked.body)).toBe(200);
    expect(acked.body).toMatchObject({ state: 'resolved', acknowledged: { by: 'admin.hp', note: null } });
  });
});

describe('alert policies over the API', () => {
  let t: AlertsApp;
  let admin: string;

  beforeEach(async () => {
    t = await startAlertsApp();
    admin = await t.addUser('admin.hp', [{ role: 'admin', gateId: null }]);
  });

  afterEach(async () => {
    await t.close();
  });

  it('sets, reads, applies and removes overrides per gate and zone', async () => {
    const gate = await t.call(admin, 'PUT', '/api/v1/alert-policies/cat-bi-airport', {
      rules: { offline: { delaySec: 60 }, temperature: { threshold: 75 } },
      quietHours: { from: '22:00', to: '06:00' },
    });
    expect(gate.status).toBe(200);
    expect(gate.body).toMatchObject({ gateId: 'cat-bi-airport', zoneId: null, updatedBy: 'admin.hp' });
    const zone = await t.call(admin, 'PUT', '/api/v1/alert-policies/cat-bi-airport/zones/arrivals-hall', {
      rules: { offline: { delaySec: 10 } },
      quietHours: null,
    });
    expect(zone.status).toBe(200);

    const listed = await t.call(admin, 'GET', '/api/v1/alert-policies');
    expect(listed.body.defaults.rules.offline.delaySec).toBe(180);
    expect(listed.body.overrides.map((o: { zoneId: string | null }) => o.zoneId)).toEqual([
      null,
      'arrivals-hall',
    ]);

    const effective = await t.call(
      admin,
      'GET',
      '/api/v1/alert-policies/effective?gateId=cat-bi-airport&zoneId=arrivals-hall',
    );
    expect(effective.body.rules.offline.delaySec).toBe(10);
    expect(effective.body.rules.temperature.threshold).toBe(75);
    expect(effective.body.quietHours).toBeNull();
    const departures = await t.call(
      admin,
      'GET',
      '/api/v1/alert-policies/effective?gateId=cat-bi-airport&zoneId=departures',
    );
    expect(departures.body.rules.offline.delaySec).toBe(60);
    expect(departures.body.quietHours).toEqual({ from: '22:00', to: '06:00' });

    // The engine applies the zone's 10 s delay at once.
    await enrol(t.core.devices, ARRIVALS);
    await t.core.devices.setPresence(ARRIVALS, 'online', t.clock.now.toISOString());
    await t.core.devices.setPresence(ARRIVALS, 'offline', t.clock.now.toISOString());
    await t.engine.evaluate(ARRIVALS);
    t.advance(11);
    await t.engine.tick();
    expect(t.sent.map((transition) => `${transition.rule}:${transition.kind}`)).toEqual(['offline:firing']);

    expect(
      (await t.call(admin, 'DELETE', '/api/v1/alert-policies/cat-bi-airport/zones/arrivals-hall')).status,
    ).toBe(204);
    expect(
      (await t.call(admin, 'DELETE', '/api/v1/alert-policies/cat-bi-airport/zones/arrivals-hall')).status,
    ).toBe(404);
    const after = await t.call(
      admin,
      'GET',
      '/api/v1/alert-policies/effective?gateId=cat-bi-airport&zoneId=arrivals-hall',
    );
    expect(after.body.rules.offline.delaySec).toBe(60);
    expect((await t.core.audit.search({ action: 'alert.policy-set' })).entries).toHaveLength(2);
    expect(
      (await t.core.audit.search({ action: 'alert.policy-remove' })).entries.map((entry) => entry.outcome),
    ).toEqual(['failed', 'ok']);
  });

  it('refuses unknown places, bad values and callers without alerts.manage at the gate', async () => {
    expect((await t.call(admin, 'PUT', '/api/v1/alert-policies/no-such-gate', {})).status).toBe(404);
    expect(
      (await t.call(admin, 'PUT', '/api/v1/alert-policies/cat-bi-airport/zones/no-such-zone', {})).status,
    ).toBe(404);
    const bad = await t.call(admin, 'PUT', '/api/v1/alert-policies/cat-bi-airport', {
      rules: { offline: { delaySec: -5 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('delaySec');
    const operator = await t.addUser('hoa.operator', [{ role: 'operator', gateId: 'hai-phong-port' }]);
    expect((await t.call(operator, 'PUT', '/api/v1/alert-policies/hai-phong-port', {})).status).toBe(200);
    expect((await t.call(operator, 'PUT', '/api/v1/alert-policies/cat-bi-airport', {})).status).toBe(403);
    const listed = await t.call(operator, 'GET', '/api/v1/alert-policies');
    expect(listed.body.overrides.map((o: { gateId: string }) => o.gateId)).toEqual(['hai-phong-port']);
  });
});
