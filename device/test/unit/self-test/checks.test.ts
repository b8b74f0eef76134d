import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClockSync } from '../../../src/hardware/clock-sync.js';
import { FakeDisplayPower } from '../../../src/hardware/fake-hardware.js';
import { checkCec } from '../../../src/self-test/check-cec.js';
import { checkClock } from '../../../src/self-test/check-clock.js';
import { checkDisplay, parseEdidMonitorName } from '../../../src/self-test/check-display.js';
import { checkFonts } from '../../../src/self-test/check-fonts.js';
import { checkNetwork } from '../../../src/self-test/check-network.js';
import { checkStorage } from '../../../src/self-test/check-storage.js';
import { classifyConnectError } from '../../../src/self-test/fleet-probes.js';
import { fakeTree, type FakeTree } from '../health/fake-tree.js';
import { ALL_FONTS, defaultRoute, edidNamed, fakeFcList, ipv4, wireless } from './fakes.js';

const trees: FakeTree[] = [];
async function tree(layout: Record<string, string> = {}): Promise<FakeTree> {
  const made = await fakeTree(layout);
  trees.push(made);
  return made;
}
afterEach(async () => {
  await Promise.all(trees.splice(0).map((t) => t.remove()));
});

describe('display check (DRM in sysfs)', () => {
  it('passes with the connected output, its preferred mode and the monitor name', async () => {
    const sys = await tree({
      'class/drm/card1-HDMI-A-1/status': 'connected\n',
      'class/drm/card1-HDMI-A-1/enabled': 'enabled\n',
      'class/drm/card1-HDMI-A-1/modes': '1920x1080\n1280x720\n',
      'class/drm/card1-HDMI-A-2/status': 'disconnected\n',
      'class/drm/card1-Writeback-1/status': 'unknown\n',
    });
    await writeFile(join(sys.root, 'class/drm/card1-HDMI-A-1/edid'), edidNamed('SAMSUNG'));
    const outcome = await checkDisplay(sys.root);
    expect(outcome).toMatchObject({
      status: 'pass',
      summary: '1920×1080 on HDMI-A-1 (SAMSUNG)',
      details: { connector: 'HDMI-A-1', enabled: true, width: 1920, height: 1080 },
    });
    expect(outcome.details?.connectors).not.toContain('Writeback');
  });

  it('fails when nothing is plugged in, naming the cable', async () => {
    const sys = await tree({ 'class/drm/card1-HDMI-A-1/status': 'disconnected\n' });
    const outcome = await checkDisplay(sys.root);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/no display connected: check the HDMI cable/);
  });

  it('fails without a DRM driver, and warns when a display gives no modes', async () => {
    expect((await checkDisplay((await tree()).root)).summary).toMatch(/no display driver/);
    const sys = await tree({ 'class/drm/card0-HDMI-A-1/status': 'connected\n' });
    expect(await checkDisplay(sys.root)).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/EDID/),
    });
  });

  it('reads no monitor name from an EDID without one', () => {
    expect(parseEdidMonitorName(Buffer.alloc(128))).toBeNull();
    expect(parseEdidMonitorName(Buffer.alloc(10))).toBeNull();
  });
});

describe('HDMI-CEC check', () => {
  it('is skipped on a board without a CEC adapter', async () => {
    const dev = await tree({ null: '' });
    expect(await checkCec(dev.root, new FakeDisplayPower())).toMatchObject({ status: 'skipped' });
  });

  it('passes when the TV answers, warns when it does not or cec-ctl is missing', async () => {
    const dev = await tree({ cec0: '', cec1: '' });
    const tv = new FakeDisplayPower();
    tv.power = 'standby';
    expect(await checkCec(dev.root, tv)).toMatchObject({
      status: 'pass',
      summary: 'the TV answers HDMI-CEC (power: standby)',
      details: { adapters: 'cec0, cec1' },
    });
    tv.power = 'unknown';
    expect((await checkCec(dev.root, tv)).summary).toMatch(/does not answer HDMI-CEC/);
    const missing = await checkCec(dev.root, new FakeDisplayPower(false));
    expect(missing).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/cec-ctl is not installed/),
    });
  });
});

