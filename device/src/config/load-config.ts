import { access, constants, readFile } from 'node:fs/promises';
import { GatecastError, agentConfigSchema, describeZodError, type AgentConfig } from '@gatecast/protocol';
import { describeJsonError } from './json-error.js';

/**
 * Reads and validates the agent's config file. Every failure is a GatecastError CONFIG_INVALID
 * whose message is one line naming the file and the field, and never quoting the secret.
 */
export async function loadAgentConfig(file: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw invalid(file, `cannot read: ${describeFsError(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(file, describeJsonError(text, error as Error));
  }
  const result = agentConfigSchema.safeParse(json);
  if (!result.success) throw invalid(file, describeZodError(result.error));
  const { caFile } = result.data.mqtt;
  if (caFile !== undefined) {
    try {
      await access(caFile, constants.R_OK);
    } catch (error) {
      throw invalid(file, `mqtt.caFile: cannot read ${caFile}: ${describeFsError(error)}`);
    }
  }
  return result.data;
}

function invalid(file: string, detail: string): GatecastError {
  return new GatecastError('CONFIG_INVALID', `${file}: ${detail}`);
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return code ?? (error as Error).message;
}
