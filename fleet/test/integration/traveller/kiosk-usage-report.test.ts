import type { DeviceEvent } from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UTF8_BOM } from '../../../src/reports/csv.js';
import { startReportsApp, type ReportsApp } from '../reports/reports-app.js';
import { enrol } from '../store/fixtures.js';

type Usage = Extract<DeviceEvent, { kind: 'kiosk-usage' }>;

describe('kiosk usage figures', () => {
  let ctx: ReportsApp;
  let admin: string;
  let portViewer: string;
  let counter = 0;

  async function usage(
    deviceId: string,
    at: string,
    body: Pick<Usage, 'views' | 'failedSearches'>,
  ): Promise<void> {
    counter += 1;
    const end = new Date(at);
    const event: Usage = {
      kind: 'kiosk-usage',
      id: `usage-${String(counter).padStart(6, '0')}`,
      at,
      periodStart: new Date(end.getTime() - 3_600_000).toISOString(),
      periodEnd: end.toISOString(),
      ...body,
    };
    expect(await ctx.deviceEvents.save(deviceId, event, at)).toBe(true);
  }

  beforeEach(async () => {
    ctx = await startReportsApp();
    admin = await ctx.addUser('admin', [{ role: 'admin', gateId: null }]);
    portViewer = await ctx.addUser('port.viewer', [{ role: 'viewer', gateId: 'hai-phong-port' }]);
    await enrol(ctx.devices, 'cat-bi-kiosk-1', { name: 'Arrivals kiosk' });
    await enrol(ctx.devices, 'port-kiosk-1', {
      gateId: 'hai-phong-port',
      zoneId: 'terminal',
      name: 'Terminal kiosk',
    });
    await usage('cat-bi-kiosk-1', '2025-03-01T03:00:00.000Z', {
      views: [
        { nodeId: 'visa', language: 'km', count: 5 },
        { nodeId: 'emergency', language: 'lo', count: 2 },
      ],
      failedSearches: [
        { term: 'Bus 7', language: 'en', count: 2 },
        { term: 'nguyen van a', language: 'vi', count: 1 },
      ],
    });
    await usage('cat-bi-kiosk-1', '2025-03-01T04:00:00.000Z', {
      views: [{ nodeId: 'visa', language: 'km', count: 3 }],
      failedSearches: [{ term: 'bus 7', language: 'en', count: 1 }],
    });
    await usage('port-kiosk-1', '2025-03-02T04:00:00.000Z', {
      views: [{ nodeId: 'ferry', language: 'zh-Hans', count: 4 }],
      failedSearches: [{ term: '渡轮时间', language: 'zh-Hans', count: 3 }],
    });
    // Outside the period: 2026 at the gate.
    await usage('cat-bi-kiosk-1', '2025-12-31T18:00:00.000Z', {
      views: [{ nodeId: 'visa', language: 'km', count: 100 }],
      failedSearches: [],
    });
  });

  afterEach(async () => {
    await ctx.close();
  });

  it('counts page views by gate, kiosk and language, and lists the failed searches typed more than once', async () => {
    const answer = await ctx.get(admin, '/api/v1/reports/kiosk?from=2025-01-01&to=2025-12-31');
    expect(answer.status).toBe(200);
    const report = answer.json();
    expect(report.views.rows).toEqual([
      {
        gateId: 'cat-bi-airport',
        deviceId: 'cat-bi-kiosk-1',
        deviceName: 'Arrivals kiosk',
        language: 'km',
        views: 8,
      },
      {
        gateId: 'cat-bi-airport',
        deviceId: 'cat-bi-kiosk-1',
        deviceName: 'Arrivals kiosk',
        language: 'lo',
        views: 2,
      },
      {
        gateId: 'hai-phong-port',
        deviceId: 'port-kiosk-1',
        deviceName: 'Terminal kiosk',
        language: 'zh-Hans',
        views: 4,
      },
    ]);
    expect(report.views.byLanguage).toEqual([
      { language: 'km', views: 8 },
      { language: 'zh-Hans', views: 4 },
      { language: 'lo', views: 2 },
    ]);
    expect(report.views.byGate).toEqual([
      { gateId: 'cat-bi-airport', views: 10 },
      { gateId: 'hai-phong-port', views: 4 },
    ]);
    expect(report.views.byPage[0]).toEqual({ nodeId: 'visa', views: 8 });
    expect(report.views.total).toBe(14);
    // A term typed once (here a name) never reaches the report.
    expect(report.failedSearches).toEqual([
      { term: 'bus 7', language: 'en', count: 3 },
      { term: '渡轮时间', language: 'zh-Hans', count: 3 },
    ]);
    const top = await ctx.get(admin, '/api/v1/reports/kiosk?from=2025-01-01&to=2025-12-31&top=1&minCount=1');
    expect(top.json().failedSearches).toEqual([{ term: 'bus 7', language: 'en', count: 3 }]);
  });

  it('keeps to the gates the caller may report on, and writes CSV', async () => {
    const port = (await ctx.get(portViewer, '/api/v1/reports/kiosk?from=2025-01-01&to=2025-12-31')).json();
    expect(port.views.rows.map((row: { deviceId: string }) => row.deviceId)).toEqual(['port-kiosk-1']);
    const refused = await ctx.get(
      portViewer,
      '/api/v1/reports/kiosk?gate=cat-bi-airport&from=2025-01-01&to=2025-12-31',
    );
    expect(refused.status).toBe(403);
    const csv = await ctx.get(
      admin,
      '/api/v1/reports/kiosk?gate=cat-bi-airport&from=2025-01-01&to=2025-12-31&format=csv',
    );
    expect(csv.status).toBe(200);
    expect(csv.text.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.text.slice(1).split('\r\n')).toEqual([
      'section,gate,kiosk,kiosk name,language,term,count',
      'views,cat-bi-airport,cat-bi-kiosk-1,Arrivals kiosk,km,,8',
      'views,cat-bi-airport,cat-bi-kiosk-1,Arrivals kiosk,lo,,2',
      'failed search,,,,en,bus 7,3',
      '',
    ]);
    const bad = await ctx.get(admin, '/api/v1/reports/kiosk?from=2025-13-01&to=2025-12-31');
    expect(bad.status).toBe(400);
    expect(bad.json().error.code).toBe('BAD_REQUEST');
  });

  it('adds the figures to the yearly report of the gate', async () => {
    const html = (await ctx.get(admin, '/api/v1/reports/yearly?gate=cat-bi-airport&year=2025')).text;
    expect(html).toContain('<strong data-field="kiosk-views">10</strong>');
    expect(html).toContain('Lượt xem trang trên ki-ốt tra cứu');
    expect(html).toContain(
      '<td>Arrivals kiosk <span class="muted">cat-bi-kiosk-1</span></td><td>km</td><td>8</td>',
    );
    expect(html).toContain('<span lang="en">bus 7</span>');
    expect(html).not.toContain('nguyen van a');
  });
});
