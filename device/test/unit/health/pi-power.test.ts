import { afterEach, describe, expect, it } from 'vitest';
import {
  createSysfsThrottled,
  parseThrottledHex,
  parseVcgencmdThrottled,
  powerFlags,
  readPiPower,
} from '../../../src/health/pi-power.js';
import { fakeTree, type FakeTree } from './fake-tree.js';

describe('get_throttled parsing', () => {
  it('reads the sysfs node (bare hex) and vcgencmd (throttled=0x…) alike', () => {
    expect(parseThrottledHex('50005\n')).toBe(0x50005);
    expect(parseThrottledHex('0\n')).toBe(0);
    expect(parseVcgencmdThrottled('throttled=0x50005\n')).toBe(0x50005);
    expect(parseVcgencmdThrottled('throttled=0x0\n')).toBe(0);
  });

  it('is unknown for anything else', () => {
    expect(parseThrottledHex('')).toBeNull();
    expect(parseThrottledHex('zz')).toBeNull();
    expect(parseVcgencmdThrottled('VCHI initialization failed\n')).toBeNull();
    expect(parseVcgencmdThrottled('throttled=nope')).toBeNull();
  });

  it('maps 0x50005 to under-voltage and throttling, now and since boot', () => {
    expect(powerFlags(0x50005)).toEqual({
      raw: 0x50005,
      underVoltageNow: true,
      throttledNow: true,
      frequencyCappedNow: false,
      softTemperatureLimitNow: false,
      underVoltageSinceBoot: true,
      throttledSinceBoot: true,
    });
  });

  it('maps the capped and soft temperature bits, and a past-only under-voltage', () => {
    expect(powerFlags(0x1000a)).toMatchObject({
      underVoltageNow: false,
      frequencyCappedNow: true,
      softTemperatureLimitNow: true,
      underVoltageSinceBoot: true,
      throttledSinceBoot: false,
    });
  });
});

describe('reading the power flags', () => {
  let sys: FakeTree;
  afterEach(() => sys.remove());
  const noVcgencmd = (): Promise<string> => Promise.reject(new Error('vcgencmd is not installed'));

  it('reads the firmware node up to the Pi 4, without running vcgencmd', async () => {
    sys = await fakeTree({ 'devices/platform/soc/soc:firmware/get_throttled': '50000\n' });
    let ran = 0;
    const power = await readPiPower(createSysfsThrottled(sys.files), async () => {
      ran++;
      return 'throttled=0x0';
    });
    expect(power).toMatchObject({ raw: 0x50000, underVoltageNow: false, underVoltageSinceBoot: true });
    expect(ran).toBe(0);
  });

  it('finds the node under another platform bus', async () => {
    sys = await fakeTree({ 'devices/platform/axi/axi:firmware/get_throttled': '1\n' });
    await sys.dir('devices/platform/serial8250');
    expect(await readPiPower(createSysfsThrottled(sys.files), noVcgencmd)).toMatchObject({
      underVoltageNow: true,
    });
  });

  it('falls back to vcgencmd when the node is missing', async () => {
    sys = await fakeTree();
    const power = await readPiPower(createSysfsThrottled(sys.files), async () => 'throttled=0x4\n');
    expect(power).toMatchObject({ raw: 4, throttledNow: true, underVoltageNow: false });
  });

  it('is null on hardware with neither: not a Pi', async () => {
    sys = await fakeTree();
    await sys.dir('devices/platform/serial8250');
    expect(await readPiPower(createSysfsThrottled(sys.files), noVcgencmd)).toBeNull();
  });
});
