import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceTopic, type AgentConfig, type SelfTestReport } from '@gatecast/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/program.js';
import { eventually, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';

const GATE = 'cat-bi-airport';

function report(passed: boolean, at: string): SelfTestReport {
  return {
    at,
    agentVersion: '1.4.0',
    serial: '10000000abcdef01',
    trigger: 'first-boot',
    passed,
    checks: [
      { check: 'display', status: 'pass', summary: '1920×1080 at 60 Hz on HDMI-A-1', details: {} },
      { check: 'network', status: 'pass', summary: 'eth0 10.0.0.21', details: {} },
      passed
        ? { check: 'clock', status: 'warn', summary: 'not yet synchronised', details: {} }
        : { check: 'storage', status: 'fail', summary: 'writes at 0.8 MB/s (need 5)', details: {} },
    ],
  };
}

/** Self-test reports sent as events by a real MQTT device, read back through the API and the CLI. */
describe('commissioning self-test reports', () => {
  let fleet: RealFleet;
  let out: string;
  const configs: AgentConfig[] = [];
  const clients: MqttClient[] = [];

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

  const sendReport = async (index: number, body: SelfTestReport, id: string) => {
    const deviceId = configs[index]?.deviceId ?? '';
    const event = { id, at: body.at, kind: 'self-test', report: body };
    await clients[index]?.publishAsync(deviceTopic(deviceId, 'events'), JSON.stringify(event), { qos: 1 });
  };

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'gatecast-commissioning-'));
    fleet = await startRealFleet();
    await fleet.api('POST', '/api/v1/gates', { id: GATE, name: 'Cat Bi International Airport' });
    await fleet.api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'arrivals', name: 'Arrivals hall' });
    await fleet.api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'check-in', name: 'Check-in' });
    for (const [id, zoneId] of [
      ['cat-bi-arrivals-01', 'arrivals'],
      ['cat-bi-arrivals-02', 'arrivals'],
      ['cat-bi-checkin-01', 'check-in'],
    ] as const) {
      const created = await fleet.api('POST', '/api/v1/devices', { id, name: id, gateId: GATE, zoneId });
      expect(created.status).toBe(201);
      configs.push(created.body.agentConfig);
      clients.push(await fleet.device(created.body.agentConfig));
    }
  });

  afterAll(async () => {
    await fleet?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('answers "never ran" before any report, then the latest report of a screen', async () => {
    const none = await fleet.api('GET', '/api/v1/devices/cat-bi-arrivals-01/self-test');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ deviceId: 'cat-bi-arrivals-01', report: null, at: null });

    await sendReport(0, report(false, '2026-11-20T02:00:00.000Z'), 'selftest-0001');
    await sendReport(0, report(true, '2026-11-20T03:00:00.000Z'), 'selftest-0002');
    const latest = await eventually(
      () => fleet.api('GET', '/api/v1/devices/cat-bi-arrivals-01/self-test'),
      (answer) => answer.body?.eventId === 'selftest-0002',
    );
    expect(latest.body.report.passed).toBe(true);
    expect(latest.body.at).toBe('2026-11-20T03:00:00.000Z');
    expect((await fleet.api('GET', '/api/v1/devices/nobody-here-01/self-test')).status).toBe(404);
  });

  it('summarises every screen of the gate, per check, with never-ran screens', async () => {
    await sendReport(1, report(false, '2026-11-20T04:00:00.000Z'), 'selftest-0101');
    const sheet = await eventually(
      () => fleet.api('GET', `/api/v1/gates/${GATE}/commissioning`),
      (answer) => answer.body?.totals?.failed === 1,
    );
    expect(sheet.status).toBe(200);
    expect(sheet.body.gate).toEqual({ id: GATE, name: 'Cat Bi International Airport' });
    expect(sheet.body.totals).toEqual({ screens: 3, passed: 1, failed: 1, neverRan: 1 });
    const states = Object.fromEntries(
      sheet.body.screens.map((s: { deviceId: string; state: string }) => [s.deviceId, s.state]),
    );
    expect(states).toEqual({
      'cat-bi-arrivals-01': 'passed',
      'cat-bi-arrivals-02': 'failed',
      'cat-bi-checkin-01': 'never-ran',
    });
    const storage = sheet.body.checks.find((c: { check: string }) => c.check === 'storage');
    expect(storage).toEqual({ check: 'storage', pass: 0, warn: 0, fail: 1, skipped: 0, missing: 2 });
    expect((await fleet.api('GET', '/api/v1/gates/no-such-gate/commissioning')).status).toBe(404);
  });

  it('refuses a technician of another gate, and answers one of this gate', async () => {
    await fleet.api('POST', '/api/v1/gates', { id: 'hai-phong-port', name: 'Port of Hai Phong' });
    const cookieOf = async (username: string, gateId: string) => {
      const password = 'ky-thuat-vien-2026';
      const user = { username, displayName: username, password, grants: [{ role: 'technician', gateId }] };
      expect((await fleet.api('POST', '/api/v1/users', user)).status).toBe(201);
      const login = await fetch(`http://127.0.0.1:${fleet.running.httpPort}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      return (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    };
    const read = async (cookie: string, path: string) =>
      (await fetch(`http://127.0.0.1:${fleet.running.httpPort}${path}`, { headers: { cookie } })).status;
    const portTechnician = await cookieOf('port.technician', 'hai-phong-port');
    expect(await read(portTechnician, `/api/v1/gates/${GATE}/commissioning`)).toBe(403);
    expect(await read(portTechnician, '/api/v1/devices/cat-bi-arrivals-01/self-test')).toBe(403);
    const catBiTechnician = await cookieOf('catbi.technician', GATE);
    expect(await read(catBiTechnician, `/api/v1/gates/${GATE}/commissioning`)).toBe(200);
    expect(await read(catBiTechnician, '/api/v1/releases/keys')).toBe(200);
  });

  it('prints a screen report and the gate sheet with the CLI, and writes printable HTML', async () => {
    const shown = await cli(['devices', 'self-test', 'cat-bi-arrivals-02']);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain('cat-bi-arrivals-02: FAILED');
    expect(shown.out).toMatch(/storage\s+fail\s+writes at 0\.8 MB\/s/);

    const never = await cli(['devices', 'self-test', 'cat-bi-checkin-01']);
    expect(never.out).toContain('never sent a self-test report');

    const sheet = await cli(['gates', 'commissioning-report', GATE]);
    expect(sheet.code, sheet.err).toBe(0);
    expect(sheet.out).toMatch(/arrivals\s+cat-bi-arrivals-01\s+passed\s+✓/);
    expect(sheet.out).toContain('3 screens: 1 passed, 1 failed, 1 never ran');

    const html = join(out, 'sheet.html');
    const written = await cli(['gates', 'commissioning-report', GATE, '--html', html]);
    expect(written.code, written.err).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('@page { size: A4 landscape');
    expect(page).toContain('Cat Bi International Airport');
    expect(page).toContain('storage: writes at 0.8 MB/s (need 5)');
    expect(page.match(/<tr class="/g)).toHaveLength(3);
  });

  it('runs a self-test on demand: the screen answers the command with its report', async () => {
    const client = clients[2] as MqttClient;
    const deviceId = 'cat-bi-checkin-01';
    await client.subscribeAsync(deviceTopic(deviceId, 'cmd/req'), { qos: 1 });
    client.on('message', (topic, payload) => {
      if (topic !== deviceTopic(deviceId, 'cmd/req')) return;
      const request = JSON.parse(payload.toString()) as { id: string; name: string };
      const result = {
        id: request.id,
        name: request.name,
        at: new Date().toISOString(),
        ok: true,
        result: { report: { ...report(true, new Date().toISOString()), trigger: 'on-demand' } },
      };
      void client.publishAsync(deviceTopic(deviceId, 'cmd/res'), JSON.stringify(result), { qos: 1 });
    });
    const ran = await cli(['devices', 'self-test', deviceId, '--run', '--json']);
    expect(ran.code, ran.err).toBe(0);
    const body = JSON.parse(ran.out) as { report: SelfTestReport };
    expect(body.report.trigger).toBe('on-demand');
    expect(body.report.passed).toBe(true);
  });

  it('waits for the report event when the screen answers the command without one', async () => {
    const client = clients[1] as MqttClient;
    const deviceId = 'cat-bi-arrivals-02';
    await client.subscribeAsync(deviceTopic(deviceId, 'cmd/req'), { qos: 1 });
    client.on('message', (topic, payload) => {
      if (topic !== deviceTopic(deviceId, 'cmd/req')) return;
      const request = JSON.parse(payload.toString()) as { id: string; name: string };
      const at = new Date().toISOString();
      const result = { id: request.id, name: request.name, at, ok: true, result: {} };
      void client
        .publishAsync(deviceTopic(deviceId, 'cmd/res'), JSON.stringify(result), { qos: 1 })
        .then(() => sendReport(1, { ...report(true, at), trigger: 'on-demand' }, 'selftest-0102'));
    });
    const ran = await cli(['devices', 'self-test', deviceId, '--run']);
    expect(ran.code, ran.err).toBe(0);
    expect(ran.out).toContain(`${deviceId}: PASSED`);
    expect(ran.out).toContain('on-demand');
  });
});
