import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../../src/config/load-config.js';
import type { EnrolmentView } from '../../../src/commissioning/commissioning-view.js';
import { enrolmentApi } from '../../../src/commissioning/enrolment-client.js';
import { runEnrolment } from '../../../src/commissioning/enrolment-flow.js';
import {
  enrolmentSettingsSchema,
  type EnrolmentSettings,
} from '../../../src/provisioning/enrolment-settings.js';
import { eventually, tempDir, testLogger } from '../helpers/fixtures.js';
import { startEnrolmentFleet, type EnrolmentFleet } from './enrolment-fleet.js';

const TOKEN = 'gce_cat-bi-airport-0123456789abcdef';
const SECRET = 'approved-secret-0123456789abcdefghij';
const APPROVED = {
  id: 'cat-bi-arr-07',
  secret: SECRET,
  mqttUrl: 'mqtt://127.0.0.1:1883',
  name: 'Arrivals hall 7',
  gateId: 'cat-bi-airport',
  zoneId: 'arrivals-hall',
  releasePublicKeys: [{ keyId: '0123456789abcdef', publicKey: `${'B'.repeat(43)}=` }],
};

describe('zero-touch enrolment against the fleet routes', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fleet: EnrolmentFleet;
  let configFile: string;
  let views: EnrolmentView[];
  let stop: AbortController;

  beforeEach(async () => {
    dir = await tempDir('enrolment');
    fleet = await startEnrolmentFleet([TOKEN]);
    await mkdir(join(dir.path, 'data'));
    configFile = join(dir.path, 'data', 'agent.json');
    views = [];
    stop = new AbortController();
  });

  afterEach(async () => {
    stop.abort();
    await fleet.close();
    await dir.remove();
  });

  function enrol(settings: Partial<EnrolmentSettings> = {}): Promise<boolean> {
    return runEnrolment(
      {
        configFile,
        settings: enrolmentSettingsSchema.parse({
          fleetUrl: fleet.url,
          token: TOKEN,
          gateId: 'cat-bi-airport',
          ...settings,
        }),
        api: enrolmentApi({ fleetUrl: fleet.url }),
        describe: async () => ({
          serial: '10000000cafe0007',
          model: 'Raspberry Pi 5',
          agentVersion: '1.0.0',
          network: { interface: 'eth0', address: '10.20.0.47', kind: 'ethernet' },
        }),
        onView: (view) => views.push(view),
        log: testLogger(),
        retryPauseMs: 100,
      },
      stop.signal,
    );
  }
  const last = () => views.at(-1);
  const waitingCode = async (): Promise<string> => {
    await eventually(() =>
      expect(last()).toMatchObject({ status: 'waiting', pairingCode: expect.any(String) }),
    );
    return last()!.pairingCode!;
  };

  it('asks, shows the pairing code, and on approval writes the agent config and forgets the enrolment', async () => {
    const data = join(dir.path, 'data');
    const done = enrol();
    const code = await waitingCode();
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(last()?.approvalUrl).toBe(`${fleet.url}/enrol?code=${code}`);
    expect(fleet.requests[0]?.body).toMatchObject({
      serial: '10000000cafe0007',
      gateId: 'cat-bi-airport',
      network: { interface: 'eth0', address: '10.20.0.47', kind: 'ethernet' },
    });

    fleet.approve(code, APPROVED);
    expect(await done).toBe(true);
    expect(last()?.status).toBe('approved');
    expect(await loadAgentConfig(configFile)).toMatchObject({
      deviceId: 'cat-bi-arr-07',
      secret: SECRET,
      mqtt: { url: 'mqtt://127.0.0.1:1883' },
      fleetUrl: fleet.url,
      dataDir: data,
      updates: { publicKeys: APPROVED.releasePublicKeys },
    });
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    await expect(stat(join(data, 'enrolment-request.json'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(data, 'self-test-pending'), 'utf8')).toMatch(/^\d{4}-/);
  });

  it('keeps the same pairing code across a restart while the request is pending', async () => {
    const first = enrol();
    const code = await waitingCode();
    stop.abort();
    expect(await first).toBe(false);

    stop = new AbortController();
    views = [];
    void enrol();
    expect(await waitingCode()).toBe(code);
    expect(fleet.requests).toHaveLength(1);
  });

  it('shows a refused token clearly and asks again after a pause', async () => {
    fleet.revoke(TOKEN);
    void enrol();
    await eventually(() =>
      expect(last()).toMatchObject({ status: 'refused', detail: expect.stringMatching(/revoked/) }),
    );
    expect(fleet.requests).toHaveLength(0);
  });

  it('gets a new code when the request expires or is refused', async () => {
    void enrol();
    const first = await waitingCode();
    fleet.settle(first, 'expired');
    await eventually(() => expect(views.some((view) => view.status === 'expired')).toBe(true));
    const second = await waitingCode();
    expect(second).not.toBe(first);
    fleet.settle(second, 'refused');
    await eventually(() => expect(views.some((view) => view.status === 'refused')).toBe(true));
    await eventually(() => expect(fleet.requests).toHaveLength(3));
  });
});
