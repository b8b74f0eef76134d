import { GatecastError } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import {
  channelView,
  createChannelBodySchema,
  newChannel,
  patchedChannel,
} from '../../../src/notify/channel-input.js';
import { channelWants, scrub, targetSecrets } from '../../../src/notify/channel-model.js';
import { sampleAlert } from './transition-fixture.js';

const now = new Date('2026-11-26T01:00:00Z');
const create = (body: unknown) => newChannel(createChannelBodySchema.parse(body), 'abcdef123456', now);
const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';
const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('channel input', () => {
  it('fills defaults: Vietnamese, all gates, warnings and up, enabled', () => {
    const { channel } = create({ kind: 'slack', name: 'Duty chat', url: SLACK_URL });
    expect(channel).toMatchObject({ language: 'vi', gateIds: null, minSeverity: 'warning', enabled: true });
  });

  it('generates a webhook secret when none is given, and returns it once', () => {
    const { channel, secret } = create({ kind: 'webhook', name: 'Ops', url: 'https://ops.example/hook' });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(channel.target).toEqual({ kind: 'webhook', url: 'https://ops.example/hook', secret });
    expect(
      create({ kind: 'webhook', name: 'Ops', url: 'https://x.example', secret: 's'.repeat(16) }).secret,
    ).toBeUndefined();
  });

  it('refuses fields of another kind and bad targets with the field named', () => {
    expect(() =>
      createChannelBodySchema.parse({ kind: 'slack', name: 'x', url: SLACK_URL, secret: 'y' }),
    ).toThrow();
    expect(() =>
      createChannelBodySchema.parse({ kind: 'telegram', name: 'x', botToken: 'nope', chatId: '1' }),
    ).toThrow(/BotFather/);
    const { channel } = create({ kind: 'slack', name: 'Duty chat', url: SLACK_URL });
    expect(() => patchedChannel(channel, { botToken: TOKEN }, now)).toThrow(
      new GatecastError('BAD_REQUEST', 'a slack channel has no botToken'),
    );
    expect(() => patchedChannel(channel, { url: 'ftp://x' }, now)).toThrow(/^url: must be an http/);
  });

  it('patches settings and target of its own kind', () => {
    const { channel } = create({
      kind: 'telegram',
      name: 'Trực ban',
      botToken: TOKEN,
      chatId: '-1001234567890',
    });
    const patched = patchedChannel(
      channel,
      { chatId: '@gatecast_ops', enabled: false, gateIds: ['hai-phong-port'] },
      now,
    );
    expect(patched.target).toMatchObject({
      chatId: '@gatecast_ops',
      botToken: TOKEN,
      apiBaseUrl: 'https://api.telegram.org',
    });
    expect(patched).toMatchObject({ enabled: false, gateIds: ['hai-phong-port'] });
  });

  it('shows the target host only', () => {
    const { channel } = create({ kind: 'telegram', name: 'Trực ban', botToken: TOKEN, chatId: '-100123' });
    const view = channelView({ ...channel, lastAttempt: null }, 2);
    expect(view.target).toBe('api.telegram.org');
    expect(JSON.stringify(view)).not.toContain(TOKEN);
    const slack = channelView(
      { ...create({ kind: 'slack', name: 'S', url: SLACK_URL }).channel, lastAttempt: null },
      0,
    );
    expect(JSON.stringify(slack)).not.toContain('/services/');
  });

  it('scrubs URLs, tokens and secrets out of error texts', () => {
    const { channel } = create({ kind: 'slack', name: 'S', url: SLACK_URL });
    expect(
      scrub(
        `POST ${SLACK_URL} failed; path /services/T000/B000/XXXXXXXXXXXXXXXX`,
        targetSecrets(channel.target),
      ),
    ).toBe('POST [redacted] failed; path [redacted]');
  });

  it('wants a transition only when enabled, in gate scope and severe enough', () => {
    const { channel } = create({
      kind: 'slack',
      name: 'S',
      url: SLACK_URL,
      gateIds: ['cat-bi-airport'],
      minSeverity: 'critical',
    });
    expect(channelWants(channel, sampleAlert())).toBe(true);
    expect(channelWants(channel, sampleAlert({ severity: 'warning' }))).toBe(false);
    expect(channelWants(channel, sampleAlert({ gate: { id: 'hai-phong-port', name: 'Port' } }))).toBe(false);
    expect(channelWants({ ...channel, enabled: false }, sampleAlert())).toBe(false);
  });
});
