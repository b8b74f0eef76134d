import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gatecast,
  startAgent,
  startFleet,
  tempDir,
  waitFor,
  type FleetProcess,
  type RunningProcess,
} from '../support/processes.js';

const run = promisify(execFile);

interface ListedDevice {
  id: string;
  presence: { state: string };
  appliedVersion: number | null;
  desiredVersion: number | null;
  inSync: boolean;
}

interface AgentConfig {
  deviceId: string;
  secret: string;
  mqtt: { url: string };
}

// The fleet goes away and comes back; screens must carry on and converge again without help.
describe('fleet restart and a screen that starts while the fleet is down', () => {
  const data = tempDir('e2e-restart');
  const screens = tempDir('e2e-restart-screens');
  let fleet: FleetProcess;
  let env: Record<string, string>;
  const agents: RunningProcess[] = [];
  const configs = new Map<string, AgentConfig>();

  const device = async (id: string) => {
    const result = await gatecast(['devices', 'list', '--json'], env);
    if (result.code !== 0) return undefined;
    return (JSON.parse(result.stdout) as ListedDevice[]).find((d) => d.id === id);
  };

  async function enrol(id: string): Promise<string> {
    const added = await gatecast(
      ['devices', 'add', '--gate', 'hai-phong-port', '--zone', 'customs', '--name', id, '--id', id, '--json'],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const { agentConfig } = JSON.parse(added.stdout) as { agentConfig: AgentConfig };
    configs.set(id, agentConfig);
    const file = join(screens.path, `${id}.json`);
    const config = {
      ...agentConfig,
      dataDir: join(screens.path, id),
      mqtt: { ...agentConfig.mqtt, keepaliveSec: 5, reconnectMaxMs: 2_000 },
      player: { mode: 'none' },
    };
    writeFileSync(file, JSON.stringify(config));
    return file;
  }

  beforeAll(async () => {
    fleet = await startFleet(data.path);
    env = { GATECAST_URL: fleet.url, GATECAST_DATA_DIR: data.path };
    expect(
      (await gatecast(['gates', 'add', 'hai-phong-port', '--name', 'Port of Hai Phong'], env)).code,
    ).toBe(0);
    expect(
      (await gatecast(['gates', 'add-zone', 'hai-phong-port', 'customs', '--name', 'Customs'], env)).code,
    ).toBe(0);
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop('SIGKILL')));
    await fleet?.stop();
    data.remove();
    screens.remove();
  });

  async function restartFleet(whileDown: () => Promise<void> = async () => {}) {
    const { httpPort, mqttPort } = fleet;
    await fleet.stop();
    await whileDown();
    fleet = await startFleet(data.path, { PORT: String(httpPort), MQTT_PORT: String(mqttPort) });
  }

  it('screens reconnect after a fleet restart and receive their retained desired document again', async () => {
    const file = await enrol('port-customs-01');
    agents.push(startAgent(file));
    const before = await waitFor('in sync before the restart', async () => {
      const d = await device('port-customs-01');
      return d?.presence.state === 'online' && d.inSync ? d : undefined;
    });
    await restartFleet();
    await waitFor(
      'online and in sync after the restart',
      async () => {
        const d = await device('port-customs-01');
        return d?.presence.state === 'online' && d.inSync && d.desiredVersion === before.desiredVersion;
      },
      30_000,
    );
  });

  it('a screen started while the fleet is down plays its persisted desired state and reports it later', async () => {
    const file = await enrol('port-customs-02');
    const first = startAgent(file);
    agents.push(first);
    const synced = await waitFor('first sync', async () => {
      const d = await device('port-customs-02');
      return d?.inSync ? d : undefined;
    });
    await first.stop('SIGTERM');
    let offlineStart: RunningProcess | undefined;
    await restartFleet(async () => {
      offlineStart = startAgent(file);
      agents.push(offlineStart);
      // With the broker gone, the agent must still load and apply what it persisted.
      await waitFor('the agent applying its cached desired document', () =>
        /"source":"cache"[^\n]*"msg":"applying desired"/.test(offlineStart!.stdout),
      );
    });
    const after = await waitFor(
      'reported as applied once the fleet is back',
      async () => {
        const d = await device('port-customs-02');
        return d?.presence.state === 'online' && d.inSync ? d : undefined;
      },
      30_000,
    );
    expect(after.appliedVersion).toBe(synced.appliedVersion);
  });

  it('speaks standard MQTT: mosquitto_sub gets its own retained desired document and nothing of another screen', async () => {
    await enrol('port-customs-03');
    const { secret } = configs.get('port-customs-03')!;
    const args = [
      '-h',
      '127.0.0.1',
      '-p',
      String(fleet.mqttPort),
      '-V',
      'mqttv311',
      '-i',
      'port-customs-03',
      '-u',
      'port-customs-03',
      '-P',
      secret,
      '-C',
      '1',
      '-W',
      '5',
    ];
    const own = await run('mosquitto_sub', [...args, '-t', 'gatecast/v1/devices/port-customs-03/desired']);
    expect(JSON.parse(own.stdout)).toMatchObject({
      deviceId: 'port-customs-03',
      device: { gateId: 'hai-phong-port', zoneId: 'customs' },
    });
    const foreign = await run('mosquitto_sub', [
      ...args,
      '-W',
      '2',
      '-t',
      'gatecast/v1/devices/port-customs-01/desired',
    ]).catch((error: { stdout: string }) => error);
    expect(foreign.stdout).toBe('');
  });
});
