import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// Built exactly as `gatecast release build` builds the launcher.mjs it ships.
import { bundleLauncher } from '../../../../fleet/src/releases/agent-bundle.js';
import { readCurrent, readPrevious } from '../../../src/update/release-links.js';
import { readUpdateRecord, type UpdateRecord } from '../../../src/update/update-state.js';
import { decisions, makeInstallRoot, type InstallRoot, type LaunchRun } from './install-root.js';

const MAX_STARTS = 3;

/** The update record as the agent leaves it when it has switched to 2.0.0 and restarted into it. */
function healthCheckOf(starts: number): UpdateRecord {
  return {
    status: {
      state: 'health-check',
      targetVersion: '2.0.0',
      previousVersion: '1.0.0',
      problem: null,
      at: '2026-11-26T09:55:00.000Z',
    },
    sha256: 'c'.repeat(64),
    starts,
    healthSince: null,
    failedStage: null,
    failureReported: false,
  };
}

describe('the stable launcher (launcher.mjs, run as its own process)', () => {
  let bundleDir: string;
  let launcherFile: string;
  let dir: string;
  let install: InstallRoot;

  beforeAll(async () => {
    bundleDir = await mkdtemp(join(tmpdir(), 'gatecast-launcher-bundle-'));
    launcherFile = join(bundleDir, 'launcher.mjs');
    await bundleLauncher(launcherFile);
  });

  afterAll(async () => {
    await rm(bundleDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecast-launcher-'));
    install = await makeInstallRoot(dir, launcherFile, MAX_STARTS);
    await install.addRelease('1.0.0', 'working');
    await install.addRelease('2.0.0', 'crashing');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The agent switched to 2.0.0 and asked to be restarted. */
  async function switchedTo200(starts = 0): Promise<void> {
    await install.link('previous', '1.0.0');
    await install.link('current', '2.0.0');
    await install.writeRecord(healthCheckOf(starts));
  }

  /** What systemd's Restart=always does: start again after every failed run, here up to `limit` times. */
  async function superviseUntilClean(limit: number): Promise<LaunchRun[]> {
    const runs: LaunchRun[] = [];
    while (runs.length < limit) {
      const run = await install.launch();
      runs.push(run);
      if (run.code === 0) break;
    }
    return runs;
  }

  it('starts a crashing release in its health gate maxStarts times, then rolls back to the previous one', async () => {
    await switchedTo200();
    const runs = await superviseUntilClean(10);

    expect(runs.map((run) => run.code)).toEqual([1, 1, 1, 0]);
    for (const run of runs.slice(0, MAX_STARTS)) {
      expect(run.stderr.trim()).toMatch(
        /^gatecast-launcher: the release in .*\/current\/agent\.mjs failed to start: cannot find module \.\/player-ui$/,
      );
    }
    expect(runs.flatMap(decisions).map((line) => `${line.decision} ${line.release}`)).toEqual([
      'count-start 2.0.0',
      'count-start 2.0.0',
      'count-start 2.0.0',
      'roll-back 1.0.0',
    ]);
    const message = 'release 2.0.0 stopped 3 times before it was confirmed; back on 1.0.0';
    expect(decisions(runs[3]!)[0]?.msg).toBe(`rolled back: ${message}`);
    expect(await readCurrent(install.root)).toBe('1.0.0');
    expect(await readPrevious(install.root)).toBeNull();
    const record = await readUpdateRecord(install.dataDir);
    expect(record).toMatchObject({
      status: { state: 'rolled-back', targetVersion: '2.0.0', problem: { code: 'UPDATE_FAILED', message } },
      starts: MAX_STARTS + 1,
      failedStage: 'restart',
      failureReported: false,
    });
    expect(record?.healthSince).not.toBeNull();
    // The agent ran from its release folder: Node resolved the link, so it finds its own release.json.
    expect(await install.ran()).toEqual([`file://${install.root}/releases/1.0.0/agent.mjs`]);

    const after = await install.launch();
    expect(after.code).toBe(0);
    expect(decisions(after)).toMatchObject([
      { decision: 'start', release: '1.0.0', msg: 'starting 1.0.0: nothing to do' },
    ]);
    expect((await readUpdateRecord(install.dataDir))?.status.state).toBe('rolled-back');
  });

  it('finishes a roll back after a power cut right after it persisted rolling-back', async () => {
    await switchedTo200(MAX_STARTS);
    const cut = await install.launch({ GATECAST_FAULT_KILL_AT: 'rolling-back' });
    expect(cut.signal).toBe('SIGKILL');
    expect((await readUpdateRecord(install.dataDir))?.status.state).toBe('rolling-back');
    expect(await readCurrent(install.root)).toBe('2.0.0');
    expect(await install.ran()).toEqual([]);

    const restarted = await install.launch();
    expect(restarted.code).toBe(0);
    expect(await readCurrent(install.root)).toBe('1.0.0');
    expect(await readUpdateRecord(install.dataDir)).toMatchObject({
      status: {
        state: 'rolled-back',
        problem: { message: 'release 2.0.0 stopped 3 times before it was confirmed; back on 1.0.0' },
      },
    });
    expect(await install.ran()).toEqual([`file://${install.root}/releases/1.0.0/agent.mjs`]);
  });

  it('starts the previous release after a power cut right after it persisted rolled-back', async () => {
    await switchedTo200(MAX_STARTS);
    const cut = await install.launch({ GATECAST_FAULT_KILL_AT: 'rolled-back' });
    expect(cut.signal).toBe('SIGKILL');
    expect(await readCurrent(install.root)).toBe('1.0.0');

    const restarted = await install.launch();
    expect(restarted.code).toBe(0);
    expect(decisions(restarted)).toMatchObject([{ decision: 'start', release: '1.0.0' }]);
    expect((await readUpdateRecord(install.dataDir))?.status.state).toBe('rolled-back');
    expect(await install.ran()).toHaveLength(1);
  });

  it('passes the agent its arguments and hands its exit code (75: restart me) to the supervisor', async () => {
    await install.link('current', '1.0.0');
    const run = await install.launch({ GATECAST_TEST_EXIT: '75' });
    expect(run.code).toBe(75);
    expect(await install.argvs()).toEqual([['--config', install.configFile]]);
    expect(decisions(run)).toMatchObject([{ decision: 'start', release: '1.0.0' }]);
    expect(await install.ran()).toEqual([`file://${install.root}/releases/1.0.0/agent.mjs`]);
  });

  it('goes back to previous when current holds no agent, and exits 1 in one line when nothing can run', async () => {
    await install.addRelease('3.0.0', 'none');
    await install.link('previous', '1.0.0');
    await install.link('current', '3.0.0');
    const rolled = await install.launch();
    expect(rolled.code).toBe(0);
    expect(decisions(rolled)[0]?.msg).toBe(
      'rolled back: release 3.0.0 is incomplete (no agent.mjs); back on 1.0.0',
    );
    expect(await readCurrent(install.root)).toBe('1.0.0');

    await rm(join(install.root, 'current'));
    const dark = await install.launch();
    expect(dark.code).toBe(1);
    expect(dark.stderr).toBe('gatecast-launcher: no release to start: no current link, no previous link\n');
    expect(await install.ran()).toHaveLength(1);
  });

  it('leaves a broken config to the agent: it counts nothing and starts current, which reports the error', async () => {
    await switchedTo200(0);
    await writeFile(install.configFile, '{ "deviceId": ');
    const run = await install.launch();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('failed to start: cannot find module ./player-ui');
    expect(decisions(run)).toEqual([]);
    expect(await readUpdateRecord(install.dataDir)).toMatchObject({
      status: { state: 'health-check' },
      starts: 0,
    });
  });
});
