import type { DisplayCheck } from '../display-check/display-check.js';
import { withTimeout } from '../lib/with-timeout.js';
import type { BrowserSession } from '../player/chromium/browser-session.js';
import type { ChromiumScreen } from '../player/chromium-screen.js';
import type { Resolution } from './display-output.js';
import type { ScreenTelemetry } from './health-reporter.js';
import type { HostFiles } from './host-files.js';
import { processTreeBytes } from './process-memory.js';

const EVALUATE_TIMEOUT_MS = 3_000;

/**
 * The display and player blocks of a screen with the kiosk Chromium: the display check's verdicts
 * and CEC power, the browser's health, the size its window is shown at, and the memory of every
 * Chromium process together.
 */
export function chromiumScreenTelemetry(
  screen: ChromiumScreen,
  display: Pick<DisplayCheck, 'telemetry'>,
  proc: HostFiles,
): ScreenTelemetry {
  return {
    async read() {
      const session = screen.session;
      const [displayBlock, player, resolution, memoryBytes] = await Promise.all([
        display.telemetry(),
        screen.playerTelemetry(),
        windowResolution(session),
        session?.pid ? processTreeBytes(proc, session.pid).catch(() => null) : null,
      ]);
      return { display: { ...displayBlock, resolution }, player: { ...player, memoryBytes } };
    },
  };
}

/**
 * The size the player page is shown at, in device pixels: the kiosk window fills the output, so
 * this is the mode the display runs at now, which sysfs does not tell. (`screen.*` is not used:
 * a headless browser reports a made-up 800×600 there.)
 */
export async function windowResolution(session: BrowserSession | null): Promise<Resolution | null> {
  if (!session) return null;
  const answer = await withTimeout(
    session.page.evaluate('[innerWidth, innerHeight, devicePixelRatio]').catch(() => null),
    EVALUATE_TIMEOUT_MS,
    null,
  );
  return resolutionOf(answer);
}

export function resolutionOf(answer: unknown): Resolution | null {
  if (!Array.isArray(answer) || answer.length !== 3) return null;
  const [width, height, ratio] = answer.map(Number) as [number, number, number];
  const scaled = { width: Math.round(width * ratio), height: Math.round(height * ratio) };
  const plausible = (value: number): boolean => Number.isFinite(value) && value > 0 && value <= 16_384;
  return plausible(scaled.width) && plausible(scaled.height) ? scaled : null;
}
