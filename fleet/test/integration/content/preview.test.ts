import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startContentApp, type ContentApp } from './content-app.js';

/** "What does screen X show at time T": the preview route over a real store and broker. */
describe('screen preview', () => {
  let h: ContentApp;
  let admin: { id: string; token: string };
  let approver: { id: string; token: string };

  beforeEach(async () => {
    h = await startContentApp();
    admin = await h.addUser('admin', [{ role: 'admin', gateId: null }]);
    approver = await h.addUser('minh.approver', [{ role: 'approver', gateId: null }]);
    await h.screen('cat-bi-arr-01');
  });
  afterEach(() => h.close());

  async function live(type: 'items' | 'playlists' | 'schedules', body: object): Promise<string> {
    const created = await h.as(admin.token, 'POST', `/api/v1/content/${type}`, body);
    expect(created.status).toBe(201);
    const id = created.body.work.id;
    await h.as(admin.token, 'POST', `/api/v1/content/${id}/submit`, {});
    await h.as(approver.token, 'POST', `/api/v1/content/${id}/approve`, { comment: 'ok' });
    expect((await h.as(approver.token, 'POST', `/api/v1/content/${id}/publish`, {})).status).toBe(200);
    return id;
  }

  it('shows the night schedule from 22:00 to 06:00 local time and the default loop around it', async () => {
    const item = await live('items', {
      gateId: 'cat-bi-airport',
      name: 'Night notice',
      spec: {
        kind: 'text',
        body: { vi: 'Cửa khẩu làm việc ban đêm', en: 'Night service' },
        durationSec: 3600,
      },
    });
    const playlist = await live('playlists', {
      gateId: 'cat-bi-airport',
      name: 'Night',
      spec: { entries: [{ itemId: item }] },
    });
    const schedule = await live('schedules', {
      gateId: 'cat-bi-airport',
      name: 'Overnight',
      spec: { playlistId: playlist, layer: 'official', windows: [{ from: '22:00', to: '06:00' }] },
    });

    // 21:00 local (UTC+7) for 10 hours: 1 h of the default loop, 8 h of the night, 1 h of default.
    const answer = await h.as(
      admin.token,
      'GET',
      '/api/v1/devices/cat-bi-arr-01/preview?at=2026-11-26T14:00:00.000Z&hours=10',
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      deviceId: 'cat-bi-arr-01',
      timeZone: 'Asia/Ho_Chi_Minh',
      truncated: false,
    });
    const night = answer.body.segments.filter(
      (segment: { entryId: string | null }) => segment.entryId === schedule,
    );
    expect(night[0]).toMatchObject({
      zone: 'main',
      from: '2026-11-26T15:00:00.000Z',
      itemId: item,
      kind: 'text',
      label: 'Cửa khẩu làm việc ban đêm',
      layer: 'official',
      source: 'schedule',
    });
    expect(night[night.length - 1].to).toBe('2026-11-26T23:00:00.000Z');
    expect(night).toHaveLength(8);
    const first = answer.body.segments[0];
    expect(first).toMatchObject({
      from: '2026-11-26T14:00:00.000Z',
      source: 'default',
      entryId: null,
      itemId: 'welcome',
    });
  });

  it('refuses a caller without content.read at the screen’s gate, and an unknown screen', async () => {
    const viewer = await h.addUser('port.viewer', [{ role: 'viewer', gateId: 'hai-phong-port' }]);
    const answer = await h.as(viewer.token, 'GET', '/api/v1/devices/cat-bi-arr-01/preview');
    expect([answer.status, answer.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await h.as(admin.token, 'GET', '/api/v1/devices/ghost-01/preview')).status).toBe(404);
    expect((await h.as(admin.token, 'GET', '/api/v1/devices/cat-bi-arr-01/preview?hours=1000')).status).toBe(
      400,
    );
  });
});
