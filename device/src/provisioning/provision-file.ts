import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BOOT_PROVISION_FILE,
  describeZodError,
  GatecastError,
  provisionFileSchema,
  type ProvisionFile,
} from '@gatecast/protocol';
import { describeJsonError } from '../config/json-error.js';

/** What the boot partition holds: nothing, a file to import, one already imported, or a broken one. */
export type BootProvision =
  | { kind: 'absent'; path: string }
  | { kind: 'fresh'; path: string; file: ProvisionFile; raw: Record<string, unknown> }
  | { kind: 'imported'; path: string; importedAt: string }
  | { kind: 'invalid'; path: string; message: string };

export function bootProvisionPath(bootDir: string): string {
  return join(bootDir, BOOT_PROVISION_FILE);
}

/**
 * Reads `<bootDir>/gatecast/provision.json`. A broken file is one line naming the file and the
 * field, never quoting it: it holds a secret.
 */
export async function readBootProvision(bootDir: string): Promise<BootProvision> {
  const path = bootProvisionPath(bootDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent', path };
    return { kind: 'invalid', path, message: `${path}: cannot read: ${code ?? (error as Error).message}` };
  }
  // Windows editors save with a byte-order mark; JSON.parse refuses it.
  text = text.replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', path, message: `${path}: ${describeJsonError(text, error as Error)}` };
  }
  if (isRecord(json) && typeof json.imported === 'string') {
    return { kind: 'imported', path, importedAt: json.imported };
  }
  const result = provisionFileSchema.safeParse(json);
  if (!result.success)
    return { kind: 'invalid', path, message: `${path}: ${describeZodError(result.error)}` };
  return { kind: 'fresh', path, file: result.data, raw: json as Record<string, unknown> };
}

/**
 * The provision file as the agent will import it; null when the boot partition has none. A file
 * that is broken, or already imported (its secret is gone), is a CONFIG_INVALID error.
 */
export async function readProvisionFile(bootDir: string): Promise<ProvisionFile | null> {
  const found = await readBootProvision(bootDir);
  if (found.kind === 'absent') return null;
  if (found.kind === 'fresh') return found.file;
  if (found.kind === 'imported') {
    throw new GatecastError('CONFIG_INVALID', `${found.path}: already imported at ${found.importedAt}`);
  }
  throw new GatecastError('CONFIG_INVALID', found.message);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
