import { enrolmentRequestCreatedSchema, enrolmentRequestStatusSchema } from '@gatecast/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealFleet, type RealFleet } from '../fleet/real-fleet.js';

// The whole fleet manager (store, Aedes, HTTP) on ephemeral ports: a screen asks with a token,
// a person approves its code, the screen collects its secret once and connects to MQTT with it.
describe('zero-touch enrolment against a real fleet', () => {
  let fleet: RealFleet;
  const ask = (token: string | null, serial: string, extra: object = {}) =>
    fleet.api('POST', '/api/v1/enrolment/requests', { serial, agentVersion: '1.0.0', ...extra }, token);
  const poll = (requestId: string, pollToken: string | null) =>
    fleet.api('GET', `/api/v1/enrolment/requests/${requestId}`, undefined, pollToken);
  const newToken = async (body: object = {}) => {
    const answer = await fleet.api('POST', '/api/v1/enrolment-tokens', { gateId: 'cat-bi-airport', ...body });
    expect(answer.status, answer.text).toBe(201);
    return answer.body as { id: string; token: string };
  };

  beforeAll(async () => {
    fleet = await startRealFleet();
    for (const [id, name] of [
      ['cat-bi-airport', 'Cat Bi International Airport'],
      ['hai-phong-port', 'Port of Hai Phong'],
    ] as const) {
      expect((await fleet.api('POST', '/api/v1/gates', { id, name })).status).toBe(201);
    }
    const zones = [
      ['cat-bi-airport', 'arrivals-hall'],
      ['hai-phong-port', 'terminal'],
    ] as const;
    for (const [gate, id] of zones) {
      const added = await fleet.api('POST', `/api/v1/gates/${gate}/zones`, { id, name: id });
      expect(added.status, added.text).toBe(201);
    }
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('creates a token shown once, lists it without the token and revokes it', async () => {
    const created = await newToken({ zoneId: 'arrivals-hall', expiresInHours: 24, note: 'belt refit' });
    expect(created.token).toMatch(/^gce_[A-Za-z0-9_-]{40,}$/);
    const listed = await fleet.api('GET', '/api/v1/enrolment-tokens');
    const mine = listed.body.tokens.find((token: { id: string }) => token.id === created.id);
    expect(mine).toMatchObject({ gateId: 'cat-bi-airport', zoneId: 'arrivals-hall', state: 'active' });
    expect(listed.text).not.toContain(created.token);
    const revoked = await fleet.api('DELETE', `/api/v1/enrolment-tokens/${created.id}`);
    expect(revoked.body).toMatchObject({ id: created.id, state: 'revoked' });
    const refused = await ask(created.token, 'serial-revoked');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ENROLMENT_REFUSED');
  });

  it('refuses an unknown token and a missing one with the same answer', async () => {
    const unknown = await ask('gce_0123456789abcdefghijklmnopqrstuvwxyz', 'serial-x');
    const missing = await ask(null, 'serial-x');
    expect(unknown.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(unknown.body).toEqual(missing.body);
    expect(unknown.body.error.code).toBe('ENROLMENT_REFUSED');
  });

  it('hands the approved screen its secret once, and the secret works on MQTT', async () => {
    const { token } = await newToken({ zoneId: 'arrivals-hall' });
    const network = { interface: 'eth0', address: '10.1.2.3', kind: 'ethernet' };
    const asked = await ask(token, '10000000abcd0001', { model: 'Raspberry Pi 4', network });
    expect(asked.status, asked.text).toBe(201);
    const created = enrolmentRequestCreatedSchema.parse(asked.body);
    // The same screen asking again keeps its code (after a reboot without its request file).
    const again = enrolmentRequestCreatedSchema.parse((await ask(token, '10000000abcd0001')).body);
    expect(again.requestId).toBe(created.requestId);
    expect(again.pairingCode).toBe(created.pairingCode);
    expect((await poll(created.requestId, created.pollToken)).status).toBe(403);
    expect((await poll(again.requestId, again.pollToken)).body).toEqual({ state: 'pending' });

    const pending = await fleet.api('GET', '/api/v1/enrolment/requests?state=pending');
    const listed = pending.body.requests.find((r: { id: string }) => r.id === created.requestId);
    expect(listed).toMatchObject({ pairingCode: created.pairingCode, serial: '10000000abcd0001', network });

    const approved = await fleet.api('POST', '/api/v1/enrolment/approve', {
      pairingCode: created.pairingCode.toLowerCase().replace('-', ''),
      gateId: 'cat-bi-airport',
      name: 'Arrivals belt 3',
      deviceId: 'cat-bi-belt-03',
    });
    expect(approved.status, approved.text).toBe(201);
    expect(approved.body.device).toMatchObject({ id: 'cat-bi-belt-03', zoneId: 'arrivals-hall' });
    expect(approved.text).not.toMatch(/secret/i);

    const first = enrolmentRequestStatusSchema.parse((await poll(again.requestId, again.pollToken)).body);
    expect(first.state).toBe('approved');
    expect(first.device).toMatchObject({
      id: 'cat-bi-belt-03',
      gateId: 'cat-bi-airport',
      zoneId: 'arrivals-hall',
      mqttUrl: `mqtt://127.0.0.1:${fleet.running.mqttPort}`,
    });
    expect((await poll(again.requestId, again.pollToken)).body).toEqual({ state: 'approved' });

    const device = first.device!;
    const client = await fleet.device({
      deviceId: device.id,
      secret: device.secret,
      mqtt: { url: device.mqttUrl },
    });
    expect(client.connected).toBe(true);
    await client.endAsync(true);
  });

  it('refuses to put a Cat Bi screen into the port, and a second approval of the same code', async () => {
    const { token } = await newToken();
    const created = (
      await ask(token, '10000000abcd0002', { gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' })
    ).body as { pairingCode: string };
    const intoPort = await fleet.api('POST', '/api/v1/enrolment/approve', {
      pairingCode: created.pairingCode,
      gateId: 'hai-phong-port',
      zoneId: 'terminal',
      name: 'Wrong place',
    });
    expect(intoPort.status).toBe(403);
    expect(intoPort.body.error.message).toMatch(/cat-bi-airport/);
    const body = { pairingCode: created.pairingCode, gateId: 'cat-bi-airport', name: 'Belt 4' };
    // No zone chosen and none on the token: the one written in provision.json is taken.
    const ok = await fleet.api('POST', '/api/v1/enrolment/approve', body);
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.device.zoneId).toBe('arrivals-hall');
    expect((await fleet.api('POST', '/api/v1/enrolment/approve', body)).status).toBe(404);
  });

  it('records token creation, approval and refusals in the audit log', async () => {
    const audit = await fleet.api('GET', '/api/v1/audit?limit=200');
    expect(audit.status, audit.text).toBe(200);
    const actions = JSON.stringify(audit.body);
    for (const action of [
      'enrolment.token-create',
      'enrolment.token-revoke',
      'enrolment.approve',
      'enrolment.request',
    ])
      expect(actions).toContain(action);
    expect(actions).not.toContain('gce_');
  });
});
