import { DEVICE_ID_PATTERN } from '@gatecast/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveDeviceId, randomSuffix } from '../../../src/http/derive-device-id.js';

describe('deriveDeviceId', () => {
  it('joins gate, zone and suffix', () => {
    expect(deriveDeviceId('cat-bi', 'arrivals', 'k3x9qa')).toBe('cat-bi-arrivals-k3x9qa');
  });

  it('always yields a valid device id, however long the gate and zone ids are', () => {
    const slug = fc.stringMatching(/^[a-z0-9][a-z0-9-]{2,63}$/);
    fc.assert(
      fc.property(slug, slug, fc.uint8Array({ minLength: 6, maxLength: 6 }), (gate, zone, bytes) => {
        const id = deriveDeviceId(gate, zone, randomSuffix(Buffer.from(bytes)));
        expect(id).toMatch(DEVICE_ID_PATTERN);
        expect(id.endsWith(`-${randomSuffix(Buffer.from(bytes))}`)).toBe(true);
      }),
    );
  });

  it('makes six-letter suffixes without look-alike characters', () => {
    const suffix = randomSuffix();
    expect(suffix).toMatch(/^[a-km-np-z2-9]{6}$/);
  });
});
