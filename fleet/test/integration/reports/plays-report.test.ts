import type { DeviceEvent } from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrol } from '../store/fixtures.js';
import { startReportsApp, type ReportsApp } from './reports-app.js';

let counter = 0;

/** A play that started at `startedAt` and lasted `seconds`. */
function play(startedAt: string, itemId: string, language: string | null, seconds = 10): DeviceEvent {
  counter += 1;
  const end = new Date(Date.parse(startedAt) + seconds * 1000).toISOString();
  return {
    id: `play-${String(counter).padStart(6, '0')}`,
    at: end,
    kind: 'proof-of-play',
    itemId,
    zone: 'main',
    language,
    startedAt,
    durationMs: seconds * 1000,
  };
}

/** RFC 4180 reader, enough to read back what the report wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += char;
  }
  return rows;
}

describe('proof-of-play report', () => {
  let ctx: ReportsApp;
  let admin: string;
  let catBiViewer: string;

  beforeEach(async () => {
    ctx = await startReportsApp();
    admin = await ctx.addUser('admin', [{ role: 'admin', gateId: null }]);
    catBiViewer = await ctx.addUser('catbi.viewer', [{ role: 'viewer', gateId: 'cat-bi-airport' }]);
    await enrol(ctx.devices, 'cat-bi-arr-01');
    await enrol(ctx.devices, 'cat-bi-dep-01', { zoneId: 'departures' });
    await enrol(ctx.devices, 'port-term-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
  });

  afterEach(async () => {
    await ctx.close();
  });

  async function store(deviceId: string, ...events: DeviceEvent[]): Promise<void> {
    for (const event of events) expect(await ctx.deviceEvents.save(deviceId, event, event.at)).toBe(true);
  }

  it('counts plays, total and average seconds, first and last, by item and language', async () => {
    await store(
      'cat-bi-arr-01',
      play('2026-11-20T01:00:00.000Z', 'welcome', 'vi', 8),
      play('2026-11-20T01:00:08.000Z', 'welcome', 'en', 8),
      play('2026-11-20T02:00:00.000Z', 'welcome', 'vi', 12),
      play('2026-11-21T03:00:00.000Z', 'harbour-video', null, 30),
    );
    await store('cat-bi-dep-01', play('2026-11-22T04:00:00.000Z', 'welcome', 'vi', 10));
    const answer = await ctx.get(
      admin,
      '/api/v1/reports/plays?gate=cat-bi-airport&from=2026-11-01&to=2026-11-30&by=item,language',
    );
    expect(answer.status).toBe(200);
    const report = answer.json();
    expect(report.by).toEqual(['item', 'language']);
    // Dates are days at the gate (Asia/Ho_Chi_Minh, +07:00).
    expect(report.from).toBe('2026-10-31T17:00:00.000Z');
    expect(report.to).toBe('2026-11-30T17:00:00.000Z');
    expect(report.rows).toEqual([
      {
        item: 'harbour-video',
        language: null,
        plays: 1,
        totalSeconds: 30,
        averageSeconds: 30,
        firstAt: '2026-11-21T03:00:00.000Z',
        lastAt: '2026-11-21T03:00:00.000Z',
      },
      {
        item: 'welcome',
        language: 'en',
        plays: 1,
        totalSeconds: 8,
        averageSeconds: 8,
        firstAt: '2026-11-20T01:00:08.000Z',
        lastAt: '2026-11-20T01:00:08.000Z',
      },
      {
        item: 'welcome',
        language: 'vi',
        plays: 3,
        totalSeconds: 30,
        averageSeconds: 10,
        firstAt: '2026-11-20T01:00:00.000Z',
        lastAt: '2026-11-22T04:00:00.000Z',
      },
    ]);
    expect(report.total).toEqual({ plays: 5, totalSeconds: 68 });

    const byZone = (
      await ctx.get(admin, '/api/v1/reports/plays?from=2026-11-01&to=2026-11-30&by=gate,zone,device')
    ).json();
    expect(
      byZone.rows.map((row: { zone: string; device: string; plays: number }) => [
        row.zone,
        row.device,
        row.plays,
      ]),
    ).toEqual([
      ['arrivals-hall', 'cat-bi-arr-01', 4],
      ['departures', 'cat-bi-dep-01', 1],
    ]);
    const vi = (
      await ctx.get(
        admin,
        '/api/v1/reports/plays?from=2026-11-01&to=2026-11-30&by=&language=vi&zone=arrivals-hall',
      )
    ).json();
    expect(vi.rows).toEqual([expect.objectContaining({ plays: 2, totalSeconds: 20 })]);
    const silent = (
      await ctx.get(admin, '/api/v1/reports/plays?from=2026-11-01&to=2026-11-30&language=-')
    ).json();
    expect(silent.rows).toEqual([expect.objectContaining({ item: 'harbour-video', plays: 1 })]);
  });

  it('takes a play by the time it started: from is inclusive, to exclusive, a date to includes its day', async () => {
    await store(
      'cat-bi-arr-01',
      play('2026-11-19T16:59:59.999Z', 'before', 'vi'), // 23:59:59.999 on the 19th at the gate
      play('2026-11-19T17:00:00.000Z', 'first', 'vi'), // 00:00 on the 20th at the gate
      play('2026-11-20T16:59:59.000Z', 'last', 'vi'), // 23:59:59 on the 20th
      play('2026-11-20T17:00:00.000Z', 'after', 'vi'), // 00:00 on the 21st
    );
    const day = (
      await ctx.get(admin, '/api/v1/reports/plays?gate=cat-bi-airport&from=2026-11-20&to=2026-11-20')
    ).json();
    expect(day.rows.map((row: { item: string }) => row.item)).toEqual(['first', 'last']);
    const times = (
      await ctx.get(admin, '/api/v1/reports/plays?from=2026-11-19T17:00:00Z&to=2026-11-20T17:00:00%2B00:00')
    ).json();
    expect(times.rows.map((row: { item: string }) => row.item)).toEqual(['first', 'last']);
  });

  it("keeps a removed screen's plays, with its last zone, for whoever may read its gate", async () => {
    await store('cat-bi-dep-01', play('2026-11-20T01:00:00.000Z', 'welcome', 'vi'));
    await ctx.devices.remove('cat-bi-dep-01');
    const report = (
      await ctx.get(admin, '/api/v1/reports/plays?from=2026-11-01&to=2026-11-30&by=zone,device')
    ).json();
    expect(report.rows).toEqual([
      expect.objectContaining({ zone: 'departures', device: 'cat-bi-dep-01', plays: 1 }),
    ]);
  });

  it("scopes to the caller's gates and refuses what is outside them", async () => {
    await store('cat-bi-arr-01', play('2026-11-20T01:00:00.000Z', 'welcome', 'vi'));
    await store('port-term-01', play('2026-11-20T01:00:00.000Z', 'port-safety', 'zh-Hans'));
    const mine = (
      await ctx.get(catBiViewer, '/api/v1/reports/plays?from=2026-11-01&to=2026-11-30&by=gate,item')
    ).json();
    expect(mine.rows).toEqual([expect.objectContaining({ gate: 'cat-bi-airport', item: 'welcome' })]);
    const everything = (
      await ctx.get(admin, '/api/v1/reports/plays?from=2026-11-01&to=2026-11-30&by=gate')
    ).json();
    expect(everything.rows.map((row: { gate: string }) => row.gate)).toEqual([
      'cat-bi-airport',
      'hai-phong-port',
    ]);

    const otherGate = await ctx.get(
      catBiViewer,
      '/api/v1/reports/plays?gate=hai-phong-port&from=2026-11-01&to=2026-11-30',
    );
    expect(otherGate.status).toBe(403);
    expect(otherGate.json().error.code).toBe('FORBIDDEN');
    const otherScreen = await ctx.get(
      catBiViewer,
      '/api/v1/reports/plays?device=port-term-01&from=2026-11-01&to=2026-11-30',
    );
    expect(otherScreen.status).toBe(403);
    const technician = await ctx.addUser('catbi.tech', [{ role: 'technician', gateId: 'cat-bi-airport' }]);
    const refused = await ctx.get(technician, '/api/v1/reports/plays?from=2026-11-01&to=2026-11-30');
    expect(refused.status).toBe(403);
    expect(refused.json().error.message).toContain('reports.read');
  });

  it('exports RFC 4180 CSV in UTF-8 with a BOM, escaping quotes, commas, newlines and formulas', async () => {
    const awkward = 'Chào mừng đến "Hải Phòng", cảng biển\nline two';
    await store(
      'cat-bi-arr-01',
      play('2026-11-20T01:00:00.000Z', awkward, 'vi', 8),
      play('2026-11-20T01:00:10.000Z', '=HYPERLINK("x")', 'en', 4),
    );
    const answer = await ctx.get(
      admin,
      '/api/v1/reports/plays?gate=cat-bi-airport&from=2026-11-20&to=2026-11-20&by=item,language&format=csv',
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe(
      'attachment; filename="plays-cat-bi-airport-2026-11-19-2026-11-20.csv"',
    );
    expect(answer.text.startsWith('\uFEFFitem,language,plays,')).toBe(true);
    expect(answer.text).toContain('"Chào mừng đến ""Hải Phòng"", cảng biển\nline two",vi,1,8,8,');
    const rows = parseCsv(answer.text.slice(1));
    expect(rows[0]).toEqual([
      'item',
      'language',
      'plays',
      'total_seconds',
      'average_seconds',
      'first_started_at',
      'last_started_at',
    ]);
    expect(rows.slice(1).map((row) => row.slice(0, 3))).toEqual([
      ['\'=HYPERLINK("x")', 'en', '1'],
      [awkward, 'vi', '1'],
    ]);
  });

  it('answers 400 with a clear reason for a bad period or grouping', async () => {
    const cases: Array<[string, string]> = [
      ['from=2026-11-01&to=2026-11-30&by=colour', 'cannot group by colour'],
      ['from=yesterday-ish&to=2026-11-30', 'neither a date'],
      ['from=2026-11-01T00:00:00&to=2026-11-30', 'with an offset'],
      ['from=2026-02-30&to=2026-03-01', 'not a date that exists'],
      ['from=2026-11-30&to=2026-11-01', 'the period is empty'],
      ['to=2026-11-30', 'from'],
    ];
    for (const [query, reason] of cases) {
      const answer = await ctx.get(admin, `/api/v1/reports/plays?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.json().error.code).toBe('BAD_REQUEST');
      expect(answer.json().error.message, query).toContain(reason);
    }
  });
});
