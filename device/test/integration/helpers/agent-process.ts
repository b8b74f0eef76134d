import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built bin. `npm test` runs `tsc -b` first; alone, run `npx tsc -b device` before these tests. */
export const AGENT_BIN = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

export interface AgentProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnAgent(args: string[]): AgentProcess {
  if (!existsSync(AGENT_BIN)) throw new Error(`${AGENT_BIN} is missing: run "npx tsc -b device" first`);
  const child = spawn(process.execPath, [AGENT_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Kills what is still running; for afterEach. */
export async function killAll(processes: AgentProcess[]): Promise<void> {
  for (const agent of processes.splice(0)) {
    if (agent.child.exitCode === null && agent.child.signalCode === null) {
      agent.child.kill('SIGKILL');
      await agent.exited;
    }
  }
}
