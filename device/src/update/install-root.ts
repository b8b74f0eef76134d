import { realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { releaseVersionSchema } from '@gatecast/protocol';

/** Where the docs explain the install root; named in the refusal an agent without one reports. */
export const INSTALL_ROOT_DOC = 'docs/adr/0031-device-self-update.md';

/**
 * Pure: the install root a bundle's real path sits in, or null. A release runs as
 * `<root>/releases/<version>/agent.mjs`; systemd starts it through `<root>/current`, which the
 * caller has already resolved to its real path.
 */
export function installRootOfPath(realFile: string): string | null {
  const releaseFolder = dirname(realFile);
  const releases = dirname(releaseFolder);
  if (basename(releases) !== 'releases') return null;
  if (!releaseVersionSchema.safeParse(basename(releaseFolder)).success) return null;
  return dirname(releases);
}

/**
 * The configured root, else the one this module runs from. In a release this module is bundled
 * into agent.mjs, so its URL is the bundle's; run from the package (src/ or dist/) there is none.
 */
export function findInstallRoot(
  configured: string | undefined,
  moduleUrl: string = import.meta.url,
): string | null {
  if (configured !== undefined) return configured;
  try {
    return installRootOfPath(realpathSync(fileURLToPath(moduleUrl)));
  } catch {
    return null;
  }
}
