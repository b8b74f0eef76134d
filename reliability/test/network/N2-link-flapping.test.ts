import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningProcess, tempDir, waitFor } from '../../../e2e/test/support/processes.js';
import { DEVICE_ID, SECRET } from '../../../device/test/integration/helpers/fixtures.js';
import { FleetClient } from '../../../device/test/integration/helpers/fleet-client.js';
import { startTestBroker, type TestBroker } from '../../../device/test/integration/helpers/test-broker.js';
import { recordFigure, sized } from '../../support/figures.js';
import {
  AGENT_BIN,
  createNetnsLink,
  fakeTools,
  logLines,
  netnsOrSkip,
  startRelay,
  type FakeTools,
  type NetnsLink,
  type Relay,
} from '../../support/netns.js';

const FLAPS = sized(6, 120);
/**
 * A flap every 5 s of link: the down times alternate between one TCP rides through (3 s) and one
 * past the keepalive's detection (9 s with a 5 s keepalive), so the agent also reconnects.
 */
const DOWN_MS = [3_000, 9_000];
const UP_MS = 2_000;
/** The fleet's at-least-once: a command without an answer after this long is sent again, same id. */
const RESEND_AFTER_MS = 4_000;
const MAX_SENDS = 4;

interface Sent {
  id: string;
  name: 'display' | 'reboot';
  request: Record<string, unknown>;
  sends: number;
  lastSentAt: number;
}

const runnable = netnsOrSkip('N2');

// N2: the agent's link flaps every 5 s while commands arrive and are resent: it must not crash,
// and no command may run twice (a second reboot, a second switch of the TV).
describe.runIf(runnable)('N2 link flapping', () => {
  const dir = tempDir('rel-n2');
  let link: NetnsLink;
  let broker: TestBroker;
  let relay: Relay;
  let fleet: FleetClient;
  let tools: FakeTools;
  let agent: RunningProcess;

  beforeAll(async () => {
    link = createNetnsLink();
    broker = await startTestBroker({ [DEVICE_ID]: SECRET });
    relay = await startRelay(link.hostAddress, broker.port);
    fleet = await FleetClient.connect(broker.url);
    tools = fakeTools(join(dir.path, 'bin'), ['cec-ctl', 'systemctl']);
    const config = join(dir.path, 'agent.json');
    writeFileSync(
      config,
      JSON.stringify({
        deviceId: DEVICE_ID,
        secret: SECRET,
        mqtt: {
          url: `mqtt://${link.hostAddress}:${relay.port}`,
          keepaliveSec: 5,
          reconnectMinMs: 200,
          reconnectMaxMs: 2_000,
        },
        dataDir: join(dir.path, 'data'),
        healthIntervalSec: 3_600,
        logLevel: 'info',
        player: { mode: 'none' },
      }),
    );
    const env = { ...process.env, PATH: `${tools.dir}:${process.env.PATH ?? ''}` };
    agent = new RunningProcess(link.spawn(process.execPath, [AGENT_BIN, '--config', config], env));
    await fleet.waitFor(
      (m) => m.kind === 'status' && m.payload.state === 'online',
      30_000,
      'the agent online',
    );
  });

  afterAll(async () => {
    await agent?.stop();
    await fleet?.close();
    await relay?.close();
    await broker?.stop();
    link?.remove();
    dir.remove();
  });

  it('crashes 0; commands executed twice 0', async () => {
    const sent = new Map<string, Sent>();
    const answered = (id: string) => fleet.of(DEVICE_ID, 'cmd/res').some((m) => m.payload.id === id);
    let crashes = 0;
    void agent.exited.then(() => crashes++);
    let resends = 0;

    const send = async (entry: Sent): Promise<void> => {
      entry.sends++;
      entry.lastSentAt = Date.now();
      await fleet.sendCommand(DEVICE_ID, { ...entry.request, issuedAt: new Date().toISOString() });
    };
    const resendUnanswered = async (): Promise<void> => {
      for (const entry of sent.values()) {
        if (answered(entry.id) || entry.sends >= MAX_SENDS) continue;
        if (Date.now() - entry.lastSentAt < RESEND_AFTER_MS) continue;
        resends++;
        await send(entry);
      }
    };

    // One new command a second (every fifth a reboot), resends of unanswered ones, through the flaps.
    let sending = true;
    const sender = (async () => {
      for (let n = 1; sending; n++) {
        const name = n % 5 === 0 ? 'reboot' : 'display';
        const id = `n2-${String(n).padStart(5, '0')}`;
        const args = name === 'reboot' ? { delaySec: 0 } : { action: n % 2 ? 'standby' : 'on' };
        const entry: Sent = { id, name, request: { id, name, args }, sends: 0, lastSentAt: 0 };
        sent.set(id, entry);
        await send(entry);
        await resendUnanswered();
        await sleep(1_000);
      }
    })();
    for (let flap = 0; flap < FLAPS; flap++) {
      link.cut();
      await sleep(DOWN_MS[flap % DOWN_MS.length]!);
      link.restore();
      await sleep(UP_MS);
    }
    sending = false;
    await sender;

    // The link stays up now: every command gets its answer, resent as the fleet would.
    await waitFor(
      'every command answered',
      async () => {
        await resendUnanswered();
        return [...sent.values()].every((entry) => answered(entry.id));
      },
      60_000,
    ).catch(() => undefined);
    await sleep(2_000);

    // Runs per id, from the agent's own log: a repeat is answered from its cache, not run again.
    const logs = logLines(agent.stdout);
    const runs = new Map<string, number>();
    for (const line of logs) {
      if (line.msg !== 'command done' && line.msg !== 'command failed') continue;
      runs.set(String(line.id), (runs.get(String(line.id)) ?? 0) + 1);
    }
    crashes += logs.filter((line) => line.msg === 'unexpected failure').length;
    const twice = [...runs.values()].filter((count) => count > 1).length;
    const ranOnce = (name: Sent['name']) =>
      [...sent.values()].filter((entry) => entry.name === name && runs.get(entry.id) === 1).length;
    // And at the hardware edges: one tool call per command run, no more.
    const switches = tools.calls('cec-ctl').filter((call) => /--standby|--image-view-on/.test(call)).length;
    const reboots = tools.calls('systemctl').filter((call) => call === 'reboot').length;
    const extraAtEdges =
      Math.max(0, switches - ranOnce('display')) + Math.max(0, reboots - ranOnce('reboot'));
    const notRun = [...sent.values()].filter((entry) => !runs.has(entry.id)).length;
    const reconnects = broker.connects.filter((packet) => packet.clientId === DEVICE_ID).length - 1;

    const passed = crashes === 0 && twice === 0 && extraAtEdges === 0;
    recordFigure({
      id: 'N2',
      figure:
        `crashes ${crashes}; commands executed twice ${twice}, extra hardware calls ${extraAtEdges} ` +
        `(${sent.size} commands, ${resends} resends, run once ${runs.size - twice}, not run ${notRun}; ` +
        `TV switches ${switches}, reboots ${reboots}; ${FLAPS} flaps, ${reconnects} reconnects)`,
      pass: '0; 0',
      passed,
      size: `${FLAPS} flaps, ${DOWN_MS.map((ms) => ms / 1000).join(' or ')} s down, ${UP_MS / 1000} s up`,
    });
    expect({ crashes, twice, extraAtEdges }).toEqual({ crashes: 0, twice: 0, extraAtEdges: 0 });
    expect(agent.running).toBe(true);
  });
});
