import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeProvisionFile } from '@gatecast/provisioning';
import {
  readToken,
  startFleet,
  tempDir,
  waitFor,
  type FleetProcess,
} from '../../../e2e/test/support/processes.js';
import { recordFigure } from '../../support/figures.js';
import {
  asMountedBootPartition,
  bootScreen,
  filesHolding,
  firstBootProblem,
  journalOf,
  makeScreen,
  modeOf,
  sshPublicKey,
  type Boot,
} from '../../support/first-boot.js';

const problem = firstBootProblem();
if (problem && process.env.CI) throw new Error(`V2 cannot run: ${problem}`);
if (problem) process.stdout.write(`reliability V2: skipped here: ${problem}\n`);

const GATE = 'cat-bi-airport';
const DEVICE = 'cat-bi-v2-screen';

// V2: the image's first boot under its real systemd (systemd-nspawn --boot), a zero-touch card:
// the boot partition holds the fleet's address, an enrolment token, Wi-Fi and an SSH key. Checked
// from outside, on the partitions and at the fleet; then a second boot of the same card.
describe.skipIf(problem !== null)('V2 first boot in systemd-nspawn', () => {
  const work = tempDir('v2-first-boot');
  const fleetData = tempDir('v2-fleet');
  let fleet: FleetProcess | undefined;
  const boots: Boot[] = [];

  afterAll(async () => {
    for (const boot of boots) await boot.halt();
    await fleet?.stop();
    work.remove();
    fleetData.remove();
  });

  it('creates the identity, consumes and removes the token, keeps keys 0600, and does not re-run', async () => {
    fleet = await startFleet(fleetData.path, { LOG_LEVEL: 'warn', GATECAST_DEMO_CONTENT: '0' });
    const admin = readToken(fleetData.path);
    const url = fleet.url;
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${admin}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: response.status, body: (await response.json()) as any };
    };
    expect((await api('POST', '/api/v1/gates', { id: GATE, name: 'Cat Bi' })).status).toBe(201);
    expect(
      (await api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'arrivals', name: 'Arrivals' })).status,
    ).toBe(201);
    const token = (await api('POST', '/api/v1/enrolment-tokens', { gateId: GATE, zoneId: 'arrivals' })).body
      .token as string;

    const screen = makeScreen(work.path, randomBytes(16).toString('hex'));
    writeProvisionFile(screen.boot, {
      format: 1,
      fleetUrl: url,
      enrolmentToken: token,
      gateId: GATE,
      wifi: { ssid: 'gate-staff', psk: 'correct-horse-battery', country: 'VN' },
      sshAuthorizedKeys: [sshPublicKey('technician@gate')],
    });
    asMountedBootPartition(screen);
    const online = async () => {
      const devices = (await api('GET', '/api/v1/devices')).body.devices as Array<{
        id: string;
        presence: { state: string };
      }>;
      return devices.find((device) => device.id === DEVICE)?.presence.state === 'online';
    };
    const requests = async () =>
      (
        (await api('GET', '/api/v1/enrolment/requests')).body.requests as Array<{
          serial: string;
          state: string;
          pairingCode: string;
        }>
      ).filter((request) => request.serial === screen.machineId);

    // First boot: the agent imports the card, asks with the token, a person approves its code.
    const first = bootScreen(screen, work.path, 'first');
    boots.push(first);
    const asked = await waitFor(
      'the screen to ask to enrol',
      async () => (await requests()).find((request) => request.state === 'pending'),
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${journalOf(first, 'gatecast-agent.service')}`);
    });
    const approved = await api('POST', '/api/v1/enrolment/approve', {
      pairingCode: asked.pairingCode,
      gateId: GATE,
      name: 'Arrivals belt 9',
      deviceId: DEVICE,
    });
    expect(approved.status).toBe(201);
    const configFile = join(screen.data, 'agent.json');
    await waitFor('the screen online with its own secret', online, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${journalOf(first, 'gatecast-agent.service')}`);
    });
    const installedWifi = join(screen.data, 'nm/gatecast-wifi.nmconnection');
    await waitFor('the Wi-Fi installed for NetworkManager', () => existsSync(installedWifi), 30_000);
    await first.halt();
    await waitFor('the fleet to see the screen go', async () => !(await online()), 30_000);

    const checks: Array<[string, boolean]> = [];
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as { deviceId: string; secret: string };
    checks.push(['identity created (agent.json of the approved id)', config.deviceId === DEVICE]);
    const provision = join(screen.boot, 'gatecast/provision.json');
    checks.push(['token gone from the boot partition', !readFileSync(provision, 'utf8').includes(token)]);
    const leftovers = [...filesHolding(screen.boot, token), ...filesHolding(screen.data, token)];
    checks.push([
      `no copy of the token on either partition (${leftovers.length} found)`,
      leftovers.length === 0,
    ]);
    const collected = (await requests()).map((request) => request.state);
    checks.push([
      `token consumed at the fleet (requests: ${collected.join(', ')})`,
      collected.join() === 'approved',
    ]);
    const secretFiles = [
      'agent.json',
      'ssh/authorized_keys',
      'network/gatecast-wifi.nmconnection',
      'nm/gatecast-wifi.nmconnection',
    ].map((file) => join(screen.data, file));
    const loose = [...secretFiles, provision].filter((file) => (modeOf(file).mode & 0o077) !== 0);
    checks.push([
      `keys 0600 (${secretFiles.length + 1} files, ${loose.length} open to others)`,
      loose.length === 0,
    ]);
    checks.push(['agent.json owned by gatecast (uid 900)', modeOf(configFile).uid === 900]);
    const imported = 'provision file imported';
    checks.push([
      'first boot: the import in the agent log',
      journalOf(first, 'gatecast-agent.service').includes(imported),
    ]);

    // Second boot of the same card: nothing of the first boot runs again.
    const before = {
      provision: readFileSync(provision, 'utf8'),
      config: readFileSync(configFile, 'utf8'),
      installRoot: statSync(join(screen.data, 'opt')).ino,
    };
    const second = bootScreen(screen, work.path, 'second');
    boots.push(second);
    await waitFor('the screen online again', online, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${journalOf(second, 'gatecast-agent.service')}`);
    });
    await second.halt();
    checks.push([
      'second boot: provision file untouched',
      readFileSync(provision, 'utf8') === before.provision,
    ]);
    checks.push(['second boot: same identity', readFileSync(configFile, 'utf8') === before.config]);
    checks.push([
      'second boot: install root not seeded again',
      statSync(join(screen.data, 'opt')).ino === before.installRoot,
    ]);
    const afterSecond = (await requests()).length;
    checks.push([`second boot: no new enrolment request (${afterSecond} in all)`, afterSecond === 1]);
    const agentLog = journalOf(second, 'gatecast-agent.service');
    checks.push(['second boot: no import in the agent log', !agentLog.includes(imported)]);

    const failed = checks.filter(([, ok]) => !ok).map(([name]) => name);
    recordFigure({
      id: 'V2',
      figure:
        `checks ${checks.length - failed.length}/${checks.length} passed` +
        (failed.length ? ` (failed: ${failed.join('; ')})` : '') +
        ` [${checks.map(([name]) => name).join('; ')}]; systemd-nspawn --boot of a read-only root ` +
        `made from os-image/overlay and first-release.mjs on this machine's /usr`,
      pass: 'all',
      passed: failed.length === 0,
      size: '1 card, 2 boots',
    });
    expect(failed).toEqual([]);
  });
});
