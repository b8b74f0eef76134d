import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/agent.js';
import { FleetClient } from './helpers/fleet-client.js';
import { DEVICE_ID, RecordingScreen, SECRET, agentConfig, tempDir, testLogger } from './helpers/fixtures.js';
import { startTestBroker, type TestBroker } from './helpers/test-broker.js';

/**
 * A link that can die without a word: while cut, bytes are held both ways and nothing is closed,
 * as with a pulled cable or a lost radio; on restore what is still open gets them, as TCP's
 * retransmissions would deliver them.
 */
async function cuttableLink(targetPort: number) {
  let cut = false;
  const held: Array<{ to: Socket; chunk: Buffer }> = [];
  const pairs = new Set<{ sockets: Socket[] }>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1');
    const pair = { sockets: [inbound, outbound] };
    pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (cut) held.push({ to, chunk });
        else to.write(chunk);
      });
    forward(inbound, outbound);
    forward(outbound, inbound);
    for (const socket of pair.sockets) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        for (const other of pair.sockets) other.destroy();
        pairs.delete(pair);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    cut() {
      cut = true;
    },
    restore() {
      cut = false;
      for (const { to, chunk } of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    async close() {
      for (const pair of pairs) for (const socket of pair.sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('agent on a link that dies unnoticed', () => {
  let broker: TestBroker;
  let fleet: FleetClient;
  let link: Awaited<ReturnType<typeof cuttableLink>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let agent: Agent | null = null;

  beforeEach(async () => {
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    fleet = await FleetClient.connect(broker.url);
    link = await cuttableLink(broker.port);
    dir = await tempDir('agent-dead-link');
  });

  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await link.close();
    await fleet.close();
    await broker.stop();
    await dir.remove();
  });

  it('delivers the health samples taken before it noticed the link was dead, after the reconnect', async () => {
    agent = createAgent({
      // A sample every 2 s; the 5 s keepalive takes several of them to notice the dead link.
      config: { ...agentConfig(link.url, dir.path, { keepaliveSec: 5 }), healthIntervalSec: 2 },
      log: testLogger(),
      screen: new RecordingScreen(),
      health: { watchMs: 60_000 },
    });
    await agent.start();
    await fleet.waitFor((m) => m.kind === 'telemetry', 15_000, 'a first sample');

    const cutAt = Date.now();
    link.cut();
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const restoredAt = Date.now();
    link.restore();
    await fleet.waitFor(
      (m) =>
        m.kind === 'status' && m.payload.state === 'online' && Date.parse(String(m.payload.at)) > restoredAt,
      20_000,
      'online again',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const during = fleet
      .of(DEVICE_ID, 'telemetry')
      .map((m) => Date.parse(String(m.payload.at)))
      .filter((at) => at > cutAt && at <= restoredAt);
    // One sample per 2 s tick of the cut (the first and last tick may fall either side).
    expect(during.length).toBeGreaterThanOrEqual(Math.floor((restoredAt - cutAt) / 2_000) - 1);
  }, 45_000);
});
