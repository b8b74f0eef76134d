import type { SelfTestReport } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { renderCommissioningHtml } from '../../../src/commissioning/commissioning-html.js';
import {
  buildGateCommissioning,
  checkMark,
  type ScreenInput,
} from '../../../src/commissioning/commissioning-report.js';
import {
  buildProvisionFile,
  checkProvisionOptions,
  describeProvisionFile,
} from '../../../src/commissioning/provision-inputs.js';

const report = (passed: boolean): SelfTestReport => ({
  at: '2026-11-20T03:00:00.000Z',
  agentVersion: '1.4.0',
  serial: null,
  trigger: 'first-boot',
  passed,
  checks: [
    { check: 'display', status: 'pass', summary: '1920×1080', details: {} },
    { check: 'fonts', status: passed ? 'warn' : 'fail', summary: 'no <Khmer> font', details: {} },
    { check: 'hdmi-cec', status: 'skipped', summary: 'no CEC adapter', details: {} },
  ],
});

const screen = (deviceId: string, zoneName: string, value: SelfTestReport | null): ScreenInput => ({
  deviceId,
  name: deviceId,
  zoneId: zoneName.toLowerCase(),
  zoneName,
  agentVersion: '1.4.0',
  latest: { deviceId, report: value, eventId: value ? 'e1' : null, at: value?.at ?? null, receivedAt: null },
});

describe('the gate commissioning sheet', () => {
  const sheet = buildGateCommissioning(
    { id: 'cat-bi-airport', name: 'Cat Bi <Airport>' },
    [
      screen('b-2', 'Departures', report(false)),
      screen('a-1', 'Arrivals', report(true)),
      screen('c-3', 'Arrivals', null),
    ],
    '2026-11-26T00:00:00.000Z',
  );

  it('orders screens by zone then name and counts each state', () => {
    expect(sheet.screens.map((s) => [s.deviceId, s.state])).toEqual([
      ['a-1', 'passed'],
      ['c-3', 'never-ran'],
      ['b-2', 'failed'],
    ]);
    expect(sheet.totals).toEqual({ screens: 3, passed: 1, failed: 1, neverRan: 1 });
  });

  it('summarises each check across screens, counting absent ones as missing', () => {
    const byCheck = Object.fromEntries(sheet.checks.map(({ check, ...counts }) => [check, counts]));
    expect(byCheck.fonts).toEqual({ pass: 0, warn: 1, fail: 1, skipped: 0, missing: 1 });
    expect(byCheck.clock).toEqual({ pass: 0, warn: 0, fail: 0, skipped: 0, missing: 3 });
    expect(checkMark(report(true), 'hdmi-cec')).toBe('–');
    expect(checkMark(null, 'display')).toBe('');
  });

  it('renders printable HTML with every value escaped', () => {
    const html = renderCommissioningHtml(sheet);
    expect(html).toContain('Cat Bi &#60;Airport&#62;');
    expect(html).toContain('fonts: no &#60;Khmer&#62; font');
    expect(html).not.toContain('<Khmer>');
    expect(html).not.toContain('<script');
  });
});

describe('provision options', () => {
  it('needs exactly one credential and one destination', () => {
    expect(() => checkProvisionOptions({ bootDir: '/b' })).toThrow(/--device ID or --enrolment-token/);
    expect(() => checkProvisionOptions({ device: 'a-1' })).toThrow(/--image FILE/);
    expect(() => checkProvisionOptions({ device: 'a-1', bootDir: '/b', gate: 'g' })).toThrow(/all of --gate/);
    expect(() => checkProvisionOptions({ device: 'a-1', bootDir: '/b', wifiPsk: 'x' })).toThrow(
      /--wifi-ssid/,
    );
    expect(() => checkProvisionOptions({ device: 'a-1', bootDir: '/b' })).not.toThrow();
  });

  it('builds a token file without device or MQTT, and describes files without secrets', () => {
    const file = buildProvisionFile(
      { enrolmentToken: 'gce_x', gate: 'g-1', wifiSsid: 'Net', wifiPsk: 'passphrase-1' },
      { kind: 'token', token: 'gce_x' },
      'https://fleet.example',
      [],
      { sshKeys: [] },
    );
    expect(file).toMatchObject({ enrolmentToken: 'gce_x', gateId: 'g-1', wifi: { country: 'VN' } });
    expect(file.mqttUrl).toBeUndefined();
    const described = JSON.stringify(describeProvisionFile(file, '/b/gatecast/provision.json'));
    expect(described).not.toContain('passphrase-1');
    expect(described).toContain('"mode":"enrolment-token"');
  });
});
