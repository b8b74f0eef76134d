import { afterEach, describe, expect, it } from 'vitest';
import { recordFigure, sized } from '../../support/figures.js';
import {
  MB,
  chromiumMissing,
  contentOnScreen,
  document,
  sleep,
  startHarness,
  timeUntil,
  treeResidentBytes,
  within,
  type Harness,
} from '../../support/player-faults.js';

const missing = chromiumMissing();
const RUN_MS = sized(30_000, 600_000);
/** The guard's limit, small here (the agent's default is 768 MB of JS heap, 3 samples, 30 s apart). */
const LIMIT_BYTES = 64 * MB;
const LEAK_MB_PER_S = 15;
/** Bounded: the peak stays within the launch-time footprint plus a few times the limit. */
const HEADROOM_BYTES = 4 * LIMIT_BYTES;

/** A page bug: 1 MB of numbers kept for ever, LEAK_MB_PER_S times a second. */
const LEAK = `(() => {
  window.gatecastLeak = window.gatecastLeak || [];
  setInterval(() => {
    const chunk = new Array(131072);
    for (let i = 0; i < chunk.length; i++) chunk[i] = i + 0.5;
    window.gatecastLeak.push(chunk);
  }, ${1000 / LEAK_MB_PER_S});
})()`;

const LOOP = document({
  defaultItem: { kind: 'text', id: 'one', body: { en: 'One' }, durationSec: 2 },
  defaultLoop: [{ kind: 'text', id: 'two', body: { en: 'Two' }, durationSec: 2 }],
});

describe.skipIf(missing !== null)('W6: a page leaking memory', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('keeps Chromium memory bounded by recycling the browser', async () => {
    harness = await startHarness({
      supervision: {
        memorySampleMs: 500,
        memoryPolicy: { limitBytes: LIMIT_BYTES, samples: 3 },
      },
    });
    const h = harness;
    await h.screen.show(LOOP);
    expect(await timeUntil(() => contentOnScreen(h), 45_000)).not.toBeNull();
    const baseline = await treeResidentBytes(h.screen.chromium.pid);

    let leaking: number | null = null;
    let peak = baseline;
    let recycles = 0;
    let lastCause: string | null = null;
    const started = Date.now();
    while (Date.now() - started < RUN_MS) {
      const { pid, lastCause: cause, lastCauseAt } = h.screen.chromium;
      if (cause?.startsWith('memory') && lastCauseAt !== lastCause) {
        recycles++;
        lastCause = lastCauseAt;
      }
      // The leak is the page's: every browser the player starts runs it again.
      const page = h.screen.session?.page;
      if (pid !== null && pid !== leaking && page && (await within(contentOnScreen(h), 3_000, false))) {
        await page.evaluate(LEAK);
        leaking = pid;
      }
      peak = Math.max(peak, await treeResidentBytes(pid));
      await sleep(500);
    }
    const contentAtEnd = (await timeUntil(() => contentOnScreen(h), 30_000)) !== null;

    const bound = baseline + HEADROOM_BYTES;
    const unbounded = baseline + (LEAK_MB_PER_S * MB * RUN_MS) / 1000;
    const passed = peak <= bound && recycles >= 1 && contentAtEnd;
    const mb = (bytes: number): string => `${Math.round(bytes / MB)} MB`;
    recordFigure({
      id: 'W6',
      figure:
        `Chromium RSS peak ${mb(peak)} (at launch ${mb(baseline)}, bound ${mb(bound)}; ` +
        `unchecked the leak would reach ~${mb(unbounded)}); recycles ${recycles} ` +
        `(JS heap limit ${mb(LIMIT_BYTES)}); content on screen after: ${contentAtEnd ? 'yes' : 'no'}`,
      pass: 'Chromium RSS bounded; recycles',
      passed,
      size: `${RUN_MS / 1000} s of a ${LEAK_MB_PER_S} MB/s leak`,
    });
    expect(recycles).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(bound);
    expect(contentAtEnd).toBe(true);
  });
});
