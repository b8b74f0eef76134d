import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { selfTestReportSchema, type AgentConfig, type SelfTestReport } from '@gatecast/protocol';
import { FakeClockSync } from '../../../src/hardware/clock-sync.js';
import type { DisplayPower } from '../../../src/hardware/display-power.js';
import { FakeDisplayPower } from '../../../src/hardware/fake-hardware.js';
import { createAgentSelfTest, SELF_TEST_PENDING_FILE } from '../../../src/self-test/agent-self-test.js';
import { formatSelfTestReport, selfTestExitCode } from '../../../src/self-test/format-report.js';
import type { SelfTestProbes } from '../../../src/self-test/probes.js';
import { runSelfTest } from '../../../src/self-test/self-test.js';
import { fakeTree, type FakeTree } from '../health/fake-tree.js';
import { ALL_FONTS, defaultRoute, fakeFcList, ipv4 } from './fakes.js';

const trees: FakeTree[] = [];
afterEach(async () => {
  await Promise.all(trees.splice(0).map((t) => t.remove()));
});

const clock = { now: () => new Date('2026-11-26T08:00:00.000Z') };

/** A Raspberry Pi as fake trees: a TV on HDMI-A-1, Ethernet, every font, NTP synchronised. */
async function healthyPi(): Promise<{ probes: SelfTestProbes; dataDir: string; root: string }> {
  const root = await fakeTree({
    'sys/class/drm/card1-HDMI-A-1/status': 'connected\n',
    'sys/class/drm/card1-HDMI-A-1/modes': '3840x2160\n1920x1080\n',
    'sys/class/net/eth0/type': '1\n',
    'proc/net/route': defaultRoute('eth0'),
    'proc/device-tree/serial-number': '10000000c0ffee42\0',
    'dev/cec0': '',
  });
  trees.push(root);
  await mkdir(join(root.root, 'data'));
  let t = 0;
  return {
    root: root.root,
    dataDir: join(root.root, 'data'),
    probes: {
      sysRoot: join(root.root, 'sys'),
      procRoot: join(root.root, 'proc'),
      devRoot: join(root.root, 'dev'),
      exec: fakeFcList(ALL_FONTS),
      cec: new FakeDisplayPower(),
      clockSync: new FakeClockSync(true),
      addresses: () => ({ eth0: ipv4('192.168.10.23') }),
      storageBytes: 256 * 1024,
      monotonicMs: () => (t += 1),
    },
  };
}

describe('the self-test report', () => {
  it('passes a healthy screen without config: every check, in order, valid against the protocol', async () => {
    const pi = await healthyPi();
    const report = await runSelfTest({
      trigger: 'cli',
      config: null,
      dataDir: pi.dataDir,
      clock,
      probes: pi.probes,
    });
    expect(selfTestReportSchema.parse(report)).toEqual(report);
    expect(report.checks.map((c) => [c.check, c.status])).toEqual([
      ['display', 'pass'],
      ['hdmi-cec', 'pass'],
      ['network', 'pass'],
      ['fleet', 'skipped'],
      ['storage', 'pass'],
      ['fonts', 'pass'],
      ['clock', 'pass'],
    ]);
    expect(report).toMatchObject({
      passed: true,
      serial: '10000000c0ffee42',
      trigger: 'cli',
      at: '2026-11-26T08:00:00.000Z',
    });
    expect(selfTestExitCode(report)).toBe(0);
    const table = formatSelfTestReport(report);
    expect(table).toContain('  PASS  display   3840×2160 on HDMI-A-1');
    expect(table).toContain('  SKIP  fleet     no agent config yet');
    expect(table.trimEnd().split('\n').at(-1)).toBe('self-test PASSED');
  });

  it('fails on a broken config and a missing font, and says which', async () => {
    const pi = await healthyPi();
    const { th: _th, ...noThai } = ALL_FONTS;
    const report = await runSelfTest({
      trigger: 'cli',
      config: null,
      configProblem: '/var/lib/gatecast/agent.json: secret: must be at least 24 characters',
      dataDir: pi.dataDir,
      clock,
      probes: { ...pi.probes, exec: fakeFcList(noThai), clockSync: new FakeClockSync(null) },
    });
    expect(report.passed).toBe(false);
    expect(selfTestExitCode(report)).toBe(1);
    const fleet = report.checks.find((c) => c.check === 'fleet');
    expect(fleet?.summary).toBe(
      'the agent config is broken: /var/lib/gatecast/agent.json: secret: must be at least 24 characters',
    );
    const table = formatSelfTestReport(report);
    expect(table).toContain('  FAIL  fonts     no font for Thai');
    expect(table).toContain('  SKIP  clock');
    expect(table.trimEnd().split('\n').at(-1)).toBe('self-test FAILED: fleet, fonts');
  });

  it('turns a check that throws into that check failing, not the report', async () => {
    const pi = await healthyPi();
    const brokenCec: DisplayPower = {
      on: async () => undefined,
      standby: async () => undefined,
      status: () => Promise.reject(new Error('boom')),
    };
    const exec = async () => {
      throw new Error('fork failed');
    };
    const report = await runSelfTest({
      trigger: 'on-demand',
      config: null,
      dataDir: pi.dataDir,
      clock,
      probes: { ...pi.probes, cec: brokenCec, exec },
    });
    expect(report.checks.find((c) => c.check === 'hdmi-cec')).toMatchObject({ status: 'warn' });
    expect(report.checks.find((c) => c.check === 'fonts')).toMatchObject({
      status: 'fail',
      summary: 'fc-list failed: fork failed',
    });
  });
});

describe('the self-test in the agent', () => {
  function agentSelfTest(pi: Awaited<ReturnType<typeof healthyPi>>) {
    const emitted: SelfTestReport[] = [];
    const config = { dataDir: pi.dataDir, mqtt: { url: 'mqtt://127.0.0.1:1' } } as AgentConfig;
    const selfTest = createAgentSelfTest({
      config,
      agentVersion: '1.2.3',
      clock,
      log: pino({ level: 'silent' }),
      probes: { ...pi.probes, fleetTimeoutMs: 1_000 },
      emit: (report) => emitted.push(report),
    });
    return { selfTest, emitted };
  }

  it('runs once at first boot when the marker is there, then deletes it', async () => {
    const pi = await healthyPi();
    const marker = join(pi.dataDir, SELF_TEST_PENDING_FILE);
    await writeFile(marker, '');
    const { selfTest, emitted } = agentSelfTest(pi);
    selfTest.linkUp();
    await expect
      .poll(() =>
        access(marker).then(
          () => 'there',
          () => 'gone',
        ),
      )
      .toBe('gone');
    selfTest.linkUp();
    expect(emitted.map((r) => [r.trigger, r.agentVersion])).toEqual([['first-boot', '1.2.3']]);
  });

  it('does nothing at connect without the marker; joins a run in progress on demand', async () => {
    const pi = await healthyPi();
    const { selfTest, emitted } = agentSelfTest(pi);
    selfTest.linkUp();
    const [a, b] = await Promise.all([selfTest.run('on-demand'), selfTest.run('on-demand')]);
    expect(a).toBe(b);
    expect(emitted).toHaveLength(1);
    expect(a.checks.find((c) => c.check === 'fleet')?.status).toBe('fail');
  });
});