describe('network check', () => {
  it('passes on Ethernet with the route interface and address', async () => {
    const proc = await tree({ 'net/route': defaultRoute('eth0') });
    const sys = await tree({ 'class/net/eth0/type': '1\n', 'class/net/eth0/uevent': 'INTERFACE=eth0\n' });
    const outcome = await checkNetwork({
      sys: sys.files,
      proc: proc.files,
      addresses: () => ({ eth0: ipv4('192.168.10.23') }),
      ssid: async () => null,
    });
    expect(outcome).toMatchObject({ status: 'pass', summary: 'eth0 (ethernet) 192.168.10.23' });
  });

  it('warns on a weak Wi-Fi signal, naming the network', async () => {
    const proc = await tree({ 'net/route': defaultRoute('wlan0'), 'net/wireless': wireless('wlan0', -82) });
    const sys = await tree({ 'class/net/wlan0/uevent': 'DEVTYPE=wlan\nINTERFACE=wlan0\n' });
    const outcome = await checkNetwork({
      sys: sys.files,
      proc: proc.files,
      addresses: () => ({ wlan0: ipv4('10.0.0.5') }),
      ssid: async () => 'CatBi-Staff',
    });
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('weak Wi-Fi signal: wlan0 (Wi-Fi "CatBi-Staff", -82 dBm) 10.0.0.5');
  });

  it('fails without a default route or without an address', async () => {
    const empty = await tree({ 'net/route': defaultRoute('eth0').split('\n')[0] ?? '' });
    const sys = await tree({ 'class/net/eth0/type': '1\n' });
    const none = await checkNetwork({
      sys: sys.files,
      proc: empty.files,
      addresses: () => ({}),
      ssid: async () => null,
    });
    expect(none).toMatchObject({ status: 'fail', summary: expect.stringMatching(/no default route/) });
    const proc = await tree({ 'net/route': defaultRoute('eth0') });
    const noAddress = await checkNetwork({
      sys: sys.files,
      proc: proc.files,
      addresses: () => ({}),
      ssid: async () => null,
    });
    expect(noAddress.summary).toBe('eth0 has no IP address (is DHCP working?)');
  });
});

describe('storage check', () => {
  it('writes, reads back and deletes its file, and reports the speed', async () => {
    const data = await tree();
    let t = 0;
    // 1 MiB in 25 ms of fake monotonic time (one step between the two readings): 41.9 MB/s.
    const monotonicMs = () => (t += 25);
    const outcome = await checkStorage({
      dataDir: data.root,
      bytes: 1024 * 1024,
      sysRoot: data.root,
      procRoot: data.root,
      monotonicMs,
    });
    expect(outcome).toMatchObject({ status: 'pass', details: { writeMBps: 41.9, bytes: 1048576 } });
    expect(await readdir(data.root)).toEqual([]);
  });

  it('warns on a slow card and fails on a missing data directory', async () => {
    const data = await tree();
    let t = 0;
    const slow = await checkStorage({
      dataDir: data.root,
      bytes: 1024 * 1024,
      sysRoot: data.root,
      procRoot: data.root,
      monotonicMs: () => (t += 1000),
    });
    expect(slow).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/^slow card: 1 MB\/s write/),
    });
    const missing = await checkStorage({
      dataDir: join(data.root, 'absent'),
      bytes: 1024,
      sysRoot: data.root,
      procRoot: data.root,
      monotonicMs: () => 0,
    });
    expect(missing).toMatchObject({ status: 'fail', summary: expect.stringMatching(/does not exist/) });
  });

  it('warns when the filesystem has recorded errors', async () => {
    const data = await tree();
    await mkdir(join(data.root, 'data'));
    const dataDir = join(data.root, 'data');
    await data.write(
      'self/mountinfo',
      `29 1 179:2 / ${dataDir} rw,noatime shared:1 - ext4 /dev/mmcblk0p3 rw\n`,
    );
    await data.write('dev/block/179:2/uevent', 'MAJOR=179\nMINOR=2\nDEVNAME=mmcblk0p3\n');
    await data.write('fs/ext4/mmcblk0p3/errors_count', '3\n');
    let t = 0;
    const outcome = await checkStorage({
      dataDir,
      bytes: 4096,
      sysRoot: data.root,
      procRoot: data.root,
      monotonicMs: () => (t += 0.1),
    });
    expect(outcome).toMatchObject({ status: 'warn', details: { filesystemErrors: 3, readOnly: false } });
    expect(outcome.summary).toMatch(/recorded 3 errors: replace the SD card/);
  });
});

