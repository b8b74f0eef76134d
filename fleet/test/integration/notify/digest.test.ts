import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../../src/alerts/alert-types.js';
import type { NotifyOutbox } from '../../../src/notify/notify-outbox.js';
import { verifySignature } from '../../../src/notify/webhook-signature.js';
import { manualClock, openOutboxStore, transition, until, type OutboxStore } from './outbox-harness.js';
import { jsonOf, startReceiver, transitionsOf, type Receiver } from './receiver.js';
import {
  googleChatSchema,
  slackCompatibleSchema,
  teamsWorkflowSchema,
  telegramSendMessageSchema,
  TELEGRAM_ALLOWED_TAGS,
  TELEGRAM_HTML_TAG,
  webhookBodySchema,
} from './service-formats.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'shared-secret-of-the-ops-team';

/** The n-th screen of a gate going offline: a gate's power cut, screen by screen. */
function screenOffline(n: number, overrides: Partial<AlertTransition> = {}): AlertTransition {
  const id = `cat-bi-gate-${String(n).padStart(2, '0')}`;
  return transition(n, { device: { id, name: `Gate screen ${n}` }, ...overrides });
}

describe('digests: one message for alerts queued together', () => {
  let store: OutboxStore;
  let receiver: Receiver;
  let outboxes: NotifyOutbox[];

  beforeEach(async () => {
    store = openOutboxStore();
    receiver = await startReceiver();
    outboxes = [];
  });

  afterEach(async () => {
    for (const outbox of outboxes) await outbox.stop();
    await receiver.close();
    store.close();
  });

  const outboxWith = (options: Parameters<OutboxStore['outbox']>[0] = {}) => {
    const outbox = store.outbox(options);
    outboxes.push(outbox);
    return outbox;
  };
  const addWebhook = (outbox: NotifyOutbox) =>
    store.addChannel(outbox, {
      kind: 'webhook',
      name: 'Ops',
      url: `${receiver.url}/hook`,
      secret: SECRET,
    });

  it('sends a burst of 40 queued while the first send is in flight in at most 3 messages, each alert once, in order', async () => {
    let arrived = 0;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    receiver.respond(async () => {
      arrived++;
      if (arrived === 1) await released;
      return { status: 200 };
    });
    const outbox = outboxWith();
    outbox.start();
    await addWebhook(outbox);
    await store.enqueue(outbox, screenOffline(0));
    await until(() => arrived === 1, 'the first alert to be in flight');
    for (let n = 1; n <= 40; n++) await store.enqueue(outbox, screenOffline(n));
    release();
    const sent = () => receiver.received.flatMap((request) => transitionsOf(request).map((t) => t.id));
    await until(() => sent().length >= 41, 'all 41 alerts');

    expect(sent()).toEqual(Array.from({ length: 41 }, (_, n) => `tr-${n}`));
    expect(receiver.received.length).toBeLessThanOrEqual(3);
    // The first alert did not wait for company.
    expect(transitionsOf(receiver.received[0]!)).toHaveLength(1);
    // The receiver has the last request before the outbox has its answer stored: wait for the send.
    await outbox.runDue();
    expect((await outbox.outbox.queuedCounts()).size).toBe(0);
    for (const request of receiver.received) {
      const ids = jsonOf(request).deliveries.map((delivery: { deliveryId: string }) => delivery.deliveryId);
      expect(String(request.headers['x-gatecast-delivery'])).toBe(ids.join(', '));
    }
  });

  it('writes each service a digest in its documented format, gate by gate, in order', async () => {
    const screenshot = path.join(store.dataDir, 'latest.png');
    fs.mkdirSync(store.dataDir, { recursive: true });
    fs.writeFileSync(screenshot, Buffer.from('a picture that must not go with a digest'));
    const outbox = outboxWith({ screenshots: { latest: async () => ({ path: screenshot }) } });
    const chat = { language: 'en' };
    await store.addChannel(outbox, { ...chat, kind: 'slack', name: 'Slack', url: `${receiver.url}/slack` });
    await store.addChannel(outbox, {
      kind: 'teams',
      name: 'Teams',
      url: `${receiver.url}/teams`,
      language: 'vi',
    });
    await store.addChannel(outbox, {
      ...chat,
      kind: 'google-chat',
      name: 'Chat',
      url: `${receiver.url}/chat`,
    });
    await store.addChannel(outbox, {
      kind: 'telegram',
      name: 'Trực ban',
      botToken: TOKEN,
      chatId: '-1001234567890',
      apiBaseUrl: receiver.url,
    });
    await store.addChannel(outbox, {
      ...chat,
      kind: 'webhook',
      name: 'Ops',
      url: `${receiver.url}/hook`,
      secret: SECRET,
    });
    const port = { id: 'hai-phong-port', name: 'Cảng Hải Phòng' };
    const alerts = [
      screenOffline(1),
      screenOffline(2, { severity: 'warning', rule: 'temperature', facts: { temperatureC: 81 } }),
      screenOffline(3, { kind: 'resolved' }),
      screenOffline(4, { gate: port, zone: { id: 'quay', name: 'Quay 3 <north>' } }),
      screenOffline(5, { kind: 'escalated', gate: port }),
    ];
    for (const alert of alerts) await store.enqueue(outbox, alert);
    outbox.start();
    await until(() => receiver.received.length === 5, 'one message per channel');
    const at = (prefix: string) => receiver.received.find((request) => request.path.startsWith(prefix))!;

    const slack = slackCompatibleSchema.parse(jsonOf(at('/slack')));
    expect(slack.text).toBe('5 alerts at 2 gates');
    expect(slack.attachments.map((attachment) => attachment.title_link)).toEqual(
      alerts.map((alert) => `https://fleet.haiphong.example/devices/${alert.device.id}`),
    );
    expect(slack.attachments[0]?.title).toBe('🔴 Alert · Critical: Screen offline · Gate screen 1');
    expect(slack.attachments.map((attachment) => [...attachment.title][0])).toEqual([
      '🔴',
      '🟠',
      '✅',
      '🔴',
      '⏫',
    ]);
    expect(slack.attachments[3]?.text).toMatch(
      /^Quay 3 <north>, Cảng Hải Phòng · 26\/11\/2026, 07:55 GMT\+7/,
    );

    const card = teamsWorkflowSchema.parse(jsonOf(at('/teams'))).attachments[0]!.content;
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: '5 cảnh báo tại 2 cửa khẩu' });
    expect(card.body).toHaveLength(1 + 2 * alerts.length);
    expect(card.body[1]).toMatchObject({
      color: 'Attention',
      text: expect.stringContaining('Gate screen 1'),
    });
    expect(card.body[2]).toMatchObject({
      text: expect.stringContaining('(https://fleet.haiphong.example/devices/cat-bi-gate-01)'),
    });
    expect(card.actions[0]).toMatchObject({ url: 'https://fleet.haiphong.example/alerts' });

    const google = googleChatSchema.parse(jsonOf(at('/chat')));
    expect(google.text).toBe('5 alerts at 2 gates');
    expect(google.cardsV2[0]?.card.sections).toHaveLength(alerts.length);

    const telegram = at(`/bot${TOKEN}`);
    expect(telegram.path).toBe(`/bot${TOKEN}/sendMessage`);
    const text = telegramSendMessageSchema.parse(jsonOf(telegram)).text;
    const tags = [...text.matchAll(TELEGRAM_HTML_TAG)].map((match) => match[1]);
    expect(tags.every((tag) => TELEGRAM_ALLOWED_TAGS.includes(tag ?? ''))).toBe(true);
    const lines = text.split('\n');
    expect(lines[0]).toBe('<b>5 cảnh báo tại 2 cửa khẩu</b>');
    expect(lines).toHaveLength(1 + alerts.length);
    expect(lines[4]).toContain('— Quay 3 &lt;north&gt;, Cảng Hải Phòng');
    expect(lines[1]).toMatch(/^🔴 <a href="https:\/\/fleet\.haiphong\.example\/devices\/cat-bi-gate-01">/);

    const hook = at('/hook');
    const raw = hook.body.toString('utf8');
    expect(
      verifySignature(SECRET, String(hook.headers['x-gatecast-signature']), raw, Date.now() / 1000),
    ).toBe(true);
    const body = webhookBodySchema.parse(jsonOf(hook));
    expect(body.deliveries.map((delivery) => delivery.transition)).toEqual(alerts);
  });

  it('cuts a Telegram digest to 4096 characters and sends the rest next, in order', async () => {
    const outbox = outboxWith();
    await store.addChannel(outbox, {
      kind: 'telegram',
      name: 'Trực ban',
      botToken: TOKEN,
      chatId: '-1001234567890',
      apiBaseUrl: receiver.url,
    });
    const long = 'Màn hình phòng chờ xuất cảnh tầng hai, cạnh quầy thủ tục hải quan số '.repeat(2);
    const alerts = Array.from({ length: 25 }, (_, n) =>
      screenOffline(n, { device: { id: `screen-${String(n).padStart(2, '0')}`, name: `${long}${n}` } }),
    );
    for (const alert of alerts) await store.enqueue(outbox, alert);
    outbox.start();
    const screens = () =>
      receiver.received.flatMap((request) =>
        [...String(jsonOf(request).text).matchAll(/\/devices\/(screen-\d+)"/g)].map((match) => match[1]),
      );
    await until(() => screens().length >= 25, 'every alert');

    expect(receiver.received.length).toBeGreaterThan(1);
    for (const request of receiver.received) {
      expect(telegramSendMessageSchema.parse(jsonOf(request)).text.length).toBeLessThanOrEqual(4096);
    }
    expect(screens()).toEqual(alerts.map((alert) => alert.device.id));
  });

  it('marks a digest as one: retried together after a 503, failed together after a refusal', async () => {
    const clock = manualClock();
    const outbox = outboxWith({ now: clock.now, autoRun: false });
    await addWebhook(outbox);
    receiver.respond((_request, index) => (index === 0 ? { status: 503 } : { status: 200 }));
    for (const n of [1, 2, 3]) await store.enqueue(outbox, screenOffline(n));
    await outbox.runDue();
    const rows = (await Promise.all([1, 2, 3].map((n) => outbox.outbox.deliveriesOf(`al-${n}`)))).flat();
    expect(rows.map((row) => [row.state, row.attempts, row.lastStatus])).toEqual([
      ['queued', 1, 503],
      ['queued', 1, 503],
      ['queued', 1, 503],
    ]);
    expect(new Set(rows.map((row) => row.nextAttemptAt)).size).toBe(1);
    clock.set((await outbox.nextDueAt())!);
    await outbox.runDue();
    expect(receiver.received).toHaveLength(2);
    expect(transitionsOf(receiver.received[1]!).map((t) => t.id)).toEqual(['tr-1', 'tr-2', 'tr-3']);
    expect(
      (await Promise.all([1, 2, 3].map((n) => outbox.outbox.deliveriesOf(`al-${n}`))))
        .flat()
        .map((row) => row.state),
    ).toEqual(['delivered', 'delivered', 'delivered']);

    receiver.respond(() => ({ status: 410 }));
    for (const n of [4, 5]) await store.enqueue(outbox, screenOffline(n));
    for (let rounds = 0; rounds < 10 && (await outbox.nextDueAt()); rounds++) {
      clock.set((await outbox.nextDueAt())!);
      await outbox.runDue();
    }
    expect(
      (await Promise.all([4, 5].map((n) => outbox.outbox.deliveriesOf(`al-${n}`))))
        .flat()
        .map((row) => [row.state, row.attempts]),
    ).toEqual([
      ['failed', 3],
      ['failed', 3],
    ]);
    expect(receiver.received).toHaveLength(5);
  });
});
