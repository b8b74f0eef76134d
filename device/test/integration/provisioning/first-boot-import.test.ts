import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProvisionFileInput } from '@gatecast/protocol';
import { loadAgentConfig } from '../../../src/config/load-config.js';
import { importBootProvisioning } from '../../../src/provisioning/import-boot-provisioning.js';
import { readProvisionFile } from '../../../src/provisioning/provision-file.js';
import { tempDir, testLogger } from '../helpers/fixtures.js';

const SECRET = 'cat-bi-arr-01-secret-0123456789abcdef';
const PSK = 'staff-wifi-passphrase';
const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGatecastTechnician tech@cat-bi';
const TOKEN = 'gce_cat-bi-airport-0123456789abcdef';

const deviceFile: ProvisionFileInput = {
  format: 1,
  fleetUrl: 'https://fleet.haiphong.example.vn',
  mqttUrl: 'mqtts://fleet.haiphong.example.vn:8883',
  device: { id: 'cat-bi-arr-01', secret: SECRET },
  caCertificatePem: CA,
  wifi: { ssid: 'CatBi-Staff', psk: PSK },
  gateId: 'cat-bi-airport',
  zoneId: 'arrivals-hall',
  sshAuthorizedKeys: [SSH_KEY],
};

describe('first boot: the boot partition provision file into the data partition', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let boot: string;
  let data: string;
  let configFile: string;
  let reloads: number;
  const network = { reload: async () => void reloads++ };

  beforeEach(async () => {
    dir = await tempDir('first-boot');
    boot = join(dir.path, 'boot');
    data = join(dir.path, 'data');
    configFile = join(data, 'agent.json');
    reloads = 0;
    await mkdir(join(boot, 'gatecast'), { recursive: true });
  });

  afterEach(async () => {
    await dir.remove();
  });

  const bootFile = () => join(boot, 'gatecast', 'provision.json');
  const writeBootFile = (content: unknown) =>
    writeFile(bootFile(), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  const importNow = () =>
    importBootProvisioning({
      bootDir: boot,
      configFile,
      log: testLogger(),
      network,
      now: () => new Date('2026-11-26T08:00:00Z'),
    });
  const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

  it('writes a config the agent loads, the CA, Wi-Fi and SSH keys, and scrubs the secret from the card', async () => {
    await writeBootFile(deviceFile);
    expect(await readProvisionFile(boot)).toMatchObject({ device: { id: 'cat-bi-arr-01', secret: SECRET } });

    expect(await importNow()).toEqual({ kind: 'device', deviceId: 'cat-bi-arr-01' });

    const config = await loadAgentConfig(configFile);
    expect(config).toMatchObject({
      deviceId: 'cat-bi-arr-01',
      secret: SECRET,
      mqtt: { url: 'mqtts://fleet.haiphong.example.vn:8883', caFile: join(data, 'fleet-ca.pem') },
      fleetUrl: 'https://fleet.haiphong.example.vn',
      dataDir: data,
    });
    expect(await modeOf(configFile)).toBe(0o600);
    expect(await readFile(join(data, 'fleet-ca.pem'), 'utf8')).toBe(CA);

    const keyfile = join(data, 'network', 'gatecast-wifi.nmconnection');
    expect(await readFile(keyfile, 'utf8')).toContain(`ssid=CatBi-Staff\n`);
    expect(await readFile(keyfile, 'utf8')).toContain(`psk=${PSK}\n`);
    expect(await modeOf(keyfile)).toBe(0o600);
    expect(await readFile(join(data, 'network', 'wifi-country'), 'utf8')).toBe('VN\n');
    expect(reloads).toBe(1);

    const keys = join(data, 'ssh', 'authorized_keys');
    expect(await readFile(keys, 'utf8')).toBe(`${SSH_KEY}\n`);
    expect(await modeOf(keys)).toBe(0o600);
    expect(await readFile(join(data, 'self-test-pending'), 'utf8')).toBe('2026-11-26T08:00:00.000Z\n');

    const left = await readFile(bootFile(), 'utf8');
    expect(left).not.toContain(SECRET);
    expect(left).not.toContain(PSK);
    expect(JSON.parse(left)).toMatchObject({
      device: { id: 'cat-bi-arr-01' },
      wifi: { ssid: 'CatBi-Staff' },
      gateId: 'cat-bi-airport',
      imported: '2026-11-26T08:00:00.000Z',
    });
    await expect(readProvisionFile(boot)).rejects.toThrow(/already imported at 2026-11-26T08:00:00.000Z/);
  });

  it('leaves a working config alone on the next boot', async () => {
    await writeBootFile(deviceFile);
    await importNow();
    // Someone tunes the screen afterwards; a reboot must not undo it.
    const tuned = { ...JSON.parse(await readFile(configFile, 'utf8')), logLevel: 'debug' };
    await writeFile(configFile, JSON.stringify(tuned), { mode: 0o600 });

    expect(await importNow()).toEqual({ kind: 'already-imported', importedAt: '2026-11-26T08:00:00.000Z' });
    expect((await loadAgentConfig(configFile)).logLevel).toBe('debug');
    expect(reloads).toBe(1);
  });

  it('a re-provisioned card replaces the secret, keeps the tuning, and turns SSH off without keys', async () => {
    await writeBootFile(deviceFile);
    await importNow();
    const tuned = { ...JSON.parse(await readFile(configFile, 'utf8')), logLevel: 'debug' };
    await writeFile(configFile, JSON.stringify(tuned), { mode: 0o600 });
    const newSecret = 'rotated-secret-abcdefghijklmnopqrstuvwxyz';
    await writeBootFile({
      ...deviceFile,
      device: { id: 'cat-bi-arr-01', secret: newSecret },
      sshAuthorizedKeys: [],
    });

    expect(await importNow()).toMatchObject({ kind: 'device' });
    expect(await loadAgentConfig(configFile)).toMatchObject({ secret: newSecret, logLevel: 'debug' });
    await expect(stat(join(data, 'ssh', 'authorized_keys'))).rejects.toThrow(/ENOENT/);
  });

  it('with an enrolment token writes the enrolment settings and no agent config', async () => {
    await writeBootFile({
      format: 1,
      fleetUrl: 'http://fleet.haiphong.example.vn:8080',
      enrolmentToken: TOKEN,
      gateId: 'cat-bi-airport',
    } satisfies ProvisionFileInput);

    expect(await importNow()).toEqual({ kind: 'enrolment' });
    await expect(stat(configFile)).rejects.toThrow(/ENOENT/);
    expect(JSON.parse(await readFile(join(data, 'enrolment.json'), 'utf8'))).toEqual({
      fleetUrl: 'http://fleet.haiphong.example.vn:8080',
      token: TOKEN,
      gateId: 'cat-bi-airport',
      releasePublicKeys: [],
    });
    expect(await modeOf(join(data, 'enrolment.json'))).toBe(0o600);
    expect(await readFile(bootFile(), 'utf8')).not.toContain(TOKEN);
  });

  it('refuses a malformed file with one line naming the field, and imports nothing', async () => {
    await writeBootFile({ ...deviceFile, mqttUrl: undefined, wifi: { ssid: 'CatBi-Staff', psk: 'short' } });
    const result = await importNow();
    expect(result.kind).toBe('invalid');
    const message = (result as { message: string }).message;
    expect(message).toContain(`${bootFile()}: `);
    expect(message).toContain('wifi.psk');
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('\n');
    await expect(stat(configFile)).rejects.toThrow(/ENOENT/);
    await expect(readProvisionFile(boot)).rejects.toThrow(/wifi\.psk/);

    await writeBootFile(`{ "format": 1, "device": { "secret": "${SECRET}" }, }`);
    const broken = await importNow();
    expect(broken).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/invalid JSON at line 1/),
    });
    expect((broken as { message: string }).message).not.toContain(SECRET);
  });

  it('does nothing without a provision file', async () => {
    expect(await importNow()).toEqual({ kind: 'none' });
    expect(await readProvisionFile(join(dir.path, 'no-boot'))).toBeNull();
  });
});
