import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gatecast,
  readToken,
  startAgent,
  startFleet,
  tempDir,
  waitFor,
  type FleetProcess,
  type RunningProcess,
} from '../support/processes.js';

interface ListedDevice {
  id: string;
  presence: { state: string; since: string | null };
  appliedVersion: number | null;
  desiredVersion: number | null;
  inSync: boolean;
}

// One operator's day with the real binaries: serve, enrol through the CLI, run the agent, kill it, remove it.
describe('enrolment and presence through the CLI and the real agent', () => {
  const data = tempDir('e2e-fleet');
  const screens = tempDir('e2e-screen');
  let fleet: FleetProcess;
  let env: Record<string, string>;
  const agents: RunningProcess[] = [];

  const listDevices = async (): Promise<ListedDevice[]> => {
    const result = await gatecast(['devices', 'list', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as ListedDevice[];
  };
  const presenceOf = async (id: string) =>
    (await listDevices()).find((device) => device.id === id)?.presence.state;

  beforeAll(async () => {
    fleet = await startFleet(data.path);
    env = { GATECAST_URL: fleet.url, GATECAST_DATA_DIR: data.path, GATECAST_TOKEN: '' };
    delete env.GATECAST_TOKEN;
    for (const [id, name] of [
      ['cat-bi-airport', 'Cat Bi International Airport'],
      ['hai-phong-port', 'Port of Hai Phong'],
    ]) {
      expect((await gatecast(['gates', 'add', id!, '--name', name!], env)).code).toBe(0);
    }
    expect(
      (
        await gatecast(
          ['gates', 'add-zone', 'cat-bi-airport', 'arrivals-hall', '--name', 'Arrivals hall'],
          env,
        )
      ).code,
    ).toBe(0);
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop('SIGKILL')));
    await fleet?.stop();
    data.remove();
    screens.remove();
  });

  it('prints the admin token once and keeps it readable only by its owner', () => {
    const token = readToken(data.path);
    expect(fleet.stderr).toContain(token);
    expect(statSync(join(data.path, 'admin-token')).mode & 0o777).toBe(0o600);
  });

  it('lists the gates it created', async () => {
    const result = await gatecast(['gates', 'list', '--json'], env);
    const gates = JSON.parse(result.stdout) as Array<{ id: string; zones: Array<{ id: string }> }>;
    expect(gates.map((gate) => gate.id).sort()).toEqual(['cat-bi-airport', 'hai-phong-port']);
    expect(gates.find((gate) => gate.id === 'cat-bi-airport')?.zones.map((zone) => zone.id)).toEqual([
      'arrivals-hall',
    ]);
  });

  let configFile: string;
  let secret: string;

  it('enrols a screen that connects with its secret and shows online and in sync', async () => {
    const added = await gatecast(
      [
        'devices',
        'add',
        '--gate',
        'cat-bi-airport',
        '--zone',
        'arrivals-hall',
        '--name',
        'Belt 1',
        '--id',
        'cat-bi-belt-01',
        '--json',
      ],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const { agentConfig } = JSON.parse(added.stdout) as {
      agentConfig: { secret: string; mqtt: { url: string } };
    };
    secret = agentConfig.secret;
    expect(agentConfig.mqtt.url).toBe(`mqtt://127.0.0.1:${fleet.mqttPort}`);
    configFile = join(screens.path, 'agent.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        ...agentConfig,
        dataDir: join(screens.path, 'state'),
        mqtt: { ...agentConfig.mqtt, keepaliveSec: 5 },
        player: { mode: 'none' },
      }),
    );
    agents.push(startAgent(configFile));
    const device = await waitFor('the screen online and in sync', async () =>
      (await listDevices()).find(
        (d) => d.id === 'cat-bi-belt-01' && d.presence.state === 'online' && d.inSync,
      ),
    );
    expect(device.appliedVersion).toBe(device.desiredVersion);
    const ping = await gatecast(['devices', 'ping', 'cat-bi-belt-01', '--json'], env);
    expect(ping.code, ping.stderr).toBe(0);
    expect(JSON.parse(ping.stdout)).toMatchObject({ ok: true });
  });

  it('shows a killed agent offline as soon as its socket closes', async () => {
    const agent = agents.pop()!;
    await agent.stop('SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      'offline after the kill',
      async () => (await presenceOf('cat-bi-belt-01')) === 'offline',
      15_000,
    );
    // 1.5 × 5 s keepalive, plus the CLI's own round trips on a shared machine.
    expect(Date.now() - killedAt).toBeLessThan(7_500 + 3_000);
  });

  it('shows a frozen agent (link open, nothing sent) offline within 1.5 × keepalive', async () => {
    const agent = startAgent(configFile);
    agents.push(agent);
    await waitFor('online again', async () => (await presenceOf('cat-bi-belt-01')) === 'online');
    agent.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    try {
      await waitFor(
        'offline while frozen',
        async () => (await presenceOf('cat-bi-belt-01')) === 'offline',
        20_000,
      );
      expect(Date.now() - frozenAt).toBeLessThan(7_500 + 3_000);
    } finally {
      agent.child.kill('SIGCONT');
      await agents.pop()!.stop('SIGKILL');
    }
  });

  it('shows a cleanly stopped agent offline at once', async () => {
    const agent = startAgent(configFile);
    agents.push(agent);
    await waitFor('online again', async () => (await presenceOf('cat-bi-belt-01')) === 'online');
    await agents.pop()!.stop('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    expect(await presenceOf('cat-bi-belt-01')).toBe('offline');
  });

  it('removes a screen: it is disconnected at once and its secret stops working', async () => {
    const agent = startAgent(configFile);
    agents.push(agent);
    await waitFor('online again', async () => (await presenceOf('cat-bi-belt-01')) === 'online');
    const removed = await gatecast(['devices', 'remove', 'cat-bi-belt-01'], env);
    expect(removed.code, removed.stderr).toBe(0);
    const client = mqtt.connect(`mqtt://127.0.0.1:${fleet.mqttPort}`, {
      clientId: 'cat-bi-belt-01',
      username: 'cat-bi-belt-01',
      password: secret,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    const outcome = await new Promise<string>((done) => {
      client.once('connect', () => done('connected'));
      client.once('error', (error) => done(error.message));
    });
    client.end(true);
    expect(outcome).not.toBe('connected');
    expect((await listDevices()).some((device) => device.id === 'cat-bi-belt-01')).toBe(false);
    await waitFor('the agent to log its refusal', () =>
      /not authori[sz]ed|bad user ?name or password|refused/i.test(agent.stdout + agent.stderr),
    );
  });

  it('fails with one line, not a stack trace, on a wrong token or an unreachable fleet', async () => {
    const wrong = await gatecast(['devices', 'list'], { ...env, GATECAST_TOKEN: 'gct_wrong' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^gatecast: UNAUTHORIZED: /)]);
    const closedPort = await freePort();
    const down = await gatecast(['devices', 'list'], {
      ...env,
      GATECAST_URL: `http://127.0.0.1:${closedPort}`,
    });
    expect(down.code).toBe(4);
    expect(down.stderr).toContain(
      `gatecast: cannot reach the fleet manager at http://127.0.0.1:${closedPort} (connection refused`,
    );
    expect(down.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the problem when a required option is missing', async () => {
    const result = await gatecast(['devices', 'add', '--gate', 'cat-bi-airport'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/required option '--zone <zone>' not specified/);
  });
});

/** A port that nothing listens on: bound once by us, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}
