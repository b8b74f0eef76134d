import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BOOT_PROVISION_DIR,
  BOOT_PROVISION_FILE,
  describeZodError,
  GatecastError,
  provisionFileSchema,
  type ProvisionFile,
  type ProvisionFileInput,
} from '@gatecast/protocol';
import { writeSecretFile } from './secret-file.js';

/** Validates a provision file and renders it exactly as the screen will read it at first boot. */
export function renderProvisionFile(file: ProvisionFileInput): string {
  return `${JSON.stringify(parseProvisionFile(file), null, 2)}\n`;
}

/** The validated file, defaults filled in; CONFIG_INVALID naming the field otherwise. */
export function parseProvisionFile(file: unknown): ProvisionFile {
  const result = provisionFileSchema.safeParse(file);
  if (!result.success) throw new GatecastError('CONFIG_INVALID', describeZodError(result.error));
  return result.data;
}

/**
 * Writes `<bootDir>/gatecast/provision.json` on a mounted boot partition (an SD card in a laptop).
 * Mode 0600 where the filesystem keeps modes (FAT does not; the screen deletes the secret at first
 * boot). Written to a temporary name and renamed, so a card pulled mid-write never holds half a file.
 */
export function writeProvisionFile(bootDir: string, file: ProvisionFileInput): string {
  const text = renderProvisionFile(file);
  const dir = join(bootDir, BOOT_PROVISION_DIR);
  const path = join(bootDir, BOOT_PROVISION_FILE);
  mkdirSync(dir, { recursive: true });
  writeSecretFile(path, text);
  return path;
}
