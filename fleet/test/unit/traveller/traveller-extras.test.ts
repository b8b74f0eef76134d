import { desiredSchema } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { composeDesired } from '../../../src/desired/compose-desired.js';
import type { Gate } from '../../../src/gates/gates-repo.js';
import { travellerExtras, travellerUrl } from '../../../src/traveller/traveller-extras.js';
import { deviceRecord } from '../http/fake-deps.js';

const gate: Gate = {
  id: 'cat-bi',
  name: 'Cat Bi International Airport',
  timeZone: 'Asia/Ho_Chi_Minh',
  languages: ['vi', 'en', 'km'],
  createdAt: '2026-01-01T00:00:00.000Z',
  zones: [],
};

describe('the traveller page on every screen', () => {
  it('points each screen at its gate page on the fleet public address', () => {
    expect(travellerUrl('https://info.haiphong.gov.vn/', 'cat-bi')).toBe(
      'https://info.haiphong.gov.vn/t/cat-bi',
    );
    const provide = travellerExtras(() => 'http://10.0.0.5:8080');
    const device = deviceRecord({ id: 'cat-bi-arr-01' });
    const extras = provide(device, gate, new Date());
    expect(extras).toEqual({ travellerUrl: 'http://10.0.0.5:8080/t/cat-bi' });
    const document = composeDesired({
      device,
      gate,
      version: 1,
      issuedAt: '2026-11-26T08:00:00.000Z',
      extras,
    });
    expect(desiredSchema.parse(document).display.travellerUrl).toBe('http://10.0.0.5:8080/t/cat-bi');
  });

  it('adds no code while the fleet does not know its address yet', () => {
    expect(travellerExtras(() => undefined)(deviceRecord({ id: 'x-1' }), gate, new Date())).toEqual({});
  });
});
