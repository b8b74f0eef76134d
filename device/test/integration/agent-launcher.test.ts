import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAgentVersion } from '../../src/lib/version.js';
import { DEVICE_ID, SECRET, agentConfig, tempDir } from './helpers/fixtures.js';
import { startTestBroker, type TestBroker } from './helpers/test-broker.js';

/** The installed command: systemd starts this file itself, so its shebang decides Node's flags. */
const LAUNCHER = fileURLToPath(new URL('../../bin/gatecast-agent.js', import.meta.url));
const V8_FLAG = '--max-semi-space-size=1';

describe('the gatecast-agent launcher', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let broker: TestBroker | null = null;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await tempDir('agent-launcher');
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await broker?.stop();
    broker = null;
    await dir.remove();
  });

  /** Run as an executable, as systemd does; `node` is found on PATH by `env -S`. */
  function launch(args: string[]): { child: ChildProcess; output: () => string } {
    const path = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
    const child = spawn(LAUNCHER, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: path },
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output };
  }

  it('runs the agent: --version prints the version and exits 0', async () => {
    const { child, output } = launch(['--version']);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output().trim()).toBe(readAgentVersion());
  });

  it('starts Node with its small-device V8 flag', async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    const file = join(dir.path, 'agent.json');
    await writeFile(file, JSON.stringify(agentConfig(broker.url, join(dir.path, 'state'))), { mode: 0o600 });
    const { child, output } = launch(['--config', file]);
    // `env` replaces itself with node in the same process; its command line carries the flag.
    await until(() => output().includes('agent starting'), child);
    const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    expect(argv).toContain(V8_FLAG);
    expect(argv.some((arg) => arg.endsWith('bin/gatecast-agent.js'))).toBe(true);
  });
});

async function until(done: () => boolean, child: ChildProcess): Promise<void> {
  for (let waited = 0; !done(); waited += 50) {
    if (child.exitCode !== null) throw new Error(`the agent exited with ${child.exitCode}`);
    if (waited > 20_000) throw new Error('the agent did not start');
    await sleep(50);
  }
}
