import { describe, expect, it } from 'vitest';
import { addBody, type AddOptions } from '../../../src/cli/commands/alerts-channels.js';
import { CliError } from '../../../src/cli/io.js';

const base: AddOptions = { kind: 'slack', name: 'Duty', gate: [] };

describe('gatecast alerts channels add: the request body', () => {
  it('sends only the flags the kind uses, leaving defaults to the fleet manager', () => {
    expect(addBody({ ...base, webhookUrl: 'https://hooks.example/a' })).toEqual({
      kind: 'slack',
      name: 'Duty',
      url: 'https://hooks.example/a',
    });
    expect(
      addBody({
        ...base,
        kind: 'webhook',
        webhookUrl: 'https://ops.example/in',
        secret: 's'.repeat(16),
        language: 'en',
        gate: ['cat-bi-airport', 'hai-phong-port'],
        minSeverity: 'critical',
        disabled: true,
      }),
    ).toEqual({
      kind: 'webhook',
      name: 'Duty',
      url: 'https://ops.example/in',
      secret: 's'.repeat(16),
      language: 'en',
      gateIds: ['cat-bi-airport', 'hai-phong-port'],
      minSeverity: 'critical',
      enabled: false,
    });
    expect(addBody({ ...base, kind: 'telegram', botToken: '1:abc', chatId: '@ops' })).toEqual({
      kind: 'telegram',
      name: 'Duty',
      botToken: '1:abc',
      chatId: '@ops',
    });
  });

  it('names a missing or misplaced flag in one line, as a usage error', () => {
    const usage = (options: AddOptions) => {
      try {
        addBody(options);
      } catch (error) {
        return [(error as CliError).message, (error as CliError).exitCode];
      }
      return null;
    };
    expect(usage({ ...base, kind: 'sms' })).toEqual([
      '--kind must be one of slack, teams, google-chat, telegram, webhook',
      2,
    ]);
    expect(usage({ ...base, kind: 'teams' })).toEqual(['a teams channel needs --webhook-url', 2]);
    expect(usage({ ...base, kind: 'telegram', botToken: '1:abc' })).toEqual([
      'a telegram channel needs --bot-token and --chat-id',
      2,
    ]);
    expect(usage({ ...base, webhookUrl: 'https://x.example', secret: 'y' })).toEqual([
      '--secret is for webhook channels only',
      2,
    ]);
  });
});
