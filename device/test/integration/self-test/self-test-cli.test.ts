import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selfTestReportSchema, type SelfTestReport } from '@gatecast/protocol';
import { AGENT_BIN } from '../helpers/agent-process.js';
import { DEVICE_ID, SECRET, agentConfig, tempDir } from '../helpers/fixtures.js';
import { freePort, startTestBroker, type TestBroker } from '../helpers/test-broker.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `gatecast-agent --self-test` as a technician runs it: a real process, its output and exit code. */
function selfTest(configFile: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [AGENT_BIN, '--self-test', '--config', configFile],
      { env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

const line = (run: Run, check: string): string =>
  run.stdout.split('\n').find((row) => new RegExp(`^  [A-Z]{4}  ${check} `).test(row)) ?? '';

describe('gatecast-agent --self-test', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir('self-test-cli');
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('runs without a config, prints the table, and its exit code matches the failures', async () => {
    const run = await selfTest(join(dir.path, 'agent.json'));
    const rows = run.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^gatecast self-test · .* · cli$/);
    for (const check of ['display', 'hdmi-cec', 'network', 'fleet', 'storage', 'fonts', 'clock']) {
      expect(line(run, check), check).not.toBe('');
    }
    // This machine, like CI, has fonts-noto-core and fonts-noto-cjk.
    expect(line(run, 'fonts')).toMatch(/^ {2}PASS {2}fonts +fonts for all 8 scripts/);
    expect(line(run, 'fleet')).toMatch(/^ {2}SKIP {2}fleet +no agent config yet/);
    // Without a config the storage test writes into the config file's directory, and cleans up.
    expect(line(run, 'storage')).toMatch(/MB\/s write/);
    expect(await readdir(dir.path)).toEqual([]);
    const failed = rows.filter((row) => row.startsWith('  FAIL  '));
    expect(run.code).toBe(failed.length > 0 ? 1 : 0);
    const names = failed.map((row) => row.slice(8).split(' ')[0]);
    const verdict = rows.at(-1) ?? '';
    if (failed.length > 0) expect(verdict).toBe(`self-test FAILED: ${names.join(', ')}`);
    else expect(verdict).toMatch(/^self-test PASSED( \(\d+ warnings?\))?$/);
  });

  it('fails the fleet check on a broken config, naming the file and the field', async () => {
    const file = join(dir.path, 'agent.json');
    await writeFile(
      file,
      JSON.stringify({ deviceId: DEVICE_ID, secret: 'short', mqtt: { url: 'mqtt://x:1883' } }),
    );
    const run = await selfTest(file);
    expect(run.code).toBe(1);
    expect(line(run, 'fleet')).toMatch(
      /^ {2}FAIL {2}fleet +the agent config is broken: .*agent\.json: secret/,
    );
  });

  describe('with a config', () => {
    let broker: TestBroker;
    let fleet: Server;
    let fleetUrl: string;
    beforeEach(async () => {
      broker = await startTestBroker({ [DEVICE_ID]: SECRET });
      fleet = createServer((req, res) => {
        res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
      await new Promise<void>((resolve) => fleet.listen(0, '127.0.0.1', () => resolve()));
      const address = fleet.address();
      fleetUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => fleet.close(() => resolve()));
      await broker.stop();
    });

    async function writeConfig(mqttUrl: string): Promise<string> {
      const file = join(dir.path, 'agent.json');
      await writeFile(file, JSON.stringify({ ...agentConfig(mqttUrl, dir.path), fleetUrl }));
      return file;
    }

    it('reaches the fleet and its broker, and prints JSON on request', async () => {
      const run = await selfTest(await writeConfig(broker.url), { GATECAST_SELF_TEST_JSON: '1' });
      const report: SelfTestReport = selfTestReportSchema.parse(JSON.parse(run.stdout));
      const fleetCheck = report.checks.find((c) => c.check === 'fleet');
      expect(fleetCheck).toMatchObject({
        status: 'pass',
        details: { fleetUrl, mqttUrl: broker.url, httpStatus: 200 },
      });
      expect(fleetCheck?.summary).toMatch(
        new RegExp(`^fleet ${fleetUrl} answers .*; MQTT 127\\.0\\.0\\.1:${broker.port} open$`),
      );
      expect(report.trigger).toBe('cli');
      expect(run.code).toBe(report.passed ? 0 : 1);
    });

    it('says the broker refused the connection', async () => {
      const closed = `mqtt://127.0.0.1:${await freePort()}`;
      const run = await selfTest(await writeConfig(closed), { GATECAST_SELF_TEST_JSON: '1' });
      const report = selfTestReportSchema.parse(JSON.parse(run.stdout));
      expect(report.checks.find((c) => c.check === 'fleet')).toMatchObject({
        status: 'fail',
        summary: expect.stringMatching(/^MQTT 127\.0\.0\.1:\d+: connection refused by 127\.0\.0\.1$/),
      });
      expect(run.code).toBe(1);
    });
  });
});
