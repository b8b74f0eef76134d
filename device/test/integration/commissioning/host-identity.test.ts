import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readModel, readNetworkState, readSerial } from '../../../src/commissioning/host-identity.js';
import { tempDir } from '../helpers/fixtures.js';

describe('what the commissioning screen says about the board', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const put = async (path: string, text: string) => {
    await mkdir(join(dir.path, path, '..'), { recursive: true });
    await writeFile(join(dir.path, path), text);
  };

  beforeEach(async () => {
    dir = await tempDir('host-identity');
  });

  afterEach(async () => {
    await dir.remove();
  });

  it("reads the Pi's serial and model from the device tree, without the trailing NUL", async () => {
    await put('proc/device-tree/serial-number', '10000000abcdef01\0');
    await put('proc/device-tree/model', 'Raspberry Pi 5 Model B Rev 1.0\0');
    await put('etc/machine-id', 'b3c1d2e4f5a6478899aabbccddeeff00\n');
    expect(await readSerial(dir.path)).toBe('10000000abcdef01');
    expect(await readModel(dir.path)).toBe('Raspberry Pi 5 Model B Rev 1.0');
  });

  it('falls back to the firmware tree, then the machine id, then says unknown', async () => {
    expect(await readSerial(dir.path)).toBe('unknown');
    await put('etc/machine-id', 'b3c1d2e4f5a6478899aabbccddeeff00\n');
    expect(await readSerial(dir.path)).toBe('b3c1d2e4f5a6478899aabbccddeeff00');
    await put('sys/firmware/devicetree/base/serial-number', '00000000c0ffee42\0');
    expect(await readSerial(dir.path)).toBe('00000000c0ffee42');
  });

  it('reports no link when there is no default route', async () => {
    await put('proc/net/route', 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n');
    expect(await readNetworkState(dir.path)).toEqual({
      interface: null,
      address: null,
      kind: null,
      connected: false,
    });
  });
});
