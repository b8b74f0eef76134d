import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAgentVersion } from '../../../src/lib/version.js';
import { readCurrent } from '../../../src/update/release-links.js';
import { readUpdateRecord } from '../../../src/update/update-state.js';
import { AGENT_BIN } from '../helpers/agent-process.js';
import { FleetClient } from '../helpers/fleet-client.js';
import { DEVICE_ID, SECRET, agentConfig, desired, tempDir } from '../helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { newSigningKey } from '../../unit/update/release-signing.js';
import { ArtifactServer } from './helpers/artifact-server.js';
import { buildTestRelease, layDownRoot, withAgent, type BuiltTestRelease } from './updater-support.js';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/** The built agent as systemd runs it; `env` adds the fault-injection hook. */
function runAgent(configFile: string, env: Record<string, string> = {}): Promise<Exit> {
  const child = spawn(process.execPath, [AGENT_BIN, '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout })));
}

describe('the agent process restarts into an update', () => {
  const running = readAgentVersion();
  let broker: TestBroker;
  let fleet: FleetClient;
  let server: ArtifactServer;
  let work: Awaited<ReturnType<typeof tempDir>>;
  let next: BuiltTestRelease;
  let configFile: string;

  beforeEach(async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
    work = await tempDir('updater-process');
    const key = newSigningKey();
    next = await buildTestRelease(work.path, '99.0.0', key);
    server = new ArtifactServer(next.artifact);
    await server.start();
    const root = join(work.path, 'root');
    await layDownRoot(root, running);
    const base = agentConfig(broker.url, join(work.path, 'data'));
    const config = { ...base, updates: { ...base.updates, publicKeys: [key.pinned], installRoot: root } };
    configFile = join(work.path, 'agent.json');
    await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
    await fleet.publishDesired(DEVICE_ID, withAgent(desired(1), next, server.url));
  });

  afterEach(async () => {
    await server.stop();
    await fleet.close();
    await broker.stop();
    await work.remove();
  });

  it('exits with 75 once the new release is switched in', async () => {
    const exit = await runAgent(configFile);
    expect(exit.code).toBe(75);
    expect(exit.stdout).toContain('"msg":"restart requested"');
    expect(await readCurrent(join(work.path, 'root'))).toBe('99.0.0');
    expect((await readUpdateRecord(join(work.path, 'data')))?.status.state).toBe('restarting');
  });

  it('killed right after it wrote `switching`, resumes at the switch on the next start', async () => {
    const killed = await runAgent(configFile, { GATECAST_FAULT_KILL_AT: 'switching' });
    expect(killed.signal).toBe('SIGKILL');
    expect((await readUpdateRecord(join(work.path, 'data')))?.status.state).toBe('switching');
    expect(await readCurrent(join(work.path, 'root'))).toBe(running);

    const again = await runAgent(configFile);
    expect(again.code).toBe(75);
    expect(await readCurrent(join(work.path, 'root'))).toBe('99.0.0');
    // The verified artifact and the installed release were reused: one download in all.
    expect(server.requests).toHaveLength(1);
  });
});
