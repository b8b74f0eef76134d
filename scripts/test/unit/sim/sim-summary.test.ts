import { describe, expect, it } from 'vitest';
import { summary } from '../../../sim/sim-summary.js';

describe('the sim summary', () => {
  it('lists connections, messages per kind, receipts and errors', () => {
    const text = summary(
      {
        connected: 9_998,
        desired: 10_000,
        commands: 2,
        receipts: 40,
        reconnects: 3,
        errors: 1,
        sent: { status: 10_000, reported: 20_000, telemetry: 39_000 },
      },
      10_000,
      41.25,
    );
    expect(text.split('\n')).toEqual([
      'screens connected: 9998/10000 (enrolled in 41.3 s)',
      'messages sent: status 10000, reported 20000, telemetry 39000',
      'received: desired 10000, commands 2; receipts sent 40',
      'reconnects 3, errors 1',
    ]);
  });

  it('says so when nothing was sent', () => {
    expect(summary({}, 5, 0)).toContain('messages sent: none');
  });
});
