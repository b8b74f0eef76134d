import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/program.js';
import type { CliIo } from '../../../src/cli/io.js';
import { startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import {
  enrolScreen,
  idsOnDisk,
  loggedIds,
  spawnAgent,
  storedCounts,
  waitUntil,
  writeAgentConfig,
  type AgentRun,
} from './agent-harness.js';

const ROUNDS = 10;

describe('proof of play: the agent is SIGKILLed again and again while the fleet is down', () => {
  let rf: RealFleet;
  let dir: string;
  const agents: AgentRun[] = [];

  beforeEach(async () => {
    rf = await startRealFleet();
    dir = await mkdtemp(join(tmpdir(), 'gatecast-agent-sigkill-'));
  });

  afterEach(async () => {
    for (const agent of agents.splice(0)) {
      agent.child.kill('SIGKILL');
      await agent.exited;
    }
    await rf.close();
    await rm(dir, { recursive: true, force: true });
  });

  function start(configFile: string): AgentRun {
    const agent = spawnAgent(configFile);
    agents.push(agent);
    return agent;
  }

  async function kill(agent: AgentRun): Promise<void> {
    agent.child.kill('SIGKILL');
    await agent.exited;
    agents.splice(agents.indexOf(agent), 1);
  }

  it('stores every event it emitted exactly once after both come back', async () => {
    const enrolled = await enrolScreen(rf);
    const deviceId = enrolled.deviceId;
    const configFile = await writeAgentConfig(dir, enrolled);
    const eventsDir = join(dir, 'data', 'events');
    const emitted = new Set<string>();

    // Online first: the screen receives its desired document and caches it.
    const first = start(configFile);
    await waitUntil(() => storedCounts(rf.dataDir, deviceId).size >= 2, 20_000, 'the first events');
    await kill(first);
    for (const id of loggedIds(first.stdout())) emitted.add(id);
    await rf.fleet.stop();

    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < ROUNDS; round += 1) {
      const agent = start(configFile);
      // From before the queue exists to well after the first events were written.
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(random() * 1_800)));
      await kill(agent);
      for (const id of loggedIds(agent.stdout())) emitted.add(id);
      for (const id of await idsOnDisk(eventsDir)) emitted.add(id);
    }
    // Each start emits agent-started and desired-applied (from the cache); a start killed early emits none.
    expect(emitted.size).toBeGreaterThan(4);

    await rf.restart();
    const last = start(configFile);
    await waitUntil(
      () => {
        const stored = storedCounts(rf.dataDir, deviceId);
        return [...emitted].every((id) => stored.has(id));
      },
      30_000,
      'every emitted event in the fleet',
    );
    last.child.kill('SIGTERM');
    await last.exited;
    agents.splice(agents.indexOf(last), 1);
    for (const id of loggedIds(last.stdout())) emitted.add(id);

    const stored = storedCounts(rf.dataDir, deviceId);
    expect([...stored.values()].every((count) => count === 1)).toBe(true);
    expect([...emitted].filter((id) => !stored.has(id))).toEqual([]);
    // Nothing the agent did not emit: the fleet holds exactly its events.
    expect([...stored.keys()].sort()).toEqual([...emitted].sort());

    // The CLI reads them back, newest first, as a table and as JSON.
    const io = capturingIo(rf);
    expect(await runCli(['devices', 'events', deviceId, '--json', '--limit', '1000'], io)).toBe(0);
    const page = JSON.parse(io.out.join('')) as {
      events: Array<{ id: string; at: string }>;
      nextBefore: null;
    };
    expect(page.events.map((event) => event.id).sort()).toEqual([...emitted].sort());
    expect(page.events.map((event) => event.at)).toEqual(
      page.events
        .map((event) => event.at)
        .sort()
        .reverse(),
    );
    const table = capturingIo(rf);
    expect(
      await runCli(['devices', 'events', deviceId, '--kind', 'agent-started', '--limit', '3'], table),
    ).toBe(0);
    const lines = table.out.join('').trim().split('\n');
    expect(lines[0]).toMatch(/^AT\s+KIND\s+WHAT\s+ID$/);
    expect(lines.slice(1)).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line).toMatch(/agent-started\s+agent \S+ started/);
    expect(table.err.join('')).toContain(`gatecast devices events ${deviceId} --before `);
  }, 120_000);
});

function capturingIo(rf: RealFleet): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: { GATECAST_URL: `http://127.0.0.1:${rf.running.httpPort}`, GATECAST_TOKEN: rf.token },
    cwd: process.cwd(),
  };
}
