import { afterEach, describe, expect, it } from 'vitest';
import {
  descendantsOf,
  parseKbField,
  parseParentPid,
  processTreeBytes,
} from '../../../src/health/process-memory.js';
import { fakeTree, type FakeTree } from './fake-tree.js';

const stat = (pid: number, name: string, ppid: number): string =>
  `${pid} (${name}) S ${ppid} ${pid} ${pid} 0 -1 4194560 1000 0 0 0 12 3 0 0 20 0 1 0 100 1000000 500 18446744073709551615\n`;
const status = (rssKb: number): string =>
  `Name:\tchromium\nVmPeak:\t  999999 kB\nVmRSS:\t  ${rssKb} kB\nThreads:\t9\n`;
const rollup = (pssKb: number): string =>
  `55d0c0000000-7ffd00000000 ---p 00000000 00:00 0 [rollup]\nRss:              999999 kB\nPss:              ${pssKb} kB\n`;

describe('/proc parsing', () => {
  it('reads the parent pid even when the name has spaces and parentheses', () => {
    expect(parseParentPid(stat(42, 'chromium', 7))).toBe(7);
    expect(parseParentPid(stat(43, 'Web Content (x) y', 42))).toBe(42);
  });

  it('reads kB fields as bytes', () => {
    expect(parseKbField(status(2048), 'VmRSS')).toBe(2048 * 1024);
    expect(parseKbField(rollup(100), 'Pss')).toBe(100 * 1024);
    expect(parseKbField('Name:\tkthreadd\n', 'VmRSS')).toBeNull();
  });

  it('walks a tree, grandchildren included, and nothing outside it', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 10],
      [13, 12],
      [20, 1],
    ]);
    expect(descendantsOf(10, parents).sort()).toEqual([10, 11, 12, 13]);
  });
});

describe('processTreeBytes over a fake /proc', () => {
  let proc: FakeTree;
  afterEach(() => proc.remove());

  const browserTree = {
    '1/stat': stat(1, 'systemd', 0),
    '1/status': status(9000),
    // The browser, its zygote and a renderer under the zygote, and a GPU process.
    '500/stat': stat(500, 'chromium', 1),
    '500/smaps_rollup': rollup(150_000),
    '500/status': status(300_000),
    '501/stat': stat(501, 'chromium', 500),
    '501/smaps_rollup': rollup(20_000),
    '501/status': status(80_000),
    '502/stat': stat(502, 'chromium', 501),
    '502/smaps_rollup': rollup(40_000),
    '502/status': status(90_000),
    '503/stat': stat(503, 'chromium', 500),
    '503/smaps_rollup': rollup(60_000),
    '503/status': status(100_000),
    // Not Chromium's: the agent itself.
    '900/stat': stat(900, 'node', 1),
    '900/smaps_rollup': rollup(70_000),
    '900/status': status(120_000),
  };

  it("sums the proportional shares of the browser and its descendants, and nobody else's", async () => {
    proc = await fakeTree(browserTree);
    expect(await processTreeBytes(proc.files, 500)).toBe((150_000 + 20_000 + 40_000 + 60_000) * 1024);
    // A subtree alone: the zygote and its renderer.
    expect(await processTreeBytes(proc.files, 501)).toBe((20_000 + 40_000) * 1024);
  });

  it('sums resident memory for all when one process hides its shares', async () => {
    const { ['502/smaps_rollup']: _hidden, ...sandboxed } = browserTree;
    proc = await fakeTree(sandboxed);
    expect(await processTreeBytes(proc.files, 500)).toBe((300_000 + 80_000 + 90_000 + 100_000) * 1024);
  });

  it('is null when the browser is gone', async () => {
    proc = await fakeTree({ '1/stat': stat(1, 'systemd', 0) });
    expect(await processTreeBytes(proc.files, 500)).toBeNull();
  });
});
