import type { DeviceEvent } from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrol } from '../store/fixtures.js';
import { startReportsApp, type ReportsApp } from './reports-app.js';

/** An event without its id, for each kind (Omit over the union, kind by kind). */
type EventBody = DeviceEvent extends infer E ? (E extends DeviceEvent ? Omit<E, 'id'> : never) : never;

/** Midnight at the gate (+07:00) on a date. */
const local = (date: string) => new Date(`${date}T00:00:00+07:00`).toISOString();

describe('yearly report per gate', () => {
  let ctx: ReportsApp;
  let admin: string;
  let portViewer: string;

  beforeEach(async () => {
    ctx = await startReportsApp();
    admin = await ctx.addUser('admin', [{ role: 'admin', gateId: null }]);
    portViewer = await ctx.addUser('port.viewer', [{ role: 'viewer', gateId: 'hai-phong-port' }]);
    await seedYear2025();
  });

  afterEach(async () => {
    await ctx.close();
  });

  /** Enrolment is stamped with the real clock; a test moves it to when the screen was put up. */
  function enrolledAt(deviceId: string, at: string): void {
    ctx.db.prepare('UPDATE devices SET created_at = ? WHERE id = ?').run(at, deviceId);
    ctx.db
      .prepare("UPDATE presence_log SET at = ? WHERE device_id = ? AND state = 'enrolled'")
      .run(at, deviceId);
  }

  let counter = 0;
  async function event(deviceId: string, body: EventBody): Promise<void> {
    counter += 1;
    const stored = { ...body, id: `event-${String(counter).padStart(6, '0')}` } as DeviceEvent;
    expect(await ctx.deviceEvents.save(deviceId, stored, body.at)).toBe(true);
  }

  async function playAt(
    deviceId: string,
    startedAt: string,
    itemId: string,
    language: string | null,
    seconds: number,
  ): Promise<void> {
    await event(deviceId, {
      kind: 'proof-of-play',
      at: startedAt,
      itemId,
      zone: 'main',
      language,
      startedAt,
      durationMs: seconds * 1000,
    });
  }

  async function announcement(
    id: string,
    title: Record<string, string>,
    startsAt: string,
    screens: string[],
  ): Promise<void> {
    ctx.db
      .prepare(
        `INSERT INTO announcements (id, title, body, targets, status, created_by, created_by_name, created_at,
           starts_at, expires_at, fired_at)
         VALUES (?, ?, ?, '{"all":true}', 'active', 'u1', 'duty', ?, ?, ?, ?)`,
      )
      .run(
        id,
        JSON.stringify(title),
        JSON.stringify(title),
        startsAt,
        startsAt,
        new Date(Date.parse(startsAt) + 3_600_000).toISOString(),
        startsAt,
      );
    for (const deviceId of screens) {
      const device = await ctx.devices.get(deviceId);
      ctx.db
        .prepare(
          'INSERT INTO announcement_screens (announcement_id, device_id, device_name, gate_id, zone_id) VALUES (?, ?, ?, ?, ?)',
        )
        .run(id, deviceId, device?.name ?? deviceId, device?.gateId ?? '', device?.zoneId ?? '');
    }
  }

  async function receipt(deviceId: string, announcementId: string, shownAt: string): Promise<void> {
    await event(deviceId, {
      kind: 'announcement-shown',
      at: shownAt,
      entryId: `ann-${announcementId}`,
      itemId: `ann-${announcementId}`,
      language: 'vi',
      shownAt,
      screenshotSha256: null,
    });
  }

  async function seedYear2025(): Promise<void> {
    await enrol(ctx.devices, 'cat-bi-arr-01', { name: 'Arrivals belt 1' });
    await enrol(ctx.devices, 'cat-bi-dep-01', { zoneId: 'departures', name: 'Gate <b>12</b> & lounge' });
    await enrol(ctx.devices, 'port-term-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
    // Arrivals: up all year but ten days in March: 355 of 365 days.
    enrolledAt('cat-bi-arr-01', '2024-06-01T00:00:00.000Z');
    await ctx.devices.setPresence('cat-bi-arr-01', 'online', '2024-06-02T00:00:00.000Z');
    await ctx.devices.setPresence('cat-bi-arr-01', 'offline', local('2025-03-02'));
    await ctx.devices.setPresence('cat-bi-arr-01', 'online', local('2025-03-12'));
    // Departures: put up on 3 July, up for 91 of its 182 days.
    enrolledAt('cat-bi-dep-01', local('2025-07-03'));
    await ctx.devices.setPresence('cat-bi-dep-01', 'online', local('2025-07-03'));
    await ctx.devices.setPresence('cat-bi-dep-01', 'offline', local('2025-10-02'));
    // The port's screen is another gate's business.
    enrolledAt('port-term-01', '2024-01-01T00:00:00.000Z');
    await ctx.devices.setPresence('port-term-01', 'online', '2024-01-01T00:00:00.000Z');

    await playAt('cat-bi-arr-01', '2024-12-31T16:59:00.000Z', 'last-year', 'vi', 10);
    await playAt('cat-bi-arr-01', '2025-01-01T01:00:00.000Z', 'welcome', 'vi', 8);
    await playAt('cat-bi-arr-01', '2025-06-01T01:00:00.000Z', 'welcome', 'vi', 8);
    await playAt('cat-bi-dep-01', '2025-08-01T01:00:00.000Z', 'welcome', 'en', 8);
    await playAt('cat-bi-dep-01', '2025-08-01T01:00:10.000Z', 'harbour-video', null, 45);
    await playAt('port-term-01', '2025-08-01T01:00:00.000Z', 'port-safety', 'zh-Hans', 20);

    await announcement(
      'storm',
      { vi: 'Cảnh báo bão số 3', en: 'Typhoon warning no. 3' },
      '2025-09-06T02:00:00.000Z',
      ['cat-bi-arr-01', 'cat-bi-dep-01', 'port-term-01'],
    );
    await receipt('cat-bi-arr-01', 'storm', '2025-09-06T02:00:01.200Z');
    await receipt('cat-bi-dep-01', 'storm', '2025-09-06T02:00:01.900Z');
    await announcement(
      'gate-change',
      { vi: 'Đổi cửa ra tàu bay', en: 'Gate change' },
      '2025-11-02T03:00:00.000Z',
      ['cat-bi-arr-01', 'cat-bi-dep-01'],
    );
    await receipt('cat-bi-arr-01', 'gate-change', '2025-11-02T03:00:00.800Z');
    await announcement(
      'port-only',
      { vi: 'Tàu khách đến muộn', en: 'Ferry delayed' },
      '2025-10-01T03:00:00.000Z',
      ['port-term-01'],
    );
  }

  it('prints uptime per screen and for the gate, plays by item and language, announcements with receipts', async () => {
    ctx.clock.now = new Date('2026-01-05T03:00:00.000Z');
    const answer = await ctx.get(admin, '/api/v1/reports/yearly?gate=cat-bi-airport&year=2025');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
    const html = answer.text;
    const field = (name: string) => new RegExp(`data-field="${name}">([^<]*)<`).exec(html)?.[1];
    expect(field('gate')?.trim()).toBe('Cat Bi International Airport');
    expect(field('year')).toBe('2025');
    expect(field('generated-at')).toBe('2026-01-05T03:00:00.000Z');
    // (8520 + 2184) online hours of (8760 + 4368) observed.
    expect(field('gate-uptime')).toBe('81.5 %');
    expect(field('total-plays')).toBe('4');
    expect(field('announcement-count')).toBe('2');
    expect(field('announcements-shown-everywhere')).toBe('1');

    const rowOf = (needle: string) =>
      html.split('\n').find((line) => line.startsWith('<tr>') && line.includes(needle));
    expect(rowOf('cat-bi-arr-01')).toContain('<td>8,760</td><td>8,520</td><td>97.3 %</td>');
    expect(rowOf('cat-bi-dep-01')).toContain('<td>4,368</td><td>2,184</td><td>50.0 %</td>');
    expect(rowOf('cat-bi-dep-01')).toContain('Gate &#60;b&#62;12&#60;/b&#62; &#38; lounge');
    expect(html).not.toContain('port-term-01');
    expect(rowOf('harbour-video')).toContain('<td>—</td><td>1</td><td>45</td><td>45</td>');
    expect(rowOf('<td>welcome</td><td>vi</td>')).toContain('<td>2</td><td>16</td><td>8</td>');
    expect(html).not.toContain('last-year');
    expect(rowOf('Cảnh báo bão số 3')).toContain('<td>2 / 2</td><td>1.9</td>');
    expect(rowOf('Đổi cửa ra tàu bay')).toContain('<td>1 / 2</td><td>0.8</td>');
    expect(html).not.toContain('Tàu khách đến muộn');
    expect(rowOf('Cảnh báo bão số 3')).toContain('đã hết hạn <span class="en" lang="en">/ expired</span>');
    // Both languages in the headings, and a page made for printing.
    expect(html).toContain(
      'Thời gian hoạt động của màn hình <span class="en" lang="en">/ Screen uptime</span>',
    );
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script/i);
  });

  it('counts a screen enrolled before presence was recorded from its enrolment, in its last known state', async () => {
    await enrol(ctx.devices, 'cat-bi-old-01', { name: 'Older screen' });
    ctx.db
      .prepare('UPDATE devices SET created_at = ? WHERE id = ?')
      .run(local('2025-01-01'), 'cat-bi-old-01');
    await ctx.devices.setPresence('cat-bi-old-01', 'online', local('2025-07-03'));
    // As a store migrated to presence history would have it: the row, no history.
    ctx.db.prepare('DELETE FROM presence_log WHERE device_id = ?').run('cat-bi-old-01');
    ctx.clock.now = new Date('2026-01-05T03:00:00.000Z');
    const html = (await ctx.get(admin, '/api/v1/reports/yearly?gate=cat-bi-airport&year=2025')).text;
    const row = html.split('\n').find((line) => line.includes('cat-bi-old-01'));
    // Offline (unseen) for the first half, online from 3 July: 4,368 of 8,760 hours.
    expect(row).toContain('<td>8,760</td><td>4,368</td><td>49.9 %</td>');
    // (8520 + 2184 + 4368) of (8760 + 4368 + 8760) hours.
    expect(html).toContain('data-field="gate-uptime">68.9 %<');
  });

  it('stops the current year at now, and scopes the report to gates the caller may read', async () => {
    ctx.clock.now = new Date(local('2025-07-03'));
    const partial = (await ctx.get(admin, '/api/v1/reports/yearly?gate=cat-bi-airport&year=2025')).text;
    // 183 days of 2025 have passed; arrivals was down ten of them.
    expect(partial).toContain('<td>4,392</td><td>4,152</td><td>94.5 %</td>');

    const refused = await ctx.get(portViewer, '/api/v1/reports/yearly?gate=cat-bi-airport&year=2025');
    expect(refused.status).toBe(403);
    expect(refused.json().error.code).toBe('FORBIDDEN');
    expect((await ctx.get(portViewer, '/api/v1/reports/yearly?gate=hai-phong-port&year=2025')).status).toBe(
      200,
    );
    const unknown = await ctx.get(admin, '/api/v1/reports/yearly?gate=da-nang&year=2025');
    expect(unknown.status).toBe(404);
    const future = await ctx.get(admin, '/api/v1/reports/yearly?gate=cat-bi-airport&year=2031');
    expect(future.status).toBe(400);
    expect(future.json().error.message).toContain('has not begun');
  });
});
