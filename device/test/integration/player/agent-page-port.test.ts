import { createServer, type Server } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../../src/agent.js';
import { FakeClockSync } from '../../../src/hardware/clock-sync.js';
import { createDesiredStore } from '../../../src/state/desired-store.js';
import { agentConfig, desired, tempDir, testLogger } from '../helpers/fixtures.js';
import { playerConfig } from './player-harness.js';

/** The page server starts early, beside the event queue; a port in use must not stop the agent. */
describe('the agent when its player page port is taken', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let agent: Agent | null = null;
  let squatter: Server;

  beforeEach(async () => {
    dir = await tempDir('agent-page-port');
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await new Promise((resolve) => squatter.close(resolve));
    await dir.remove();
  });

  it('still starts, and reports the failure when it applies the saved document', async () => {
    await createDesiredStore({ dataDir: dir.path, log: testLogger() }).save(desired(3, 'welcome'));
    const lines: Array<{ msg: string; err?: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const pagePort = (squatter.address() as { port: number }).port;
    // Nothing listens on the MQTT port: this agent runs offline, on its saved document.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const mqttPort = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const config = {
      ...agentConfig(`mqtt://127.0.0.1:${mqttPort}`, dir.path),
      player: playerConfig({ pagePort }),
    };
    agent = createAgent({ config, log: pino({ level: 'info' }, sink), clockSync: new FakeClockSync(true) });

    await expect(agent.start()).resolves.toBeUndefined();
    const failure = lines.find((line) => line.msg === 'screen failed');
    expect(failure?.err).toMatch(/EADDRINUSE/);
  });
});
