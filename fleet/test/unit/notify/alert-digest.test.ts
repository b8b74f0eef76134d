import { describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../../src/alerts/alert-types.js';
import { composeDigest, digestColor, type BatchContext } from '../../../src/notify/alert-digest.js';
import { createChannelBodySchema, newChannel } from '../../../src/notify/channel-input.js';
import { formatBatch, MAX_BATCH, MAX_WEBHOOK_BATCH } from '../../../src/notify/formats/index.js';
import { sampleAlert } from './transition-fixture.js';

const context: BatchContext = {
  publicUrl: 'https://fleet.haiphong.example/',
  timeZones: { 'cat-bi-airport': 'Asia/Ho_Chi_Minh', 'mong-cai': 'Asia/Bangkok' },
  now: new Date('2026-11-26T01:14:00Z'),
};
const screen = (n: number, overrides: Partial<AlertTransition> = {}) => ({
  deliveryId: `d-${n}`,
  transition: sampleAlert({
    id: `tr-${n}`,
    device: { id: `screen-${n}`, name: `Screen ${n}` },
    ...overrides,
  }),
});
const channelOf = (body: Record<string, unknown>) =>
  newChannel(createChannelBodySchema.parse(body), 'ch-1', new Date()).channel;

describe('alert digest', () => {
  it('heads a digest with the count and the gate they share, in either language', () => {
    const alerts = [screen(1), screen(2), screen(3, { kind: 'resolved' })];
    expect(composeDigest(alerts, 'en', context).heading).toBe('3 alerts at Cat Bi International Airport');
    const vi = composeDigest(alerts, 'vi', context);
    expect(vi.heading).toBe('3 cảnh báo tại Cat Bi International Airport');
    expect(vi.lines.map((line) => line.mark)).toEqual(['🔴', '🔴', '✅']);
    expect(vi.lines[0]?.where).toBe('Arrivals hall · 08:02 GMT+7 26/11/2026 (đã 12 phút)');
    expect(vi.alertsLink.url).toBe('https://fleet.haiphong.example/alerts');
  });

  it('names each line’s gate, in that gate’s time zone, when the alerts span several gates', () => {
    const mongCai = { id: 'mong-cai', name: 'Móng Cái' };
    const digest = composeDigest(
      [screen(1), screen(2, { gate: mongCai, severity: 'warning' })],
      'en',
      context,
    );
    expect(digest.heading).toBe('2 alerts at 2 gates');
    expect(digest.gate).toBeNull();
    expect(digest.lines[1]?.where).toBe('Arrivals hall, Móng Cái · 26/11/2026, 08:02 GMT+7 (for 12 min)');
    expect(digest.lines[1]?.mark).toBe('🟠');
    expect(digest.lines[1]?.text).toContain('https://fleet.haiphong.example/devices/screen-2');
  });

  it('colours a digest by the worst open alert, green once all are resolved', () => {
    expect(digestColor([screen(1, { severity: 'warning' }), screen(2)])).toBe('#D32F2F');
    expect(digestColor([screen(1, { kind: 'resolved' })])).toBe('#2E7D32');
  });
});

describe('formatBatch', () => {
  const telegram = channelOf({
    kind: 'telegram',
    name: 'T',
    botToken: `1:${'a'.repeat(30)}`,
    chatId: '-100',
  });

  it('cuts a Telegram digest to the leading alerts that fit 4096 characters', () => {
    const long = 'x'.repeat(300);
    const alerts = Array.from({ length: 20 }, (_, n) =>
      screen(n, { device: { id: `screen-${n}`, name: `${long}${n}` } }),
    );
    const { spec, alerts: sent } = formatBatch(alerts, telegram, context);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.length).toBeLessThan(20);
    expect(sent).toEqual(alerts.slice(0, sent.length));
    const text = JSON.parse((spec.body as { text: string }).text).text as string;
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.split('\n')).toHaveLength(1 + sent.length);
  });

  it('still sends one alert too long for Telegram, truncated', () => {
    const alert = screen(1, { facts: { problem: 'y '.repeat(5000) } });
    const { spec, alerts } = formatBatch([alert], telegram, context);
    expect(alerts).toEqual([alert]);
    const text = JSON.parse((spec.body as { text: string }).text).text as string;
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.endsWith('…')).toBe(true);
  });

  it(`takes at most ${MAX_BATCH} alerts in a chat message and ${MAX_WEBHOOK_BATCH} in a webhook`, () => {
    const webhook = channelOf({
      kind: 'webhook',
      name: 'W',
      url: 'https://ops.example/h',
      secret: 's'.repeat(20),
    });
    const slack = channelOf({ kind: 'slack', name: 'S', url: 'https://hooks.slack.example/x' });
    const alerts = Array.from({ length: 250 }, (_, n) => screen(n));
    expect(formatBatch(alerts, slack, context).alerts).toHaveLength(MAX_BATCH);
    expect(formatBatch(alerts, webhook, context).alerts).toHaveLength(MAX_WEBHOOK_BATCH);
  });
});
