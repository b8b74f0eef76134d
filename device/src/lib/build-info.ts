import { statSync } from 'node:fs';

/**
 * The day of the current release; every release bumps it. The schedule distrusts any clock
 * earlier than the agent's build (a board without RTC boots in 1970), and this is the floor
 * that holds even when the installed files carry no usable time.
 */
export const RELEASE_DATE = new Date('2026-11-20T00:00:00Z');

/**
 * A file time later than this after the release is not believed: it was written by a machine
 * whose clock was itself wrong, and trusting it would keep a screen on its default loop for years.
 */
const MAX_MTIME_AFTER_RELEASE_MS = 3 * 365 * 24 * 3_600_000;

/**
 * When this agent was built: the newer of the release date and the time `dist/main.js` was
 * written. There is no build step that could stamp a time, and `tsc -b` (or the OS image's
 * install) writes `dist/main.js`, so its mtime is the build's own time; the constant covers a
 * copy that reset mtimes to the epoch, and running from src/ where no dist exists yet.
 */
export function buildTimeFrom(releaseDate: Date, mainMtime: Date | null): Date {
  if (mainMtime === null || !Number.isFinite(mainMtime.getTime())) return releaseDate;
  if (mainMtime.getTime() - releaseDate.getTime() > MAX_MTIME_AFTER_RELEASE_MS) return releaseDate;
  return mainMtime > releaseDate ? mainMtime : releaseDate;
}

/** Both src/ (tests) and dist/ sit one level below device/, so one relative URL finds dist/main.js. */
export const AGENT_MAIN = new URL('../../dist/main.js', import.meta.url);

/** The agent's build time (see `buildTimeFrom`); a missing dist/main.js leaves the release date. */
export function readBuildTime(mainFile: URL | string = AGENT_MAIN, releaseDate = RELEASE_DATE): Date {
  let mtime: Date | null = null;
  try {
    mtime = statSync(mainFile).mtime;
  } catch {
    // Running from src/ before a build, or an unusual install: the release date alone.
  }
  return buildTimeFrom(releaseDate, mtime);
}
