import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  readToken,
  startAgent,
  startFleet,
  tempDir,
  waitFor,
  type FleetProcess,
  type RunningProcess,
} from './processes.js';

/** The demo installation's two Hai Phong gates (as scripts/demo-seed.js) and one screen at each. */
export const DEMO_GATES = [
  {
    id: 'cat-bi-airport',
    name: 'Cat Bi International Airport',
    zones: [
      { id: 'arrivals-hall', name: 'Arrivals hall' },
      { id: 'check-in', name: 'Check-in' },
    ],
  },
  {
    id: 'hai-phong-port',
    name: 'Port of Hai Phong',
    zones: [{ id: 'passenger-terminal', name: 'Passenger terminal' }],
  },
] as const;

export const DEMO_SCREENS = [
  {
    id: 'cat-bi-arrivals-01',
    name: 'Arrivals hall, belt 1',
    gateId: 'cat-bi-airport',
    zoneId: 'arrivals-hall',
  },
  {
    id: 'hai-phong-port-terminal-01',
    name: 'Passenger terminal, entrance',
    gateId: 'hai-phong-port',
    zoneId: 'passenger-terminal',
  },
] as const;

// Answers are JSON whose shape each test asserts; `any` keeps those reads short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface DemoFleet {
  fleet: FleetProcess;
  /** The first admin's one-time password, from the fleet's banner. */
  adminPassword: string;
  /** Calls the API with the first admin's token, as a script would. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** Enrols a screen; `run` also starts a real agent for it. */
  enrol(screen: { id: string; name: string; gateId: string; zoneId: string }, run: boolean): Promise<void>;
  /** Starts the agent of an enrolled screen again (after a test stopped it). */
  restartAgent(deviceId: string): RunningProcess;
  agents: Map<string, RunningProcess>;
  close(): Promise<void>;
}

/** A real `gatecast serve` with the demo gates, and real agents for the demo screens, all online. */
export async function startDemoFleet(): Promise<DemoFleet> {
  const data = tempDir('e2e-dashboard');
  const screens = tempDir('e2e-dashboard-screens');
  const agents = new Map<string, RunningProcess>();
  const configFile = (deviceId: string) => join(screens.path, `${deviceId}.json`);
  const fleet = await startFleet(data.path, { LOG_LEVEL: 'info' });
  const password = /first admin user "admin", one-time password: (\S+)/.exec(fleet.stderr)?.[1];
  const token = readToken(data.path);

  const api: DemoFleet['api'] = async (method, path, body) => {
    const response = await fetch(`${fleet.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  const enrol: DemoFleet['enrol'] = async (screen, run) => {
    const enrolled = await api('POST', '/api/v1/devices', screen);
    if (enrolled.status !== 201) throw new Error(`enrol ${screen.id}: ${JSON.stringify(enrolled.body)}`);
    if (!run) return;
    const config = enrolled.body.agentConfig;
    const file = configFile(screen.id);
    writeFileSync(
      file,
      JSON.stringify({
        ...config,
        dataDir: join(screens.path, screen.id),
        healthIntervalSec: 5,
        player: { mode: 'none' },
        mqtt: { ...config.mqtt, keepaliveSec: 5 },
      }),
    );
    agents.set(screen.id, startAgent(file));
  };

  const close = async () => {
    await Promise.all([...agents.values()].map((agent) => agent.stop('SIGKILL')));
    await fleet.stop();
    data.remove();
    screens.remove();
  };

  try {
    if (!password) throw new Error(`no first admin password in the fleet's output:\n${fleet.stderr}`);
    for (const gate of DEMO_GATES) {
      expectStatus(await api('POST', '/api/v1/gates', { id: gate.id, name: gate.name }), 201);
      for (const zone of gate.zones)
        expectStatus(await api('POST', `/api/v1/gates/${gate.id}/zones`, zone), 201);
    }
    for (const screen of DEMO_SCREENS) await enrol(screen, true);
    await waitFor(
      'both demo screens online with a health sample',
      async () => {
        const { body } = await api('GET', '/api/v1/devices');
        return DEMO_SCREENS.every((screen) =>
          body.devices.some(
            (device: Json) =>
              device.id === screen.id && device.presence.state === 'online' && device.lastTelemetry !== null,
          ),
        );
      },
      30_000,
    );
  } catch (error) {
    await close();
    throw error;
  }
  const restartAgent = (deviceId: string) => {
    const agent = startAgent(configFile(deviceId));
    agents.set(deviceId, agent);
    return agent;
  };
  return { fleet, adminPassword: password, api, enrol, restartAgent, agents, close };
}

function expectStatus(answer: { status: number; body: Json }, status: number): void {
  if (answer.status !== status)
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
}
