import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LibraryMedia } from '../../../src/library/media-catalog.js';
import { eventually } from '../devices/fleet-harness.js';
import { startContentApp, type ContentApp } from './content-app.js';

const VIDEO_SHA = 'c'.repeat(64);

const video: LibraryMedia = {
  sha256: VIDEO_SHA,
  name: 'hai-phong-port-pan.webm',
  kind: 'video',
  contentType: 'video/webm',
  sizeBytes: 52_000,
  probe: { durationSec: 12, width: 1280, height: 720, codec: 'vp9', frameRate: 25, bitRate: null },
  warnings: [],
  uploadedBy: 'u-editor',
  uploadedAt: '2026-11-26T08:00:00.000Z',
};

/** What operators write is checked before it is stored: each refusal names its reason. */
describe('content checks', () => {
  let h: ContentApp;
  let admin: { id: string; token: string };
  let editor: { id: string; token: string };

  beforeEach(async () => {
    h = await startContentApp();
    h.media.set(VIDEO_SHA, video);
    admin = await h.addUser('admin', [{ role: 'admin', gateId: null }]);
    editor = await h.addUser('lan.editor', [{ role: 'editor', gateId: 'cat-bi-airport' }]);
  });
  afterEach(() => h.close());

  const item = (token: string, gateId: string | null, spec: unknown, name = 'Item') =>
    h.as(token, 'POST', '/api/v1/content/items', { gateId, name, spec });

  it('refuses a text whose glyphs no screen font draws, naming the language and code point', async () => {
    const answer = await item(editor.token, 'cat-bi-airport', {
      kind: 'text',
      body: { vi: 'Chào mừng', en: 'Welcome \uE000' },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('GLYPHS_MISSING');
    expect(answer.body.error.message).toMatch(/en: .*U\+E000/);
  });

  it('refuses media the library does not hold, or of another kind', async () => {
    const unknown = await item(editor.token, 'cat-bi-airport', { kind: 'image', sha256: 'd'.repeat(64) });
    expect([unknown.status, unknown.body.error.code]).toEqual([422, 'CONTENT_REFUSED']);
    expect(unknown.body.error.message).toMatch(/no image .* in the media library/);
    const wrongKind = await item(editor.token, 'cat-bi-airport', { kind: 'image', sha256: VIDEO_SHA });
    expect(wrongKind.body.error.message).toMatch(/is a video, not a image/);
    expect((await item(editor.token, 'cat-bi-airport', { kind: 'video', sha256: VIDEO_SHA })).status).toBe(
      201,
    );
  });

  it('refuses a web page that is not on the allow-list of every gate it may reach', async () => {
    const url = 'https://www.haiphong.gov.vn/tin-tuc';
    const refused = await item(editor.token, 'cat-bi-airport', { kind: 'web', url });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'CONTENT_REFUSED']);
    expect(refused.body.error.message).toMatch(/not on the web allow-list of gate cat-bi-airport/);

    h.allowLists.set('cat-bi-airport', ['https://www.haiphong.gov.vn']);
    expect((await item(editor.token, 'cat-bi-airport', { kind: 'web', url })).status).toBe(201);
    // Fleet-wide work may reach the port too, whose list does not have it.
    const fleetWide = await item(admin.token, null, { kind: 'web', url });
    expect(fleetWide.body.error.message).toMatch(/allow-list of gate hai-phong-port/);
  });

  it('refuses a fleet-wide schedule reaching a gate whose allow-list lacks its web page', async () => {
    h.allowLists.set('cat-bi-airport', ['https://*.haiphong.gov.vn']);
    const page = await item(editor.token, 'cat-bi-airport', {
      kind: 'web',
      url: 'https://cang.haiphong.gov.vn/',
    });
    const playlist = await h.as(editor.token, 'POST', '/api/v1/content/playlists', {
      gateId: 'cat-bi-airport',
      name: 'Pages',
      spec: { entries: [{ itemId: page.body.work.id }] },
    });
    // A gate's schedule of its own playlist is fine; targets outside the gate are refused.
    const outside = await h.as(editor.token, 'POST', '/api/v1/content/schedules', {
      gateId: 'cat-bi-airport',
      name: 'Port too',
      spec: { playlistId: playlist.body.work.id, targets: { gates: ['hai-phong-port'] } },
    });
    expect([outside.status, outside.body.error.message]).toEqual([
      400,
      'gate hai-phong-port is not at gate cat-bi-airport, which owns this schedule',
    ]);
  });

  it('refuses gate work using another gate’s parts, and fleet-wide work using any gate’s', async () => {
    const portItem = await item(admin.token, 'hai-phong-port', { kind: 'text', body: { vi: 'Bến tàu' } });
    const mixed = await h.as(editor.token, 'POST', '/api/v1/content/playlists', {
      gateId: 'cat-bi-airport',
      name: 'Mixed',
      spec: { entries: [{ itemId: portItem.body.work.id }] },
    });
    expect(mixed.body.error.message).toMatch(/cannot use i-.* which belongs to gate hai-phong-port/);
  });

  it('refuses an editor writing at a gate they hold no grant for, or fleet-wide', async () => {
    const port = await item(editor.token, 'hai-phong-port', { kind: 'text', body: { vi: 'Bến tàu' } });
    expect([port.status, port.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const fleet = await item(editor.token, null, { kind: 'text', body: { vi: 'Chào' } });
    expect(fleet.status).toBe(403);
  });

  it('refuses deleting an item a playlist uses (CONFLICT), and tells the library what uses a file', async () => {
    const clip = await item(editor.token, 'cat-bi-airport', { kind: 'video', sha256: VIDEO_SHA });
    const id = clip.body.work.id;
    await h.as(editor.token, 'POST', '/api/v1/content/playlists', {
      id: 'arrivals-loop',
      gateId: 'cat-bi-airport',
      name: 'Arrivals loop',
      spec: { entries: [{ itemId: id }] },
    });
    expect(await h.content.usedBy(VIDEO_SHA)).toEqual([`item ${id} "Item" (draft r1)`]);
    const removed = await h.as(editor.token, 'DELETE', `/api/v1/content/${id}`);
    expect([removed.status, removed.body.error.message]).toEqual([
      409,
      `${id} is used by arrivals-loop; remove it there first`,
    ]);
    expect((await h.as(editor.token, 'DELETE', '/api/v1/content/arrivals-loop')).status).toBe(204);
    expect((await h.as(editor.token, 'DELETE', `/api/v1/content/${id}`)).status).toBe(204);
    expect(await h.content.usedBy(VIDEO_SHA)).toEqual([]);
  });

  it('refuses a malformed spec, or an own id that names a list, with a readable reason', async () => {
    const answer = await h.as(editor.token, 'POST', '/api/v1/content/schedules', {
      gateId: 'cat-bi-airport',
      name: 'Bad',
      spec: { playlistId: 'p-x', windows: [{ from: '25:00', to: '06:00' }] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/windows.*HH:MM/);
    const named = await h.as(editor.token, 'POST', '/api/v1/content/items', {
      id: 'items',
      gateId: 'cat-bi-airport',
      name: 'Clash',
      spec: { kind: 'text', body: { vi: 'Chào' } },
    });
    expect([named.status, named.body.error.message]).toEqual([400, expect.stringMatching(/reserved name/)]);
  });

  it('sets a layout per gate, zone and device, and the screen gets it at once', async () => {
    const screen = await h.screen('cat-bi-arr-01');
    const set = await h.as(admin.token, 'PUT', '/api/v1/layouts', {
      gateId: 'cat-bi-airport',
      zoneId: 'arrivals-hall',
      layout: { kind: 'main-ticker', orientation: 'portrait', transition: 'cut' },
    });
    expect(set.status).toBe(200);
    await eventually(() =>
      expect(screen.latest()?.content.layout).toEqual({
        kind: 'main-ticker',
        orientation: 'portrait',
        transition: 'cut',
      }),
    );
    const denied = await h.as(editor.token, 'PUT', '/api/v1/layouts', {
      gateId: 'hai-phong-port',
      layout: { kind: 'full' },
    });
    expect(denied.status).toBe(403);
    const removed = await h.as(
      admin.token,
      'DELETE',
      '/api/v1/layouts?gate=cat-bi-airport&zone=arrivals-hall',
    );
    expect(removed.status).toBe(204);
    await eventually(() => expect(screen.latest()?.content.layout.kind).toBe('full'));
    const entries = (await h.audit.search({ action: 'layout.set' })).entries.reverse();
    expect(entries.map((entry) => [entry.outcome, entry.gateId])).toEqual([
      ['ok', 'cat-bi-airport'],
      ['denied', 'hai-phong-port'],
    ]);
  });
});
