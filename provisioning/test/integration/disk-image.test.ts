import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOOT_PROVISION_FILE, provisionFileSchema } from '@gatecast/protocol';
import {
  findBootPartition,
  readImageText,
  readProvisionFileFromImage,
  writeProvisionFile,
  writeProvisionFileToImage,
} from '@gatecast/provisioning';
import { readProvisionFile } from '../../../device/src/provisioning/provision-file.js';
import { BOOT_START_SECTOR, makeBlankFile, makeTestImage } from '../support/test-image.js';

const file = {
  format: 1 as const,
  fleetUrl: 'https://fleet.cat-bi.example',
  mqttUrl: 'mqtts://fleet.cat-bi.example:8883',
  device: { id: 'cat-bi-arrivals-01', secret: 's'.repeat(43) },
  wifi: { ssid: 'CatBi-Screens', psk: 'correct horse battery' },
  gateId: 'cat-bi-airport',
  zoneId: 'arrivals-hall',
  sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq technician@laptop'],
};

describe('provision files on a boot partition', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatecast-image-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a mounted boot directory with mode 0600, and the schema reads it back', () => {
    const path = writeProvisionFile(dir, file);
    expect(path).toBe(join(dir, BOOT_PROVISION_FILE));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const back = provisionFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    expect(back.device?.id).toBe('cat-bi-arrivals-01');
    expect(back.wifi?.country).toBe('VN');
    writeProvisionFile(dir, {
      format: 1,
      fleetUrl: 'https://fleet.example',
      enrolmentToken: `gce_${'a'.repeat(30)}`,
    });
    expect(provisionFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).device).toBeUndefined();
  });

  it('refuses an invalid file before writing anything, naming the field', () => {
    expect(() => writeProvisionFile(dir, { ...file, mqttUrl: 'http://nope' })).toThrow(/mqttUrl/);
    expect(() => readFileSync(join(dir, BOOT_PROVISION_FILE))).toThrow();
  });

  it('finds partition 1 of a real image with sfdisk', async () => {
    const image = makeTestImage(join(dir, 'sd.img'));
    const boot = await findBootPartition(image);
    expect(boot.offsetBytes).toBe(BOOT_START_SECTOR * 512);
    expect(boot.sizeBytes).toBe(32 * 1024 * 1024);
  });

  it('round-trips provision.json through a real image with mtools, twice over', async () => {
    const image = makeTestImage(join(dir, 'sd.img'));
    expect(await readProvisionFileFromImage(image)).toBeNull();
    const written = await writeProvisionFileToImage(image, file);
    expect(written.path).toBe(`${image}:${BOOT_PROVISION_FILE}`);
    const back = await readProvisionFileFromImage(image);
    expect(back?.device).toEqual(file.device);
    expect(back?.sshAuthorizedKeys).toEqual(file.sshAuthorizedKeys);
    // A second provisioning of the same card replaces the file rather than failing on the directory.
    await writeProvisionFileToImage(image, {
      ...file,
      device: { id: 'cat-bi-arrivals-02', secret: 't'.repeat(43) },
    });
    expect((await readProvisionFileFromImage(image))?.device?.id).toBe('cat-bi-arrivals-02');
    // The file is really in the FAT filesystem, as any laptop would see it.
    const listing = execFileSync('mdir', ['-b', '-i', `${image}@@${written.offsetBytes}`, '::gatecast'], {
      env: { ...process.env, MTOOLS_SKIP_CHECK: '1' },
    }).toString();
    expect(listing).toContain('provision.json');
  });

  it("is read back from the image by the agent's own first-boot loader", async () => {
    const image = makeTestImage(join(dir, 'sd.img'));
    await writeProvisionFileToImage(image, file);
    // What the Pi sees at /boot/firmware: the partition's files, copied out without mounting.
    const bootDir = join(dir, 'boot-firmware');
    mkdirSync(join(bootDir, 'gatecast'), { recursive: true });
    writeFileSync(
      join(bootDir, BOOT_PROVISION_FILE),
      (await readImageText(image, BOOT_PROVISION_FILE)) ?? '',
    );
    const loaded = await readProvisionFile(bootDir);
    expect(loaded?.device).toEqual(file.device);
    expect(loaded?.wifi?.ssid).toBe('CatBi-Screens');
  });

  it('reads other boot files and says null for a missing one', async () => {
    const image = makeTestImage(join(dir, 'sd.img'));
    expect(await readImageText(image, 'config.txt')).toBeNull();
  });

  it('explains a compressed image, a missing file and a file with no partitions', async () => {
    const compressed = join(dir, 'gatecast-1.0.0-arm64.img.xz');
    writeFileSync(compressed, 'xz');
    await expect(writeProvisionFileToImage(compressed, file)).rejects.toThrow(/xz -dk .*img\.xz/);
    await expect(findBootPartition(join(dir, 'missing.img'))).rejects.toThrow(/no image file/);
    await expect(findBootPartition(makeBlankFile(join(dir, 'blank.img')))).rejects.toThrow(/partition/);
  });
});
