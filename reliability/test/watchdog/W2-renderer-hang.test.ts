import { afterEach, describe, expect, it } from 'vitest';
import { recordFigure, sized } from '../../support/figures.js';
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
const HANGS = sized(2, 20);
const DETECT_MS = 15_000;
const RECOVER_MS = 25_000;
/** Past the pass bars, so a slow detection or recovery is measured rather than cut short. */
const GIVE_UP_MS = 60_000;

const WELCOME = document({
  defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Chào mừng', en: 'Welcome' } },
});

const seconds = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

describe.skipIf(missing !== null)('W2: a renderer hang', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it(`is detected and recovered, ${HANGS} times`, async () => {
    // The agent's own heartbeat timings: the point is what a real screen would do.
    harness = await startHarness({ supervision: {} });
    const h = harness;
    await h.screen.show(WELCOME);
    expect(await timeUntil(() => contentOnScreen(h, 'welcome'), GIVE_UP_MS)).not.toBeNull();

    const detections: Array<number | null> = [];
    const recoveries: Array<number | null> = [];
    for (let hang = 0; hang < HANGS; hang++) {
      const pid = h.screen.chromium.pid;
      const restarts = h.screen.chromium.restarts;
      const page = h.screen.session?.page;
      if (!page || pid === null) throw new Error('no player page to hang');
      const started = Date.now();
      // The page's main thread spins for ever; the evaluate itself returns first.
      await page.evaluate('setTimeout(() => { for (;;) {} }, 0)');
      const detected = await timeUntil(
        async () =>
          h.screen.chromium.restarts > restarts && /^heartbeat/.test(h.screen.chromium.lastCause ?? ''),
        GIVE_UP_MS,
        started,
        50,
      );
      detections.push(detected);
      const recovered =
        detected === null
          ? null
          : await timeUntil(
              async () => h.screen.chromium.pid !== pid && (await contentOnScreen(h, 'welcome')),
              GIVE_UP_MS,
              started,
            );
      recoveries.push(recovered);
      if (recovered === null) break;
      await sleep(1_000);
    }

    const worst = (values: Array<number | null>): number | null =>
      values.includes(null) ? null : Math.max(...(values as number[]));
    const detectWorst = worst(detections);
    const recoverWorst = worst(recoveries);
    const passed =
      detections.length === HANGS &&
      detectWorst !== null &&
      recoverWorst !== null &&
      detectWorst <= DETECT_MS &&
      recoverWorst <= RECOVER_MS;
    recordFigure({
      id: 'W2',
      figure:
        `detected worst ${seconds(detectWorst)} (each: ${detections.map(seconds).join(', ')}); ` +
        `content again worst ${seconds(recoverWorst)} (each: ${recoveries.map(seconds).join(', ')})`,
      pass: 'detect ≤ 15 s; recover ≤ 25 s',
      passed,
      size: `${HANGS} hangs`,
    });
    expect(detections).toHaveLength(HANGS);
    expect(detectWorst).not.toBeNull();
    expect(detectWorst!).toBeLessThanOrEqual(DETECT_MS);
    expect(recoverWorst).not.toBeNull();
    expect(recoverWorst!).toBeLessThanOrEqual(RECOVER_MS);
  });
});
