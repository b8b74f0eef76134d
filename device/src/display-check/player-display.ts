import type { ChromiumScreen } from '../player/chromium-screen.js';
import type { ScreenState } from '../player/screen-state.js';
import { DisplayCheck, type DisplayCheckOptions } from './display-check.js';

/** Width of the capture; 64×36 for a 16:9 screen is enough to tell black and still from content. */
const CAPTURE_WIDTH = 64;

/** The display check on the Chromium player: it captures the page and may reload or replace it. */
export function watchPlayerDisplay(
  screen: ChromiumScreen,
  options: Omit<DisplayCheckOptions, 'source'>,
): DisplayCheck {
  return new DisplayCheck({
    ...options,
    source: {
      capture: () => screen.captureLowRes(CAPTURE_WIDTH),
      contentExpected: () => screen.contentExpected(),
      motionExpected: () => screen.motionExpected(),
      reload: () => screen.reload(),
      restartBrowser: () => screen.restartBrowser('the screen stayed black after a page reload'),
    },
  });
}

/** The player's state with the display's problems added, for the reported state. */
export function withDisplayProblems(
  state: ScreenState,
  display: Pick<DisplayCheck, 'problems'> | null,
): ScreenState {
  const problems = display?.problems ?? [];
  return problems.length === 0 ? state : { ...state, errors: [...state.errors, ...problems] };
}