describe('fonts check', () => {
  it('passes with a font for every script, asking fc-list per language', async () => {
    const fcList = fakeFcList(ALL_FONTS);
    const outcome = await checkFonts(fcList);
    expect(outcome.status).toBe('pass');
    expect(fcList.calls.map((call) => call[1])).toEqual([
      ':lang=vi',
      ':lang=zh-cn',
      ':lang=lo',
      ':lang=km',
      ':lang=ko',
      ':lang=ja',
      ':lang=th',
      ':lang=ru',
    ]);
    expect(outcome.details).toMatchObject({ vi: 2, km: 1 });
  });

  it('fails naming the scripts without a font', async () => {
    const { lo: _lo, km: _km, ...rest } = ALL_FONTS;
    const outcome = await checkFonts(fakeFcList(rest));
    expect(outcome).toMatchObject({ status: 'fail', details: { lo: 0, km: 0 } });
    expect(outcome.summary).toMatch(/^no font for Lao, Khmer/);
  });

  it('fails clearly without fontconfig', async () => {
    const noTool = fakeFcList({});
    const outcome = await checkFonts((_file, args) => noTool('fc-missing', args));
    expect(outcome.summary).toBe('fc-list (fontconfig) is not installed, so no font can be found');
  });
});

describe('clock check', () => {
  const clock = { now: () => new Date('2026-11-26T08:00:00.000Z') };
  const noSleep = async () => undefined;

  it('passes when synchronised and is skipped when the system cannot tell', async () => {
    const synced = await checkClock({
      clockSync: new FakeClockSync(true),
      clock,
      settleMs: 0,
      sleep: noSleep,
    });
    expect(synced).toMatchObject({ status: 'pass', details: { synchronized: true } });
    const unknown = await checkClock({
      clockSync: new FakeClockSync(null),
      clock,
      settleMs: 0,
      sleep: noSleep,
    });
    expect(unknown.status).toBe('skipped');
  });

  it('waits for NTP to settle before failing', async () => {
    const sync = new FakeClockSync(false);
    const slept: number[] = [];
    const settles = await checkClock({
      clockSync: sync,
      clock,
      settleMs: 30_000,
      sleep: async (ms) => {
        slept.push(ms);
        if (slept.length === 2) sync.value = true;
      },
    });
    expect(settles.status).toBe('pass');
    expect(slept).toEqual([5_000, 5_000]);
    sync.value = false;
    const never = await checkClock({ clockSync: sync, clock, settleMs: 12_000, sleep: noSleep });
    expect(never).toMatchObject({ status: 'fail', summary: expect.stringMatching(/UDP port 123/) });
  });
});

describe('why the fleet is unreachable', () => {
  const error = (code: string, message = code) => Object.assign(new Error(message), { code });
  it.each([
    ['ENOTFOUND', 'DNS: cannot resolve fleet.example'],
    ['ECONNREFUSED', 'connection refused by fleet.example'],
    ['TIMEOUT', 'timed out reaching fleet.example (firewall?)'],
    ['ENETUNREACH', 'no route to fleet.example'],
  ])('%s → %s', (code, text) => {
    expect(classifyConnectError(error(code), 'fleet.example')).toBe(text);
  });
  it('names TLS problems and the CA', () => {
    const tls = classifyConnectError(error('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify'), 'f');
    expect(tls).toBe("TLS: unable to verify (is the fleet's CA certificate provisioned?)");
  });
});
