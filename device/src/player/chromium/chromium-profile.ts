import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** Left behind by a Chromium that was killed; a new one refuses the profile while they exist. */
export const SINGLETON_FILES = ['SingletonLock', 'SingletonSocket', 'SingletonCookie'] as const;

/**
 * Makes the profile launchable whatever state the last run left it in: the folder exists, no
 * stale lock, and the preferences say the last exit was clean, so no "restore pages?" bubble.
 * A damaged preferences file is replaced: it holds nothing a screen needs.
 */
export async function prepareProfile(userDataDir: string, log: Logger): Promise<void> {
  const defaultDir = join(userDataDir, 'Default');
  await mkdir(defaultDir, { recursive: true, mode: 0o700 });
  for (const name of SINGLETON_FILES) await rm(join(userDataDir, name), { force: true });
  const file = join(defaultDir, 'Preferences');
  const preferences = await readPreferences(file, log);
  await writeFile(file, JSON.stringify(markCleanExit(preferences)));
}

/** Pure: the preferences with the last exit recorded as clean. */
export function markCleanExit(preferences: Record<string, unknown>): Record<string, unknown> {
  const profile = isRecord(preferences.profile) ? preferences.profile : {};
  return { ...preferences, profile: { ...profile, exit_type: 'Normal', exited_cleanly: true } };
}

async function readPreferences(file: string, log: Logger): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) return parsed;
  } catch {
    // fall through: damaged
  }
  log.warn({ file }, 'damaged Chromium preferences replaced');
  return {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
