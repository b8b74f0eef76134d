import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotifyOutbox } from '../../../src/notify/notify-outbox.js';
import { verifySignature } from '../../../src/notify/webhook-signature.js';
import { openOutboxStore, transition, until, type OutboxStore } from './outbox-harness.js';
import { jsonOf, startReceiver, type Receiver } from './receiver.js';
import {
  googleChatSchema,
  slackCompatibleSchema,
  teamsWorkflowSchema,
  telegramSendMessageSchema,
  TELEGRAM_ALLOWED_TAGS,
  TELEGRAM_HTML_TAG,
} from './service-formats.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'shared-secret-of-the-ops-team';
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('a tiny stand-in picture'),
]);

// Each kind posts a real transition through the real outbox to a real local HTTP server; the
// payload is checked against the service's documented format (service-formats.ts).
describe('alert formats, as each service receives them', () => {
  let store: OutboxStore;
  let receiver: Receiver;
  let outbox: NotifyOutbox;
  let screenshot: string | null;

  beforeEach(async () => {
    store = openOutboxStore();
    receiver = await startReceiver();
    screenshot = null;
    outbox = store.outbox({
      screenshots: { latest: async () => (screenshot ? { path: screenshot } : null) },
    });
    outbox.start();
  });

  afterEach(async () => {
    await outbox.stop();
    await receiver.close();
    store.close();
  });

  const deliver = async (body: Record<string, unknown>, n = 1) => {
    await store.addChannel(outbox, body);
    await store.enqueue(outbox, transition(n, { rule: 'temperature', facts: { temperatureC: 84 } }));
    await until(() => receiver.received.length > 0, 'the receiver to be called');
    return receiver.received[0]!;
  };

  it('slack, Mattermost and Rocket.Chat: text plus one attachment of their common subset', async () => {
    const request = await deliver({
      kind: 'slack',
      name: 'Duty',
      url: `${receiver.url}/hooks/T1/B2/abc`,
      language: 'en',
    });
    expect(request.path).toBe('/hooks/T1/B2/abc');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    const body = slackCompatibleSchema.parse(jsonOf(request));
    const [attachment] = body.attachments;
    expect(attachment?.title).toBe('Alert · Critical: Temperature too high · Arrivals 01');
    expect(attachment?.title_link).toBe('https://fleet.haiphong.example/devices/cat-bi-arrivals-01');
    expect(attachment?.fields?.map((field) => field.title)).toEqual([
      'Gate',
      'Zone',
      'Screen',
      'Since',
      'Status',
      'Details',
    ]);
    expect(attachment?.fields?.[3]?.value).toBe('26/11/2026, 07:55 GMT+7 (for 6 min)');
  });

  it('teams: a Workflows message with one Adaptive Card 1.4, facts and an Open URL action', async () => {
    const request = await deliver({
      kind: 'teams',
      name: 'Teams',
      url: `${receiver.url}/workflows/abc`,
      language: 'vi',
    });
    const body = teamsWorkflowSchema.parse(jsonOf(request));
    const card = body.attachments[0]!.content;
    expect(card.body[0]).toMatchObject({
      type: 'TextBlock',
      text: 'Cảnh báo · Nghiêm trọng: Nhiệt độ quá cao · Arrivals 01',
      color: 'Attention',
    });
    expect(card.body[1]).toMatchObject({ type: 'FactSet' });
    expect(card.actions[0]).toEqual({
      type: 'Action.OpenUrl',
      title: 'Mở trang màn hình',
      url: 'https://fleet.haiphong.example/devices/cat-bi-arrivals-01',
    });
  });

  it('google chat: text and a cardsV2 card with the facts and a link button', async () => {
    const request = await deliver({
      kind: 'google-chat',
      name: 'Chat',
      url: `${receiver.url}/v1/spaces/AAA/messages?key=k&token=t`,
    });
    expect(request.path).toBe('/v1/spaces/AAA/messages?key=k&token=t');
    const body = googleChatSchema.parse(jsonOf(request));
    const card = body.cardsV2[0]!.card;
    expect(card.header.subtitle).toBe('Cat Bi International Airport · Arrivals hall');
    expect(JSON.stringify(card)).toContain(
      '"openLink":{"url":"https://fleet.haiphong.example/devices/cat-bi-arrivals-01"}',
    );
  });

  it('telegram without a screenshot: sendMessage as JSON, HTML limited to what Telegram knows', async () => {
    const request = await deliver({
      kind: 'telegram',
      name: 'Trực ban',
      botToken: TOKEN,
      chatId: '-1001234567890',
      apiBaseUrl: receiver.url,
    });
    expect(request.path).toBe(`/bot${TOKEN}/sendMessage`);
    const body = telegramSendMessageSchema.parse(jsonOf(request));
    expect(body.chat_id).toBe('-1001234567890');
    expect(body.text.startsWith('<b>Cảnh báo · Nghiêm trọng: Nhiệt độ quá cao · Arrivals 01</b>\n')).toBe(
      true,
    );
    const tags = [...body.text.matchAll(TELEGRAM_HTML_TAG)].map((match) => match[1]);
    expect(tags.every((tag) => TELEGRAM_ALLOWED_TAGS.includes(tag ?? ''))).toBe(true);
  });

  it('telegram with a screenshot: sendPhoto as multipart with the PNG and the alert as caption', async () => {
    screenshot = path.join(store.dataDir, 'latest.png');
    fs.writeFileSync(screenshot, PNG);
    const request = await deliver({
      kind: 'telegram',
      name: 'Trực ban',
      botToken: TOKEN,
      chatId: '@gatecast_ops',
      apiBaseUrl: receiver.url,
      language: 'en',
    });
    expect(request.path).toBe(`/bot${TOKEN}/sendPhoto`);
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await receiver.formData(request);
    expect(form.get('chat_id')).toBe('@gatecast_ops');
    expect(form.get('parse_mode')).toBe('HTML');
    // multipart text fields travel with CRLF line ends; Telegram reads both.
    const caption = String(form.get('caption')).replace(/\r\n/g, '\n');
    expect(caption.length).toBeLessThanOrEqual(1024);
    expect(caption).toMatch(/^<b>Alert · Critical: Temperature too high · Arrivals 01<\/b>\nGate: Cat Bi/);
    const photo = form.get('photo') as File;
    expect(photo.name).toBe('cat-bi-arrivals-01.png');
    expect(photo.type).toBe('image/png');
    expect(Buffer.from(await photo.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('webhook: the transition as a list of one, signed so the secret verifies it and another does not', async () => {
    const request = await deliver({
      kind: 'webhook',
      name: 'Ops',
      url: `${receiver.url}/gatecast`,
      secret: SECRET,
      language: 'en',
    });
    const raw = request.body.toString('utf8');
    const signature = String(request.headers['x-gatecast-signature']);
    const now = Math.floor(Date.now() / 1000);
    expect(verifySignature(SECRET, signature, raw, now)).toBe(true);
    expect(verifySignature('not-the-shared-secret-at-all', signature, raw, now)).toBe(false);
    const body = jsonOf(request);
    // One alert has the same shape as many: a list of one.
    expect(body).toMatchObject({ version: 1, test: false, language: 'en' });
    expect(body.deliveries).toHaveLength(1);
    const [delivery] = body.deliveries;
    expect(delivery.deliveryId).toBe(request.headers['x-gatecast-delivery']);
    expect(delivery.transition).toEqual(transition(1, { rule: 'temperature', facts: { temperatureC: 84 } }));
    expect(delivery.url).toBe('https://fleet.haiphong.example/devices/cat-bi-arrivals-01');
    expect(delivery.text).toContain('Temperature: 84 °C');
  });
});
