import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { GatecastError } from '@gatecast/protocol';

/** Debian ships `chromium`; Ubuntu and Raspberry Pi OS images have used `chromium-browser`. */
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser'] as const;

/**
 * The Chromium to run: the configured path if given (and only that: a wrong setting must show,
 * not be papered over), else the first known name on PATH.
 */
export function findChromium(configured: string | undefined, pathVariable = process.env.PATH ?? ''): string {
  if (configured !== undefined) {
    if (isAbsolute(configured) && isExecutable(configured)) return configured;
    const found = isAbsolute(configured) ? null : searchPath(configured, pathVariable);
    if (found !== null) return found;
    throw new GatecastError(
      'PLAYER_UNAVAILABLE',
      `the configured Chromium "${configured}" is not an executable file`,
    );
  }
  for (const name of CHROMIUM_NAMES) {
    const found = searchPath(name, pathVariable);
    if (found !== null) return found;
  }
  throw new GatecastError(
    'PLAYER_UNAVAILABLE',
    `no Chromium found: none of ${CHROMIUM_NAMES.join(', ')} is on PATH; install it or set player.chromiumPath`,
  );
}

function searchPath(name: string, pathVariable: string): string | null {
  for (const dir of pathVariable.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
