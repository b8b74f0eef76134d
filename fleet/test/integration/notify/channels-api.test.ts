import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { NotifyOutbox } from '../../../src/notify/notify-outbox.js';
import { verifySignature } from '../../../src/notify/webhook-signature.js';
import { apiDeps, openApiCore, type ApiCore } from '../support/api-app.js';
import { enqueueCommitted, transition } from './outbox-harness.js';
import { jsonOf, startReceiver, type Receiver } from './receiver.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('alert channels API', () => {
  let core: ApiCore;
  let app: FastifyInstance;
  let notify: NotifyOutbox;
  let receiver: Receiver;
  let admin: string;
  let gateOperator: string;
  let technician: string;

  beforeEach(async () => {
    core = openApiCore();
    receiver = await startReceiver();
    notify = new NotifyOutbox({
      store: core.store.sql,
      log: core.log,
      publicUrl: () => 'https://fleet.example',
      autoRun: false,
    });
    app = buildHttpApp(apiDeps(core, new DesiredService(core.desiredDeps), { notify }));
    await app.ready();
    admin = (await core.addUser('lan', [{ role: 'admin', gateId: null }])).token;
    gateOperator = (await core.addUser('minh', [{ role: 'operator', gateId: 'cat-bi-airport' }])).token;
    technician = (await core.addUser('tuan', [{ role: 'technician', gateId: 'cat-bi-airport' }])).token;
  });

  afterEach(async () => {
    await notify.stop();
    await receiver.close();
    await core.close(app);
  });

  const call = async (token: string, method: string, url: string, body?: unknown) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : null };
  };

  it('adds channels of every kind and lists them with the target host only, never a secret', async () => {
    const secretUrl = `${receiver.url}/services/T0/B0/very-secret-path`;
    const slack = await call(admin, 'POST', '/api/v1/alert-channels', {
      kind: 'slack',
      name: 'Duty',
      url: secretUrl,
    });
    expect(slack.status).toBe(201);
    expect(slack.body.channel).toMatchObject({
      kind: 'slack',
      language: 'vi',
      gateIds: null,
      target: receiver.url.slice(7),
    });
    const hook = await call(admin, 'POST', '/api/v1/alert-channels', {
      kind: 'webhook',
      name: 'Ops',
      url: 'https://ops.example/in',
      language: 'en',
      gateIds: ['cat-bi-airport'],
      minSeverity: 'critical',
    });
    expect(hook.status).toBe(201);
    expect(hook.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const telegram = await call(admin, 'POST', '/api/v1/alert-channels', {
      kind: 'telegram',
      name: 'Trực ban',
      botToken: TOKEN,
      chatId: '-1001234567890',
    });
    expect(telegram.body.channel.target).toBe('api.telegram.org');
    for (const kind of ['teams', 'google-chat']) {
      expect(
        (
          await call(admin, 'POST', '/api/v1/alert-channels', {
            kind,
            name: kind,
            url: 'https://x.example/h',
          })
        ).status,
      ).toBe(201);
    }

    const list = await call(admin, 'GET', '/api/v1/alert-channels');
    expect(list.body.channels.map((channel: { name: string }) => channel.name)).toEqual([
      'Duty',
      'Ops',
      'Trực ban',
      'google-chat',
      'teams',
    ]);
    const everything =
      JSON.stringify(list.body) + JSON.stringify(core.db.prepare('SELECT * FROM audit_log').all());
    for (const secret of ['very-secret-path', TOKEN, hook.body.secret])
      expect(everything).not.toContain(secret);
  });

  it('refuses bad bodies with the field named, duplicates, and people without alerts.manage on all gates', async () => {
    const bad = await call(admin, 'POST', '/api/v1/alert-channels', {
      kind: 'slack',
      name: 'x',
      url: 'not a url',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/url/);
    const body = { kind: 'slack', name: 'Duty', url: 'https://hooks.example/a' };
    expect((await call(admin, 'POST', '/api/v1/alert-channels', body)).status).toBe(201);
    expect((await call(admin, 'POST', '/api/v1/alert-channels', body)).body.error.code).toBe('CONFLICT');
    const denied = await call(gateOperator, 'POST', '/api/v1/alert-channels', { ...body, name: 'Other' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe('minh may not alerts.manage on all gates');
    expect((await call(technician, 'GET', '/api/v1/alert-channels')).status).toBe(403);
  });

  it('changes, tests and removes a channel', async () => {
    const created = await call(admin, 'POST', '/api/v1/alert-channels', {
      kind: 'webhook',
      name: 'Ops',
      url: `${receiver.url}/hook`,
      secret: 's'.repeat(32),
    });
    const id = created.body.channel.id;
    const patched = await call(admin, 'PATCH', `/api/v1/alert-channels/${id}`, {
      language: 'en',
      enabled: false,
    });
    expect(patched.body.channel).toMatchObject({ language: 'en', enabled: false });
    const foreign = await call(admin, 'PATCH', `/api/v1/alert-channels/${id}`, { chatId: '1' });
    expect(foreign.body.error).toEqual({ code: 'BAD_REQUEST', message: 'a webhook channel has no chatId' });

    const test = await call(admin, 'POST', `/api/v1/alert-channels/${id}/test`);
    expect(test.body).toEqual({ ok: true, status: 200, error: null });
    const [request] = receiver.received;
    const raw = request!.body.toString('utf8');
    expect(
      verifySignature(
        's'.repeat(32),
        String(request!.headers['x-gatecast-signature']),
        raw,
        Date.now() / 1000,
      ),
    ).toBe(true);
    expect(jsonOf(request!)).toMatchObject({
      test: true,
      deliveries: [{ title: 'Test message from gatecast' }],
    });
    const listed = await call(admin, 'GET', '/api/v1/alert-channels');
    expect(listed.body.channels[0].lastDelivery).toMatchObject({ ok: true, status: 200, error: null });

    receiver.respond(() => ({ status: 500 }));
    expect((await call(admin, 'POST', `/api/v1/alert-channels/${id}/test`)).body).toMatchObject({
      ok: false,
      status: 500,
    });

    expect((await call(admin, 'DELETE', `/api/v1/alert-channels/${id}`)).status).toBe(204);
    expect((await call(admin, 'DELETE', `/api/v1/alert-channels/${id}`)).status).toBe(404);
    const actions = core.db
      .prepare("SELECT action FROM audit_log WHERE action LIKE 'alert.channel-%' ORDER BY id")
      .pluck()
      .all();
    expect(actions).toEqual(
      expect.arrayContaining([
        'alert.channel-create',
        'alert.channel-update',
        'alert.channel-test',
        'alert.channel-remove',
      ]),
    );
  });

  it("shows an alert's deliveries to those who read alerts at its gate", async () => {
    await call(admin, 'POST', '/api/v1/alert-channels', {
      kind: 'slack',
      name: 'Duty',
      url: `${receiver.url}/slack`,
    });
    await enqueueCommitted(core.store.sql, notify, transition(1));
    await notify.runDue();
    const answer = await call(technician, 'GET', '/api/v1/alert-deliveries?alertId=al-1');
    expect(answer.status).toBe(200);
    expect(answer.body.deliveries).toMatchObject([
      {
        channelName: 'Duty',
        kind: 'slack',
        transitionId: 'tr-1',
        transitionKind: 'firing',
        state: 'delivered',
        attempts: 1,
        lastStatus: 200,
      },
    ]);
    const elsewhere = await core.addUser('hoa', [{ role: 'technician', gateId: 'hai-phong-port' }]);
    expect((await call(elsewhere.token, 'GET', '/api/v1/alert-deliveries?alertId=al-1')).status).toBe(403);
  });
});
