import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import {
  agentConfigSchema,
  describeZodError,
  GatecastError,
  type AgentConfigInput,
} from '@gatecast/protocol';

/** Validates an agent config and renders the file exactly as the agent will read it. */
export function renderAgentConfig(config: AgentConfigInput): string {
  const result = agentConfigSchema.safeParse(config);
  if (!result.success) throw new GatecastError('CONFIG_INVALID', describeZodError(result.error));
  // Keep what the operator gave; the agent fills defaults itself, so later default changes still apply.
  return `${JSON.stringify(config, null, 2)}\n`;
}

export interface WriteAgentConfigOptions {
  /** Replace an existing file; off by default so a second enrolment cannot silently orphan a device. */
  overwrite?: boolean;
}

/**
 * Writes the config with mode 0600 (it holds the device secret), atomically: a reader sees the
 * old file or the whole new one, never a torn one, even after a power cut.
 */
export function writeAgentConfigFile(
  path: string,
  config: AgentConfigInput,
  options: WriteAgentConfigOptions = {},
) {
  const text = renderAgentConfig(config);
  if (!options.overwrite && existsSync(path)) {
    throw new GatecastError('CONFLICT', `${path} already exists; pass overwrite to replace it`);
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(dirname(path));
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
