import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHostTelemetry } from '../../../src/health/host-telemetry.js';
import { countSecurityUpdates, createOsProbe, parseOsRelease } from '../../../src/health/os-release.js';
import { fakeTree, type FakeTree } from './fake-tree.js';

const BOOKWORM = [
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
  'NAME="Debian GNU/Linux"',
  'VERSION_ID="12"',
  'VERSION="12 (bookworm)"',
  'ID=debian',
].join('\n');

// Recorded from `apt-get -s -q dist-upgrade` on Debian 12 (trimmed): a point-release update, two
// packages only in the security archive, one in both, and the matching Conf lines.
const APT_DEBIAN = [
  'NOTE: This is only a simulation!',
  '      apt-get needs root privileges for real execution.',
  'Reading package lists...',
  'The following packages will be upgraded:',
  '  bash libgcrypt20 libssl3 openssl',
  '4 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.',
  'Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])',
  'Inst libgcrypt20 [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])',
  'Inst libssl3 [3.0.19-1~deb12u2] (3.0.22-1~deb12u2 Debian-Security:12/oldstable-security [amd64]) []',
  'Inst openssl [3.0.19-1~deb12u2] (3.0.22-1~deb12u2 Debian-Security:12/oldstable-security [amd64])',
  'Conf bash (5.2.15-2+b13 Debian:12.15/oldstable [amd64])',
  'Conf libssl3 (3.0.22-1~deb12u2 Debian-Security:12/oldstable-security [amd64])',
  'Conf openssl (3.0.22-1~deb12u2 Debian-Security:12/oldstable-security [amd64])',
].join('\n');

const APT_NOTHING = [
  'Reading package lists...',
  'Building dependency tree...',
  'Calculating upgrade...',
  '0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.',
].join('\n');

describe('parseOsRelease', () => {
  it('reads the pretty name and version id, quoted or not', () => {
    expect(parseOsRelease(BOOKWORM)).toEqual({
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      versionId: '12',
    });
    expect(parseOsRelease("PRETTY_NAME='Raspbian GNU/Linux 12 (bookworm)'\nVERSION_ID=12\n")).toEqual({
      prettyName: 'Raspbian GNU/Linux 12 (bookworm)',
      versionId: '12',
    });
  });

  it('says null for what is missing or empty, and for no file at all', () => {
    expect(parseOsRelease('NAME="Debian GNU/Linux"\nVERSION_ID=""')).toEqual({
      prettyName: null,
      versionId: null,
    });
    expect(parseOsRelease(null)).toEqual({ prettyName: null, versionId: null });
  });

  it('keeps a long name within what the protocol accepts', () => {
    expect(parseOsRelease(`PRETTY_NAME="${'x'.repeat(300)}"`).prettyName).toHaveLength(120);
  });
});

describe('countSecurityUpdates', () => {
  it('counts the packages whose new version comes from a security archive, once each', () => {
    expect(countSecurityUpdates(APT_DEBIAN)).toBe(3);
  });

  it('says zero when apt has nothing to upgrade', () => {
    expect(countSecurityUpdates(APT_NOTHING)).toBe(0);
  });

  it('recognises the security pocket of a Debian derivative', () => {
    const ubuntu = 'Inst libc6 [2.39-0ubuntu8] (2.39-0ubuntu8.3 Ubuntu:24.04/noble-security [amd64])';
    expect(countSecurityUpdates(ubuntu)).toBe(1);
  });

  it('says null, not zero, for output that is not apt simulating', () => {
    expect(countSecurityUpdates('E: Could not open lock file')).toBeNull();
    expect(countSecurityUpdates('')).toBeNull();
  });
});

describe('createOsProbe', () => {
  let root: FakeTree;
  afterEach(() => root.remove());

  function probeWith(outputs: Array<string | Error>, start = '2026-11-26T08:00:00.000Z') {
    let now = new Date(start);
    let runs = 0;
    const probe = createOsProbe({
      clock: { now: () => now },
      rootDir: root.root,
      aptSimulate: async () => {
        const next = outputs[Math.min(runs++, outputs.length - 1)];
        if (next instanceof Error) throw next;
        return next ?? '';
      },
    });
    return { probe, runs: () => runs, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
  }

  it('reports the OS at once and leaves apt alone for the first ten minutes', async () => {
    root = await fakeTree({ 'etc/os-release': BOOKWORM });
    const { probe, runs } = probeWith([APT_DEBIAN]);
    expect(await probe.read()).toEqual({
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      versionId: '12',
      securityUpdates: null,
      checkedAt: null,
    });
    expect(runs()).toBe(0);
  });

  it('runs apt once due, and again only six hours later', async () => {
    root = await fakeTree({ 'usr/lib/os-release': BOOKWORM });
    const { probe, runs, advance } = probeWith([APT_DEBIAN, APT_NOTHING]);
    await probe.read();
    advance(10 * 60_000);
    await probe.read();
    // The check runs in the background: a later read sees its result.
    await vi.waitFor(async () =>
      expect(await probe.read()).toMatchObject({ securityUpdates: 3, checkedAt: '2026-11-26T08:10:00.000Z' }),
    );
    expect(runs()).toBe(1);
    advance(5 * 60 * 60_000);
    await probe.read();
    expect(runs()).toBe(1);
    advance(60 * 60_000);
    expect(await probe.refresh()).toMatchObject({
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      securityUpdates: 0,
      checkedAt: '2026-11-26T14:10:00.000Z',
    });
    expect(runs()).toBe(2);
  });

  it('keeps the last known count when apt fails, and says null when it never answered', async () => {
    root = await fakeTree({ 'etc/os-release': BOOKWORM });
    const { probe } = probeWith([APT_DEBIAN, new Error('apt-get failed')]);
    expect(await probe.refresh()).toMatchObject({
      securityUpdates: 3,
      checkedAt: '2026-11-26T08:00:00.000Z',
    });
    expect(await probe.refresh()).toMatchObject({
      securityUpdates: 3,
      checkedAt: '2026-11-26T08:00:00.000Z',
    });

    const fresh = probeWith([new Error('apt-get is not installed')]);
    expect(await fresh.probe.refresh()).toMatchObject({ securityUpdates: null, checkedAt: null });
  });
});

describe('the host telemetry', () => {
  let root: FakeTree;
  afterEach(() => root.remove());

  it('puts the OS reading into every sample', async () => {
    root = await fakeTree({ 'etc/os-release': BOOKWORM, 'proc/self/mountinfo': '' });
    const os = createOsProbe({
      clock: { now: () => new Date('2026-11-26T08:00:00.000Z') },
      rootDir: root.root,
      aptSimulate: async () => APT_DEBIAN,
    });
    await os.refresh();
    const host = createHostTelemetry({
      dataDir: root.root,
      sysRoot: `${root.root}/sys`,
      procRoot: `${root.root}/proc`,
      vcgencmd: async () => '',
      ssid: async () => null,
      addresses: () => ({}),
      clockSynced: () => null,
      clockOffset: { read: async () => null },
      os,
    });
    expect((await host.read()).os).toEqual({
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      versionId: '12',
      securityUpdates: 3,
      checkedAt: '2026-11-26T08:00:00.000Z',
    });
  });
});
