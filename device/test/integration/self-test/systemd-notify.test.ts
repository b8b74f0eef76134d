import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../../src/agent.js';
import { FakeClockSync } from '../../../src/hardware/clock-sync.js';
import { startSystemdWatchdog } from '../../../src/hardware/systemd-watchdog.js';
import { DEVICE_ID, SECRET, agentConfig, eventually, tempDir, testLogger } from '../helpers/fixtures.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { openNotifySocket, systemdNotifyOrSkip, type NotifySocket } from './notify-socket.js';

// The watchdog through the real `systemd-notify` binary into a real unix datagram socket.
describe('systemd notification and watchdog', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let socket: NotifySocket;

  beforeEach(async (context) => {
    systemdNotifyOrSkip((reason) => context.skip(reason));
    dir = await tempDir('notify');
    socket = await openNotifySocket(dir.path);
  });

  afterEach(async () => {
    await socket?.close();
    await dir?.remove();
  });

  it('says READY=1, feeds WATCHDOG=1 while healthy, and STOPPING=1 at the end', async () => {
    // WATCHDOG_USEC of 0.2 s: a ping every 100 ms, so the test need not wait long.
    const env = { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '200000', WATCHDOG_PID: String(process.pid) };
    let problem: string | null = null;
    const watchdog = startSystemdWatchdog({ log: pino({ level: 'silent' }), healthy: () => problem, env });
    watchdog.ready();
    await eventually(() =>
      expect(socket.messages().filter((m) => m === 'WATCHDOG=1').length).toBeGreaterThan(1),
    );
    problem = 'applying a desired document has been running for 301 s';
    await eventually(() => expect(socket.messages()).toContain(`STATUS=${problem}`));
    await watchdog.stop();
    const messages = socket.messages();
    expect(messages[0]).toBe('READY=1 STATUS=running');
    expect(messages.at(-1)).toBe('STOPPING=1');
    // Nothing fed the watchdog between the problem and the stop.
    const afterProblem = messages.slice(messages.indexOf(`STATUS=${problem}`));
    expect(afterProblem.filter((m) => m === 'WATCHDOG=1')).toEqual([]);
  });

  describe('in the agent', () => {
    let broker: TestBroker;
    let agent: Agent | null = null;
    beforeEach(async () => {
      broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    });
    afterEach(async () => {
      await agent?.stop();
      agent = null;
      await broker.stop();
    });

    it('tells systemd it is ready once started, feeds it, and that it stops', async () => {
      agent = createAgent({
        config: agentConfig(broker.url, dir.path),
        log: testLogger(),
        clockSync: new FakeClockSync(true),
        systemd: { env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '200000' } },
      });
      await agent.start();
      await eventually(() => expect(socket.messages()).toContain('READY=1 STATUS=running'));
      await eventually(() => expect(socket.messages()).toContain('WATCHDOG=1'));
      await agent.stop();
      agent = null;
      expect(socket.messages().at(-1)).toBe('STOPPING=1');
    });
  });
});
