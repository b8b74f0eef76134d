import { describe, expect, it } from 'vitest';
import { REDACTED, summarize } from '../../../src/audit/audit-summary.js';

describe('audit before/after summaries', () => {
  it('keeps short values as they are, markup included', () => {
    const value = {
      name: '<img src=x onerror=alert(1)>',
      tags: ['arrivals'],
      ok: true,
      count: 3,
      gone: null,
    };
    expect(summarize(value)).toEqual(value);
  });

  it('redacts anything that looks like a credential, at any depth', () => {
    expect(
      summarize({
        name: 'ci',
        secret: 's3cret',
        agentConfig: { deviceId: 'cat-bi-1', secret: 'device-secret' },
        passwordHash: 'scrypt$…',
        oneTimePassword: 'abcde-fghij',
        csrfToken: 'x',
      }),
    ).toEqual({
      name: 'ci',
      secret: REDACTED,
      agentConfig: { deviceId: 'cat-bi-1', secret: REDACTED },
      passwordHash: REDACTED,
      oneTimePassword: REDACTED,
      csrfToken: REDACTED,
    });
  });

  it('keeps yes/no flags whose names merely mention a credential', () => {
    expect(summarize({ mustChangePassword: true, password: true, tokenName: 'ci' })).toEqual({
      mustChangePassword: true,
      password: true,
      tokenName: REDACTED,
    });
  });

  it('shortens long strings, long lists and deep nesting', () => {
    const long = summarize('x'.repeat(500)) as string;
    expect(long).toHaveLength(201);
    const list = summarize(Array.from({ length: 80 }, (_, i) => i)) as unknown[];
    expect(list).toHaveLength(51);
    expect(list[50]).toBe('… 30 more');
    expect(summarize({ a: { b: { c: { d: { e: 1 } } } } })).toEqual({ a: { b: { c: { d: '…' } } } });
  });

  it('turns nothing into null', () => {
    expect(summarize(undefined)).toBeNull();
    expect(summarize(null)).toBeNull();
  });
});
