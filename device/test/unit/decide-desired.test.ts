import { describe, expect, it } from 'vitest';
import { decideDesired, type DesiredDecision } from '../../src/reconcile/decide-desired.js';

const me = 'cat-bi-arr-01';

describe('decideDesired', () => {
  const table: Array<
    [string, number | null, { deviceId: string; version: number }, DesiredDecision['action']]
  > = [
    ['first document ever', null, { deviceId: me, version: 1 }, 'apply'],
    ['first document with a high version', null, { deviceId: me, version: 40 }, 'apply'],
    ['newer version', 3, { deviceId: me, version: 4 }, 'apply'],
    ['much newer version', 3, { deviceId: me, version: 300 }, 'apply'],
    ['same version again (republish, reconnect)', 3, { deviceId: me, version: 3 }, 'no-op'],
    ['older version (replay, stale retained message)', 3, { deviceId: me, version: 2 }, 'reject'],
    ['another screen’s document', 3, { deviceId: 'port-hp-gate-02', version: 9 }, 'reject'],
    ['another screen’s document before any', null, { deviceId: 'port-hp-gate-02', version: 1 }, 'reject'],
  ];

  it.each(table)('%s → applied %s, incoming %o: %s', (_name, appliedVersion, incoming, action) => {
    expect(decideDesired({ deviceId: me, appliedVersion }, incoming).action).toBe(action);
  });

  it('names the problem of a stale document with STALE_DESIRED and both versions', () => {
    const decision = decideDesired({ deviceId: me, appliedVersion: 7 }, { deviceId: me, version: 5 });
    expect(decision).toMatchObject({ action: 'reject', problem: { code: 'STALE_DESIRED' } });
    if (decision.action === 'reject') expect(decision.problem.message).toMatch(/5.*7/);
  });

  it('names the problem of a foreign document with DEVICE_MISMATCH', () => {
    const decision = decideDesired({ deviceId: me, appliedVersion: 1 }, { deviceId: 'other-01', version: 2 });
    expect(decision).toMatchObject({ action: 'reject', problem: { code: 'DEVICE_MISMATCH' } });
  });
});
