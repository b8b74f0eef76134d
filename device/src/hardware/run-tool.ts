import { execFile } from 'node:child_process';
import { GatecastError } from '@gatecast/protocol';

export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/** Runs a system tool without a shell. A missing tool is HARDWARE_UNAVAILABLE, any other failure COMMAND_FAILED. */
export function runTool(file: string, args: readonly string[], timeoutMs = 10_000): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 256 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return reject(new GatecastError('HARDWARE_UNAVAILABLE', `${file} is not installed`));
      }
      const detail = stderr.trim().split('\n').pop() ?? error.message;
      reject(new GatecastError('COMMAND_FAILED', `${file} failed: ${detail || error.message}`.slice(0, 300)));
    });
  });
}
