import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAgentVersion } from '../../src/lib/version.js';
import { killAll, spawnAgent, type AgentProcess } from './helpers/agent-process.js';
import { FleetClient, type SeenMessage } from './helpers/fleet-client.js';
import { DEVICE_ID, SECRET, agentConfig, tempDir } from './helpers/fixtures.js';
import { startTestBroker, type TestBroker } from './helpers/test-broker.js';

const isStatus = (state: string) => (m: SeenMessage) =>
  m.deviceId === DEVICE_ID && m.kind === 'status' && m.payload.state === state;

describe('gatecast-agent as a process', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const processes: AgentProcess[] = [];

  beforeEach(async () => {
    dir = await tempDir('agent-process');
  });

  afterEach(async () => {
    await killAll(processes);
    await dir.remove();
  });

  function run(args: string[]): AgentProcess {
    const agent = spawnAgent(args);
    processes.push(agent);
    return agent;
  }

  async function writeConfig(content: unknown): Promise<string> {
    const file = join(dir.path, 'agent.json');
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
    return file;
  }

  describe('refuses bad input with exit code 2 and one line', () => {
    it('names the field of a schema error', async () => {
      const file = await writeConfig({ ...agentConfig('http://fleet', dir.path), logLevel: 'info' });
      const agent = run(['--config', file]);
      expect(await agent.exited).toEqual({ code: 2, signal: null });
      expect(agent.stderr()).toBe(
        `gatecast-agent: ${file}: mqtt.url: must look like mqtt://host:1883 or mqtts://host:8883\n`,
      );
      expect(agent.stdout()).toBe('');
    });

    it('names a missing file', async () => {
      const file = join(dir.path, 'nowhere.json');
      const agent = run(['--config', file]);
      expect(await agent.exited).toEqual({ code: 2, signal: null });
      expect(agent.stderr()).toBe(`gatecast-agent: ${file}: cannot read: no such file\n`);
    });

    it('gives the position of bad JSON without quoting the secret', async () => {
      const file = await writeConfig(`{\n  "deviceId": "${DEVICE_ID}",\n  "secret": "${SECRET}",\n}`);
      const agent = run(['--config', file]);
      expect(await agent.exited).toEqual({ code: 2, signal: null });
      expect(agent.stderr()).toMatch(
        new RegExp(`^gatecast-agent: ${file}: invalid JSON at line 4 column 1: .*\\n$`),
      );
      expect(agent.stderr()).not.toContain(SECRET);
    });

    it('requires --config', async () => {
      const agent = run([]);
      expect((await agent.exited).code).toBe(2);
      expect(agent.stderr()).toContain('--config');
    });
  });

  it('prints its version', async () => {
    const agent = run(['--version']);
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.stdout().trim()).toBe(readAgentVersion());
  });

  describe('with a broker', () => {
    let broker: TestBroker;
    let fleet: FleetClient;

    beforeEach(async () => {
      broker = await startTestBroker({ [DEVICE_ID]: SECRET });
      fleet = await FleetClient.connect(broker.url);
    });

    afterEach(async () => {
      await killAll(processes);
      await fleet.close();
      await broker.stop();
    });

    async function startOnline(): Promise<AgentProcess> {
      const file = await writeConfig(agentConfig(broker.url, join(dir.path, 'data')));
      const agent = run(['--config', file]);
      await fleet.waitFor(isStatus('online'), 20_000, 'online status');
      return agent;
    }

    it('on SIGTERM says offline itself, disconnects cleanly and exits 0; its logs never hold the secret', async () => {
      const agent = await startOnline();
      agent.child.kill('SIGTERM');
      expect(await agent.exited).toEqual({ code: 0, signal: null });
      const offline = await fleet.waitFor(isStatus('offline'));
      expect(offline.payload.at).toBeTypeOf('string');
      // A clean DISCONNECT: the broker dropped the will, so exactly one offline arrived.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(fleet.seen.filter(isStatus('offline'))).toHaveLength(1);

      const lines = agent.stdout().trim().split('\n');
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines) expect(JSON.parse(line)).toHaveProperty('msg');
      expect(lines.some((line) => (JSON.parse(line) as { msg: string }).msg === 'agent stopped')).toBe(true);
      expect(agent.stdout()).not.toContain(SECRET);
    });

    it('after SIGKILL the broker publishes its will: a bare offline status', async () => {
      const agent = await startOnline();
      agent.child.kill('SIGKILL');
      await agent.exited;
      const will = await fleet.waitFor(isStatus('offline'), 1.5 * 5_000 + 7_500, 'the will');
      expect(will.payload).toEqual({ state: 'offline' });
    });

    it('when frozen (a dead link, no FIN) the broker gives up after about 1.5 keepalives', async () => {
      const agent = await startOnline();
      const frozenAt = Date.now();
      agent.child.kill('SIGSTOP');
      const will = await fleet.waitFor(isStatus('offline'), 25_000, 'the will after keepalive');
      const elapsed = Date.now() - frozenAt;
      expect(will.payload).toEqual({ state: 'offline' });
      // keepaliveSec is 5: not before one keepalive has passed, and well within a generous bound.
      expect(elapsed).toBeGreaterThanOrEqual(4_500);
      expect(elapsed).toBeLessThan(25_000);
    });
  });
});
