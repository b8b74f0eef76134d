import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOT_PROVISION_FILE, provisionFileSchema, type ProvisionFile } from '@gatecast/protocol';
import { readProvisionFileFromImage } from '@gatecast/provisioning';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/program.js';
import { generateReleaseKey } from '../../../src/releases/release-keys.js';
import { startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { makeTestImage } from '../../../../provisioning/test/support/test-image.js';

const GATE = 'hai-phong-port';
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq technician@laptop';
const TOKEN = `gce_${'k'.repeat(32)}`;

/** `gatecast provision` against a whole real fleet manager, into a boot directory and a real image. */
describe('gatecast provision', () => {
  let fleet: RealFleet;
  let dir: string;
  const key = generateReleaseKey();

  const cli = async (argv: string[]) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runCli(argv, {
      stdout: (text) => void stdout.push(text),
      stderr: (text) => void stderr.push(text),
      env: {
        GATECAST_URL: `http://127.0.0.1:${fleet.running.httpPort}`,
        GATECAST_TOKEN: fleet.token,
        HOME: '/nonexistent',
      },
      cwd: fleet.dataDir,
    });
    return { code, out: stdout.join(''), err: stderr.join('') };
  };

  const readBootDir = (bootDir: string): ProvisionFile =>
    provisionFileSchema.parse(JSON.parse(readFileSync(join(bootDir, BOOT_PROVISION_FILE), 'utf8')));

  const agentConfigOf = (file: ProvisionFile) => ({
    deviceId: file.device?.id ?? '',
    secret: file.device?.secret ?? '',
    mqtt: { url: file.mqttUrl ?? '' },
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatecast-provision-cli-'));
    fleet = await startRealFleet({
      GATECAST_RELEASE_KEYS: `${key.publicKey.keyId}:${key.publicKey.publicKey}`,
    });
    await fleet.api('POST', '/api/v1/gates', { id: GATE, name: 'Port of Hai Phong' });
    await fleet.api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'terminal', name: 'Passenger terminal' });
    writeFileSync(join(dir, 'id_ed25519.pub'), `# the technician's laptop\n${SSH_KEY}\n`);
  });

  afterAll(async () => {
    await fleet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a new device into a boot directory; the screen connects with what was written', async () => {
    const bootDir = mkdtempSync(join(dir, 'boot-'));
    const result = await cli([
      'provision',
      '--device',
      'port-terminal-01',
      '--boot-dir',
      bootDir,
      '--gate',
      GATE,
      '--zone',
      'terminal',
      '--name',
      'Terminal entrance',
      '--wifi-ssid',
      'Port-Screens',
      '--wifi-psk',
      'correct horse battery',
      '--ssh-key',
      join(dir, 'id_ed25519.pub'),
    ]);
    expect(result.code, result.err).toBe(0);
    expect(result.err).toContain(`created port-terminal-01 in ${GATE}/terminal`);
    expect(result.err).toContain('warning: a screen cannot reach http://127.0.0.1');
    const file = readBootDir(bootDir);
    expect(file.fleetUrl).toBe(`http://127.0.0.1:${fleet.running.httpPort}`);
    expect(file.mqttUrl).toBe(`mqtt://127.0.0.1:${fleet.running.mqttPort}`);
    expect(file).toMatchObject({ gateId: GATE, zoneId: 'terminal', sshAuthorizedKeys: [SSH_KEY] });
    expect(file.wifi).toEqual({
      ssid: 'Port-Screens',
      psk: 'correct horse battery',
      hidden: false,
      country: 'VN',
    });
    expect(file.releasePublicKeys).toEqual([key.publicKey]);
    // Neither the secret nor the Wi-Fi passphrase is ever printed.
    expect(`${result.out}${result.err}`).not.toContain(file.device?.secret);
    expect(`${result.out}${result.err}`).not.toContain('correct horse battery');
    const client = await fleet.device(agentConfigOf(file));
    expect(client.connected).toBe(true);
    client.end(true);
  });

  it('refuses an existing device without --rotate-secret, and changes nothing', async () => {
    const bootDir = mkdtempSync(join(dir, 'boot-'));
    const result = await cli(['provision', '--device', 'port-terminal-01', '--boot-dir', bootDir]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('pass --rotate-secret');
  });

  it('rotates the secret of an existing device into a real image: the old card stops working', async () => {
    const oldDir = mkdtempSync(join(dir, 'boot-'));
    expect(
      (
        await cli([
          'provision',
          '--device',
          'port-terminal-02',
          '--boot-dir',
          oldDir,
          '--gate',
          GATE,
          '--zone',
          'terminal',
          '--name',
          'Customs',
        ])
      ).code,
    ).toBe(0);
    const old = readBootDir(oldDir);
    const oldSession = await fleet.device(agentConfigOf(old));
    const closed = new Promise<void>((resolve) => oldSession.once('close', () => resolve()));

    const image = makeTestImage(join(dir, 'sd.img'));
    const result = await cli([
      'provision',
      '--device',
      'port-terminal-02',
      '--image',
      image,
      '--rotate-secret',
      '--json',
    ]);
    expect(result.code, result.err).toBe(0);
    const summary = JSON.parse(result.out) as { written: string; mode: string; deviceId: string };
    expect(summary).toMatchObject({
      written: `${image}:${BOOT_PROVISION_FILE}`,
      mode: 'device',
      deviceId: 'port-terminal-02',
    });
    await closed;

    const fresh = await readProvisionFileFromImage(image);
    expect(fresh?.device?.id).toBe('port-terminal-02');
    expect(fresh?.device?.secret).not.toBe(old.device?.secret);
    expect(result.out).not.toContain(fresh?.device?.secret);
    await expect(fleet.device(agentConfigOf(old))).rejects.toThrow();
    const client = await fleet.device(agentConfigOf(fresh as ProvisionFile));
    expect(client.connected).toBe(true);
    client.end(true);
  });

  it('writes a zero-touch card with an enrolment token, creating no device', async () => {
    const bootDir = mkdtempSync(join(dir, 'boot-'));
    const before = (await fleet.api('GET', '/api/v1/devices')).body.devices.length;
    const result = await cli([
      'provision',
      '--enrolment-token',
      TOKEN,
      '--boot-dir',
      bootDir,
      '--gate',
      GATE,
      '--zone',
      'terminal',
    ]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('zero-touch');
    const file = readBootDir(bootDir);
    expect(file).toMatchObject({ enrolmentToken: TOKEN, gateId: GATE, zoneId: 'terminal' });
    expect(file.device).toBeUndefined();
    expect((await fleet.api('GET', '/api/v1/devices')).body.devices.length).toBe(before);
  });

  it('explains mistakes before the fleet changes anything', async () => {
    const compressed = join(dir, 'gatecast-1.0.0-arm64.img.xz');
    writeFileSync(compressed, 'xz');
    const xz = await cli([
      'provision',
      '--device',
      'port-terminal-09',
      '--image',
      compressed,
      '--gate',
      GATE,
      '--zone',
      'terminal',
      '--name',
      'X',
    ]);
    expect(xz.code).toBe(1);
    expect(xz.err).toContain('decompress it first (xz -dk');
    const both = await cli(['provision', '--device', 'a-1', '--enrolment-token', TOKEN, '--boot-dir', dir]);
    expect(both.code).toBe(2);
    const badPsk = await cli([
      'provision',
      '--device',
      'port-terminal-09',
      '--boot-dir',
      dir,
      '--gate',
      GATE,
      '--zone',
      'terminal',
      '--name',
      'X',
      '--wifi-ssid',
      'a',
      '--wifi-psk',
      'short',
    ]);
    expect(badPsk.code).toBe(2);
    expect(badPsk.err).toContain('wifi.psk');
    expect((await fleet.api('GET', '/api/v1/devices/port-terminal-09')).status).toBe(404);
  });
});
