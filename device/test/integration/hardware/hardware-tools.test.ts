import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCecDisplayPower } from '../../../src/hardware/display-power.js';
import { createSystemdRebooter } from '../../../src/hardware/rebooter.js';

const log = pino({ level: 'silent' });

/** Stand-ins for cec-ctl and systemctl: real executables that record their arguments. */
describe('the hardware edges, shelling out to real processes', () => {
  let dir: string;
  const tool = async (name: string, body: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, `#!/bin/sh\necho "$@" >> "${join(dir, `${name}.calls`)}"\n${body}\n`);
    await chmod(file, 0o755);
    return file;
  };
  const calls = async (name: string) =>
    (await readFile(join(dir, `${name}.calls`), 'utf8')).trim().split('\n');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecast-hardware-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('switches the TV with cec-ctl and parses its power status', async () => {
    const cecCtl = await tool(
      'cec-ctl',
      'printf "REPORT_POWER_STATUS (0x90):\\n\\tpwr-state: standby (0x01)\\n"',
    );
    const display = createCecDisplayPower(log, cecCtl);
    await display.on();
    await display.standby();
    expect(await display.status()).toBe('standby');
    expect(await calls('cec-ctl')).toEqual([
      '--to 0 --image-view-on',
      '--to 0 --standby',
      '--to 0 --give-device-power-status',
    ]);
  });

  it('is HARDWARE_UNAVAILABLE without cec-ctl, and COMMAND_FAILED when it fails', async () => {
    const missing = createCecDisplayPower(log, join(dir, 'no-such-cec-ctl'));
    await expect(missing.on()).rejects.toMatchObject({ code: 'HARDWARE_UNAVAILABLE' });
    const failing = createCecDisplayPower(log, await tool('cec-ctl', 'echo "No such device" >&2; exit 1'));
    await expect(failing.status()).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      message: expect.stringContaining('No such device'),
    });
  });

  it('reboots through systemctl', async () => {
    const rebooter = createSystemdRebooter(log, await tool('systemctl', 'exit 0'));
    await rebooter.reboot();
    expect(await calls('systemctl')).toEqual(['reboot']);
    const missing = createSystemdRebooter(log, join(dir, 'no-such-systemctl'));
    await expect(missing.reboot()).rejects.toMatchObject({ code: 'HARDWARE_UNAVAILABLE' });
  });
});
