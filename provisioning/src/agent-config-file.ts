import { existsSync } from 'node:fs';
import {
  agentConfigSchema,
  describeZodError,
  GatecastError,
  type AgentConfigInput,
} from '@gatecast/protocol';
import { writeSecretFile } from './secret-file.js';

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
  writeSecretFile(path, text);
}
