import { describe, expect, it } from 'vitest';
import { renderCommissioningPage } from '../../../src/commissioning/commissioning-page.js';
import { approvalUrl, type CommissioningView } from '../../../src/commissioning/commissioning-view.js';

const base: CommissioningView = {
  mode: 'enrolment',
  agentVersion: '1.0.0',
  serial: '10000000abcdef01',
  model: 'Raspberry Pi 4 Model B Rev 1.5',
  network: { interface: 'eth0', address: '10.20.0.41', kind: 'ethernet', connected: true },
  fleetUrl: 'https://fleet.example.vn',
  fleetReachable: true,
  gateId: 'cat-bi-airport',
  zoneId: 'arrivals-hall',
  enrolment: {
    status: 'waiting',
    pairingCode: 'K7MQ-42XV',
    expiresAt: '2026-11-27T08:00:00.000Z',
    approvalUrl: approvalUrl('https://fleet.example.vn/', 'K7MQ-42XV'),
    detail: null,
  },
  configError: null,
  updatedAt: '2026-11-26T08:00:00.000Z',
};

describe('the commissioning page', () => {
  it('shows the pairing code, the serial, the network and the fleet in Vietnamese and English', () => {
    const html = renderCommissioningPage(base, '<img src="/qr/link.svg?url=x">');
    expect(html).toContain('<p class="code" id="pairing-code">K7MQ-42XV</p>');
    expect(html).toContain('10000000abcdef01');
    expect(html).toContain('eth0 · ethernet · 10.20.0.41');
    expect(html).toContain('Mã ghép nối');
    expect(html).toContain('Pairing code');
    expect(html).toContain('Đang chờ phê duyệt');
    expect(html).toContain('Waiting for approval');
    expect(html).toContain('<img src="/qr/link.svg?url=x">');
    expect(base.enrolment?.approvalUrl).toBe('https://fleet.example.vn/enrol?code=K7MQ-42XV');
  });

  it('shows a config problem in plain words with what to do, escaped', () => {
    const html = renderCommissioningPage(
      {
        ...base,
        mode: 'config-error',
        enrolment: null,
        fleetUrl: null,
        network: { interface: null, address: null, kind: null, connected: false },
        configError: '/var/lib/gatecast/agent.json: mqtt.url: must look like <mqtt://host:1883>',
      },
      null,
    );
    expect(html).toContain('Cấu hình không hợp lệ');
    expect(html).toContain('The configuration is invalid');
    expect(html).toContain('mqtt.url: must look like &lt;mqtt://host:1883&gt;');
    expect(html).toContain('gatecast provision');
    expect(html).toContain('not connected');
    expect(html).not.toContain('pairing-code');
  });
});
