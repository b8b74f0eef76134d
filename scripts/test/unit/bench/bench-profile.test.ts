import { describe, expect, it } from 'vitest';
import { inclusiveTime, topSelfTime, type CpuProfile } from '../../../bench-throughput-profile.js';

// root → handler → store; root → (idle). 1 ms samples: store 3, handler 1, idle 2.
const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4] },
    { id: 2, callFrame: frame('handler', 'file:///app/inbox.js'), children: [3] },
    { id: 3, callFrame: frame('store', 'file:///app/node_modules/db/repo.js') },
    { id: 4, callFrame: frame('(idle)') },
  ],
  samples: [3, 3, 2, 4, 3, 4],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
};

describe('CPU profile summary', () => {
  it('ranks functions by self time with their share', () => {
    const { totalMs, rows } = topSelfTime(PROFILE, 2);
    expect(totalMs).toBe(6);
    expect(rows).toEqual([
      { where: 'store db/repo.js:1', ms: 3, share: 0.5 },
      { where: '(idle)', ms: 2, share: 2 / 6 },
    ]);
  });

  it('sums the time under a function, its callees included, once each', () => {
    expect(inclusiveTime(PROFILE, /^handler /)).toEqual({ ms: 4, share: 4 / 6 });
    expect(inclusiveTime(PROFILE, /nothing-like-this/).ms).toBe(0);
  });
});
