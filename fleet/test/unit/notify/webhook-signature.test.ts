import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../../src/notify/webhook-signature.js';

const secret = 'a-long-shared-secret-for-tests';
const body = JSON.stringify({ deliveryId: 'd-1', title: 'Nhiệt độ quá cao' });
const t = 1_796_000_000;

describe('webhook signature', () => {
  it('has the documented form t=<seconds>,v1=<64 hex>', () => {
    expect(signatureHeader(secret, t, body)).toMatch(/^t=1796000000,v1=[0-9a-f]{64}$/);
  });

  it('verifies with the secret and fails with another', () => {
    const header = signatureHeader(secret, t, body);
    expect(verifySignature(secret, header, body, t + 10)).toBe(true);
    expect(verifySignature('another-secret-of-same-size!!', header, body, t + 10)).toBe(false);
  });

  it('fails for a changed body, a changed timestamp or a stale one', () => {
    const header = signatureHeader(secret, t, body);
    expect(verifySignature(secret, header, body.replace('d-1', 'd-2'), t)).toBe(false);
    expect(verifySignature(secret, header.replace(`t=${t}`, `t=${t + 1}`), body, t)).toBe(false);
    expect(verifySignature(secret, header, body, t + 301)).toBe(false);
    expect(verifySignature(secret, 'garbage', body, t)).toBe(false);
  });
});
