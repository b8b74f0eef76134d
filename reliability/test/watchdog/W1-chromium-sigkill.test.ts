import { afterEach, describe, expect, it } from 'vitest';
import { percentile, recordFigure, sized } from '../../support/figures.js';
import {
  chromiumMissing,
  contentOnScreen,
  document,
  sleep,
  startHarness,
  timeUntil,
  type Harness,
} from '../../support/player-faults.js';

const missing = chromiumMissing();
const KILLS = sized(10, 100);
/** A relaunch that shows nothing within this long counts as failed (the pass bar is 10 s). */
const GIVE_UP_MS = 45_000;
/** Content stays on screen this long before the next kill, so each kill hits a playing screen. */
const DWELL_MS = 1_000;

const WELCOME = document({
  defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Chào mừng', en: 'Welcome' } },
});

describe.skipIf(missing !== null)('W1: SIGKILL Chromium repeatedly', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it(`content is back after each of ${KILLS} kills`, async () => {
    // The supervisor's own heartbeat and backoff timings, as the agent runs them.
    harness = await startHarness({ supervision: {} });
    const h = harness;
    await h.screen.show(WELCOME);
    expect(await timeUntil(() => contentOnScreen(h, 'welcome'), GIVE_UP_MS)).not.toBeNull();

    const times: number[] = [];
    let failed = 0;
    const launchFailuresBefore = h.screen.chromium.launchFailures;
    for (let kill = 0; kill < KILLS; kill++) {
      const pid = h.screen.chromium.pid;
      if (pid === null) throw new Error('no Chromium to kill');
      const started = Date.now();
      process.kill(pid, 'SIGKILL');
      const back = await timeUntil(
        async () => h.screen.chromium.pid !== pid && (await contentOnScreen(h, 'welcome')),
        GIVE_UP_MS,
        started,
      );
      if (back === null) failed++;
      else times.push(back);
      await sleep(DWELL_MS);
    }
    failed += h.screen.chromium.launchFailures - launchFailuresBefore;

    const p95 = percentile(times, 95);
    const passed = failed === 0 && times.length === KILLS && p95 <= 10_000;
    recordFigure({
      id: 'W1',
      figure:
        `content again p95 ${(p95 / 1000).toFixed(1)} s (median ${(percentile(times, 50) / 1000).toFixed(1)} s, ` +
        `max ${(Math.max(...times) / 1000).toFixed(1)} s); failed relaunches ${failed}/${KILLS}`,
      pass: 'content again p95 ≤ 10 s; 0 failed relaunches',
      passed,
      size: `${KILLS} kills`,
    });
    expect(failed).toBe(0);
    expect(p95).toBeLessThanOrEqual(10_000);
  });
});
