import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { EnrolmentService } from '../../../src/enrolment/enrolment-service.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { seedGates } from '../store/fixtures.js';
import { apiDeps, openApiCore, type ApiCore } from '../support/api-app.js';

// The HTTP API over a real SQLite store with a clock the test moves: expiry, refusal and who may approve.
describe('enrolment with a moving clock and scoped people', () => {
  let core: ApiCore;
  let app: FastifyInstance;
  let admin: string;
  const clock = { now: new Date('2026-11-26T02:00:00.000Z') };
  const hours = (n: number) => (clock.now = new Date(clock.now.getTime() + n * 3_600_000));

  const call = async (token: string | null, method: string, url: string, body?: unknown) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.statusCode, body: response.body ? (JSON.parse(response.body) as any) : null };
  };
  const token = async (body: object) =>
    (await call(admin, 'POST', '/api/v1/enrolment-tokens', body)).body.token as string;
  const ask = (bearer: string, serial: string) =>
    call(bearer, 'POST', '/api/v1/enrolment/requests', { serial, agentVersion: '1.0.0' });

  beforeEach(async () => {
    clock.now = new Date('2026-11-26T02:00:00.000Z');
    core = openApiCore();
    const now = () => new Date(clock.now.getTime());
    const desired = new DesiredService({ ...core.desiredDeps, now });
    const enrolment = new EnrolmentService({
      sql: core.store.sql,
      gates: core.gates,
      releaseKeys: [],
      log: core.log,
      now,
    });
    app = buildHttpApp(apiDeps(core, desired, { now, enrolment }));
    await app.ready();
    await seedGates(core.gates);
    admin = (await core.addUser('admin', [{ role: 'admin', gateId: null }])).token;
  });

  afterEach(async () => {
    await core.close(app);
  });

  it('refuses a token once it expired, with the same answer as a revoked one', async () => {
    const bearer = await token({ gateId: 'cat-bi-airport', expiresInHours: 2 });
    expect((await ask(bearer, 'serial-1')).status).toBe(201);
    hours(2);
    const refused = await ask(bearer, 'serial-2');
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'ENROLMENT_REFUSED' } } });
    const listed = await call(admin, 'GET', '/api/v1/enrolment-tokens');
    expect(listed.body.tokens[0].state).toBe('expired');
  });

  it('expires a request nobody approved within a day; the screen asks again for a new code', async () => {
    const bearer = await token({ gateId: 'cat-bi-airport', expiresInHours: 72 });
    const first = (await ask(bearer, 'serial-1')).body;
    hours(25);
    const poll = await call(first.pollToken, 'GET', `/api/v1/enrolment/requests/${first.requestId}`);
    expect(poll.body).toEqual({ state: 'expired' });
    const approve = await call(admin, 'POST', '/api/v1/enrolment/approve', {
      pairingCode: first.pairingCode,
      gateId: 'cat-bi-airport',
      zoneId: 'arrivals-hall',
      name: 'Too late',
    });
    expect(approve.status).toBe(404);
    const second = (await ask(bearer, 'serial-1')).body;
    expect(second.requestId).not.toBe(first.requestId);
  });

  it('keeps credentials no screen came for only a day', async () => {
    const bearer = await token({ gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' });
    const asked = (await ask(bearer, 'serial-1')).body;
    const approve = { pairingCode: asked.pairingCode, gateId: 'cat-bi-airport', name: 'Belt 9' };
    expect((await call(admin, 'POST', '/api/v1/enrolment/approve', approve)).status).toBe(201);
    hours(25);
    const late = await call(asked.pollToken, 'GET', `/api/v1/enrolment/requests/${asked.requestId}`);
    expect(late.body).toEqual({ state: 'approved' });
    const row = core.db.prepare('SELECT delivery FROM enrolment_requests').get() as {
      delivery: string | null;
    };
    expect(row.delivery).toBeNull();
  });

  it('lets a refused screen see the refusal, and revoking a token refuses those still waiting', async () => {
    const bearer = await token({ gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' });
    const refusedOne = (await ask(bearer, 'serial-1')).body;
    const waiting = (await ask(bearer, 'serial-2')).body;
    const pending = (await call(admin, 'GET', '/api/v1/enrolment/requests?state=pending')).body.requests;
    const id = pending.find((r: { pairingCode: string }) => r.pairingCode === refusedOne.pairingCode).id;
    expect((await call(admin, 'POST', `/api/v1/enrolment/requests/${id}/refuse`, {})).status).toBe(200);
    const seen = await call(
      refusedOne.pollToken,
      'GET',
      `/api/v1/enrolment/requests/${refusedOne.requestId}`,
    );
    expect(seen.body).toEqual({ state: 'refused' });
    const tokenId = (await call(admin, 'GET', '/api/v1/enrolment-tokens')).body.tokens[0].id;
    expect((await call(admin, 'DELETE', `/api/v1/enrolment-tokens/${tokenId}`)).status).toBe(200);
    const after = await call(waiting.pollToken, 'GET', `/api/v1/enrolment/requests/${waiting.requestId}`);
    expect(after.body).toEqual({ state: 'refused' });
  });

  it("lets only someone who may enrol at the token's gate approve, list or make tokens there", async () => {
    const bearer = await token({ gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' });
    const { pairingCode } = (await ask(bearer, 'serial-1')).body;
    const portTech = (await core.addUser('port-tech', [{ role: 'technician', gateId: 'hai-phong-port' }]))
      .token;
    const viewer = (await core.addUser('viewer', [{ role: 'viewer', gateId: 'cat-bi-airport' }])).token;
    const catBiTech = (await core.addUser('cat-bi-tech', [{ role: 'technician', gateId: 'cat-bi-airport' }]))
      .token;
    const approve = { pairingCode, gateId: 'cat-bi-airport', name: 'Belt 5' };
    expect((await call(portTech, 'POST', '/api/v1/enrolment/approve', approve)).status).toBe(403);
    const intoPort = { ...approve, gateId: 'hai-phong-port', zoneId: 'terminal' };
    expect((await call(portTech, 'POST', '/api/v1/enrolment/approve', intoPort)).status).toBe(403);
    expect((await call(viewer, 'POST', '/api/v1/enrolment/approve', approve)).status).toBe(403);
    const portList = await call(portTech, 'GET', '/api/v1/enrolment/requests?state=pending');
    expect(portList.body.requests).toEqual([]);
    expect((await call(portTech, 'GET', '/api/v1/enrolment-tokens')).body.tokens).toEqual([]);
    const portToken = { gateId: 'cat-bi-airport', expiresInHours: 1 };
    expect((await call(portTech, 'POST', '/api/v1/enrolment-tokens', portToken)).status).toBe(403);
    const ok = await call(catBiTech, 'POST', '/api/v1/enrolment/approve', approve);
    expect(ok.status).toBe(201);
    expect(ok.body.request).toMatchObject({
      state: 'approved',
      decidedBy: 'cat-bi-tech',
      deviceId: ok.body.device.id,
    });
  });

  it('keeps every other enrolment route closed without credentials', async () => {
    expect((await call(null, 'GET', '/api/v1/enrolment/requests')).status).toBe(401);
    expect((await call(null, 'GET', '/api/v1/enrolment-tokens')).status).toBe(401);
    const approve = { pairingCode: 'ABCD-EFGH', gateId: 'cat-bi-airport', name: 'x' };
    expect((await call(null, 'POST', '/api/v1/enrolment/approve', approve)).status).toBe(401);
    const unknown = await call('nope', 'GET', '/api/v1/enrolment/requests/er-0000000000000000');
    expect(unknown.body.error.code).toBe('ENROLMENT_REFUSED');
  });
});
