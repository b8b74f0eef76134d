import { evaluateSchedule } from '@gatecast/protocol/schedule';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  publishedTemplate,
  SCREENS,
  startAnnouncementsApp,
  type AnnouncementsApp,
} from './announcements-app.js';

const CAT_BI = 'cat-bi-airport';
const PORT = 'hai-phong-port';
const FREE_TEXT = {
  title: { vi: 'Thông báo khẩn', en: 'Urgent notice' },
  body: {
    vi: 'Chuyến bay VN1234 đến Cát Bi bị hoãn. Xin vui lòng chờ tại sảnh đến.',
    en: 'Flight VN1234 to Cat Bi is delayed. Please wait in the arrivals hall.',
  },
};

describe('urgent announcements over the API', () => {
  let ctx: AnnouncementsApp;
  let admin: string;
  let editor: string;
  let approver: string;
  let dutyA: string;
  let dutyB: string;
  let viewer: string;

  beforeEach(async () => {
    ctx = await startAnnouncementsApp();
    admin = await ctx.addUser('admin', [{ role: 'admin', gateId: null }]);
    editor = await ctx.addUser('editor.dic', [{ role: 'editor', gateId: null }]);
    approver = await ctx.addUser('approver.dfa', [{ role: 'approver', gateId: null }]);
    dutyA = await ctx.addUser('duty.lan', [{ role: 'duty-officer', gateId: CAT_BI }]);
    dutyB = await ctx.addUser('duty.minh', [{ role: 'duty-officer', gateId: CAT_BI }]);
    viewer = await ctx.addUser('viewer.city', [{ role: 'viewer', gateId: null }]);
  });

  afterEach(async () => {
    await ctx.close();
  });

  describe('templates', () => {
    it('can be fired only once written, approved by another person and published', async () => {
      const created = await ctx.call(editor, 'POST', '/api/v1/announcement-templates', {
        name: 'gate-closed',
        gateId: CAT_BI,
        body: { vi: 'Cửa khởi hành số 3 tạm đóng.', en: 'Departure gate 3 is closed.' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ state: 'draft', revision: 1, autoFire: false });
      const fire = () =>
        ctx.call(dutyA, 'POST', '/api/v1/announcements/fire', {
          template: 'gate-closed',
          targets: { gates: [CAT_BI] },
        });

      const draft = await fire();
      expect(draft.status).toBe(409);
      expect(draft.body.error.message).toContain('only a published template can be fired');

      const base = `/api/v1/announcement-templates/${created.body.id}`;
      expect((await ctx.call(editor, 'POST', `${base}/submit`, {})).status).toBe(200);
      // Writers do not approve: the editor lacks content.approve.
      const own = await ctx.call(editor, 'POST', `${base}/approve`, { comment: 'fine' });
      expect(own.status).toBe(403);
      const noComment = await ctx.call(approver, 'POST', `${base}/approve`, {});
      expect(noComment.status).toBe(400);
      const approved = await ctx.call(approver, 'POST', `${base}/approve`, { comment: 'wording checked' });
      expect(approved.body).toMatchObject({ state: 'approved', reviewComment: 'wording checked' });
      expect((await fire()).status).toBe(409);
      expect((await ctx.call(editor, 'POST', `${base}/publish`, {})).body.state).toBe('published');

      const fired = await fire();
      expect(fired.status).toBe(201);
      expect(fired.body).toMatchObject({ state: 'live', targeted: 3, templateId: created.body.id });

      // Editing the published template makes it a new draft: it cannot be fired until approved again.
      const edited = await ctx.call(editor, 'PATCH', base, {
        body: { vi: 'Cửa số 3 đóng.', en: 'Gate 3 closed.' },
      });
      expect(edited.body).toMatchObject({ state: 'draft', revision: 2 });
      expect((await fire()).status).toBe(409);
      // What was already fired keeps the text it went out with.
      const shown = await ctx.call(dutyA, 'GET', `/api/v1/announcements/${fired.body.id}`);
      expect(shown.body.body.en).toBe('Departure gate 3 is closed.');
    });

    it('an author who may approve still cannot approve their own template', async () => {
      const created = await ctx.call(admin, 'POST', '/api/v1/announcement-templates', {
        name: 'admin-written',
        body: { vi: 'Thông báo', en: 'Notice' },
      });
      const base = `/api/v1/announcement-templates/${created.body.id}`;
      await ctx.call(admin, 'POST', `${base}/submit`, {});
      const own = await ctx.call(admin, 'POST', `${base}/approve`, { comment: 'fine' });
      expect(own.status).toBe(403);
      expect(own.body.error.message).toBe('the author cannot approve their own work; another approver must');
      expect((await ctx.call(approver, 'POST', `${base}/approve`, { comment: 'fine' })).body.state).toBe(
        'approved',
      );
    });

    it('refuses a text with characters no screen font draws', async () => {
      const answer = await ctx.call(editor, 'POST', '/api/v1/announcement-templates', {
        name: 'boxes',
        body: { vi: 'Xin chào \uE000' },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('GLYPHS_MISSING');
      expect(answer.body.error.message).toContain('U+E000');
    });

    it('a template of one gate is fired only at that gate', async () => {
      const template = await publishedTemplate(ctx, editor, approver, { name: 'port-only', gateId: PORT });
      const answer = await ctx.call(admin, 'POST', '/api/v1/announcements/fire', {
        template: template.id,
        targets: { gates: [CAT_BI] },
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error.message).toContain('may be fired only there');
    });
  });

  describe('firing a template', () => {
    it('puts the announcement on exactly the targeted screens, over everything else', async () => {
      const template = await publishedTemplate(ctx, editor, approver);
      const fired = await ctx.call(dutyA, 'POST', '/api/v1/announcements/fire', {
        template: template.name,
        targets: { zones: [{ gateId: CAT_BI, zoneId: 'arrivals-hall' }] },
      });
      expect(fired.status).toBe(201);
      const entryId = `ann-${fired.body.id}`;
      expect(fired.body).toMatchObject({
        state: 'live',
        entryId,
        targeted: 2,
        startsAt: '2026-11-26T02:00:00.000Z',
        expiresAt: '2026-11-26T03:00:00.000Z',
      });
      expect(await ctx.announcementEntries(SCREENS.arrivals1)).toEqual([entryId]);
      expect(await ctx.announcementEntries(SCREENS.arrivals2)).toEqual([entryId]);
      expect(await ctx.announcementEntries(SCREENS.departures)).toEqual([]);
      expect(await ctx.announcementEntries(SCREENS.port)).toEqual([]);

      const document = await ctx.desired.latest(SCREENS.arrivals1);
      const entry = document?.content.schedule.find((candidate) => candidate.id === entryId);
      expect(entry).toMatchObject({
        layer: 'announcement',
        zone: 'main',
        notBefore: '2026-11-26T02:00:00.000Z',
        notAfter: '2026-11-26T03:00:00.000Z',
        items: [{ kind: 'text', id: entryId, title: { vi: 'Cảnh báo bão', en: 'Typhoon warning' } }],
      });
      // What the screen evaluates: the announcement covers main.
      const plan = evaluateSchedule(document!, { now: ctx.clock.now, trusted: true });
      expect(plan.zones.main).toMatchObject({ layer: 'announcement', entryId });
    });

    it('needs the fire permission at every targeted gate; "all" needs a fleet-wide grant', async () => {
      const template = await publishedTemplate(ctx, editor, approver);
      const fire = (token: string, targets: unknown) =>
        ctx.call(token, 'POST', '/api/v1/announcements/fire', { template: template.id, targets });
      const port = await fire(dutyA, { gates: [PORT] });
      expect(port.status).toBe(403);
      expect(port.body.error.message).toBe('duty.lan may not announcements.fire at gate hai-phong-port');
      const mixed = await fire(dutyA, { gates: [CAT_BI], zones: [{ gateId: PORT, zoneId: 'terminal' }] });
      expect(mixed.status).toBe(403);
      const all = await fire(dutyA, { all: true });
      expect(all.status).toBe(403);
      expect(all.body.error.message).toContain('on all gates');
      expect((await fire(viewer, { gates: [CAT_BI] })).status).toBe(403);
      expect((await fire(editor, { gates: [CAT_BI] })).status).toBe(403);

      const everywhere = await fire(admin, { all: true });
      expect(everywhere.status).toBe(201);
      expect(everywhere.body.targeted).toBe(4);
      for (const screen of Object.values(SCREENS)) {
        expect(await ctx.announcementEntries(screen)).toEqual([`ann-${everywhere.body.id}`]);
      }
      const denied = await ctx.audit.search({ outcome: 'denied', limit: 50 });
      expect(denied.entries.some((entry) => entry.action === 'announcement.fire')).toBe(true);
    });

    it('refuses unknown targets and unreasonable times with a clear reason', async () => {
      const template = await publishedTemplate(ctx, editor, approver);
      const fire = (extra: Record<string, unknown>) =>
        ctx.call(admin, 'POST', '/api/v1/announcements/fire', {
          template: template.id,
          targets: { gates: [CAT_BI] },
          ...extra,
        });
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [{ targets: { gates: ['da-nang'] } }, 404, 'gate da-nang does not exist'],
        [{ targets: { zones: [{ gateId: CAT_BI, zoneId: 'roof' }] } }, 404, 'has no zone roof'],
        [{ targets: {} }, 400, 'name at least one gate or zone'],
        [{ durationSec: 8 * 86_400 }, 400, ''],
        [{ expiresAt: '2026-11-26T01:00:00Z' }, 400, 'already past'],
        [{ startAt: '2026-11-26T05:00:00Z', expiresAt: '2026-11-26T04:00:00Z' }, 400, 'after the start'],
        [{ expiresAt: '2026-12-24T00:00:00Z' }, 400, '7 days at most'],
        [{ expiresAt: '2026-11-26T04:00:00Z', durationSec: 600 }, 400, 'not both'],
      ];
      for (const [extra, status, message] of cases) {
        const answer = await fire(extra);
        expect(answer.status, JSON.stringify(extra)).toBe(status);
        expect(answer.body.error.message).toContain(message);
      }
    });

    it('a later start is scheduled: the screens carry it and show it from its start', async () => {
      const template = await publishedTemplate(ctx, editor, approver);
      const fired = await ctx.call(dutyA, 'POST', '/api/v1/announcements/fire', {
        template: template.id,
        targets: { gates: [CAT_BI] },
        startAt: '2026-11-26T02:30:00Z',
        durationSec: 600,
      });
      expect(fired.body).toMatchObject({ state: 'scheduled', expiresAt: '2026-11-26T02:40:00.000Z' });
      const document = (await ctx.desired.latest(SCREENS.departures))!;
      expect(evaluateSchedule(document, { now: ctx.clock.now, trusted: true }).zones.main?.layer).not.toBe(
        'announcement',
      );
      const atStart = evaluateSchedule(document, { now: new Date('2026-11-26T02:30:00Z'), trusted: true });
      expect(atStart.zones.main?.layer).toBe('announcement');
    });
  });

  describe('free text: the two-person rule', () => {
    it('needs a second, different person to approve before it reaches any screen', async () => {
      const sent = await ctx.call(dutyA, 'POST', '/api/v1/announcements', {
        ...FREE_TEXT,
        targets: { gates: [CAT_BI] },
      });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ state: 'awaiting-approval', targeted: 0, createdByName: 'duty.lan' });
      const id = sent.body.id as string;
      for (const screen of Object.values(SCREENS)) expect(await ctx.announcementEntries(screen)).toEqual([]);

      const self = await ctx.call(dutyA, 'POST', `/api/v1/announcements/${id}/approve`, {
        comment: 'urgent',
      });
      expect(self.status).toBe(403);
      expect(self.body.error.code).toBe('FORBIDDEN');
      expect(self.body.error.message).toContain('two-person rule');
      expect(self.body.error.message).toContain('duty.lan wrote this announcement');
      for (const screen of Object.values(SCREENS)) expect(await ctx.announcementEntries(screen)).toEqual([]);

      // The admin holds every permission, and is still a different person: that is what counts.
      const noComment = await ctx.call(dutyB, 'POST', `/api/v1/announcements/${id}/approve`, {});
      expect(noComment.status).toBe(400);
      const approved = await ctx.call(dutyB, 'POST', `/api/v1/announcements/${id}/approve`, {
        comment: 'confirmed by phone',
      });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ state: 'live', approvedByName: 'duty.minh', targeted: 3 });
      expect(await ctx.announcementEntries(SCREENS.arrivals1)).toEqual([`ann-${id}`]);
      expect(await ctx.announcementEntries(SCREENS.departures)).toEqual([`ann-${id}`]);
      expect(await ctx.announcementEntries(SCREENS.port)).toEqual([]);

      const again = await ctx.call(dutyB, 'POST', `/api/v1/announcements/${id}/approve`, {
        comment: 'twice',
      });
      expect(again.status).toBe(409);

      const trail = await ctx.audit.search({ objectType: 'announcement', objectId: id, limit: 20 });
      expect(
        trail.entries.map((entry) => [entry.action, entry.actor?.name, entry.outcome]).reverse(),
      ).toEqual([
        ['announcement.send', 'duty.lan', 'ok'],
        ['announcement.approve', 'duty.lan', 'denied'],
        ['announcement.approve', 'duty.minh', 'failed'],
        ['announcement.approve', 'duty.minh', 'ok'],
        ['announcement.approve', 'duty.minh', 'failed'],
      ]);
    });

    it('a rejected text never reaches a screen; the approver must hold announcements.approve there', async () => {
      const sent = await ctx.call(dutyA, 'POST', '/api/v1/announcements', {
        ...FREE_TEXT,
        targets: { gates: [CAT_BI] },
      });
      const id = sent.body.id as string;
      const portDuty = await ctx.addUser('duty.port', [{ role: 'duty-officer', gateId: PORT }]);
      expect(
        (await ctx.call(portDuty, 'POST', `/api/v1/announcements/${id}/approve`, { comment: 'ok' })).status,
      ).toBe(404);
      expect(
        (await ctx.call(editor, 'POST', `/api/v1/announcements/${id}/approve`, { comment: 'ok' })).status,
      ).toBe(403);
      const rejected = await ctx.call(dutyB, 'POST', `/api/v1/announcements/${id}/reject`, {
        comment: 'wrong flight number',
      });
      expect(rejected.body).toMatchObject({ state: 'rejected', reviewComment: 'wrong flight number' });
      expect(
        (await ctx.call(admin, 'POST', `/api/v1/announcements/${id}/approve`, { comment: 'ok' })).status,
      ).toBe(409);
      for (const screen of Object.values(SCREENS)) expect(await ctx.announcementEntries(screen)).toEqual([]);
    });

    it('refuses glyphs no font draws before anyone is asked to approve', async () => {
      const answer = await ctx.call(dutyA, 'POST', '/api/v1/announcements', {
        body: { vi: 'Khẩn \uE000\uE001' },
        targets: { gates: [CAT_BI] },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('GLYPHS_MISSING');
    });
  });

  describe('cancel and expiry', () => {
    it('cancelling takes it off every targeted screen at once', async () => {
      const template = await publishedTemplate(ctx, editor, approver);
      const fired = await ctx.call(dutyA, 'POST', '/api/v1/announcements/fire', {
        template: template.id,
        targets: { gates: [CAT_BI] },
      });
      const id = fired.body.id as string;
      expect(await ctx.announcementEntries(SCREENS.arrivals1)).toEqual([`ann-${id}`]);
      const versionBefore = (await ctx.desired.latest(SCREENS.arrivals1))?.version ?? 0;

      expect((await ctx.call(viewer, 'POST', `/api/v1/announcements/${id}/cancel`)).status).toBe(403);
      const cancelled = await ctx.call(dutyB, 'POST', `/api/v1/announcements/${id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.state).toBe('cancelled');
      for (const screen of [SCREENS.arrivals1, SCREENS.arrivals2, SCREENS.departures]) {
        expect(await ctx.announcementEntries(screen)).toEqual([]);
        // Published too, not only stored.
        const last = ctx.published.get(screen)?.at(-1);
        expect(last?.content.schedule.some((entry) => entry.id === `ann-${id}`)).toBe(false);
      }
      expect((await ctx.desired.latest(SCREENS.arrivals1))!.version).toBeGreaterThan(versionBefore);
      expect((await ctx.call(dutyB, 'POST', `/api/v1/announcements/${id}/cancel`)).status).toBe(409);
    });

    it('an expired announcement disappears from every screen: each drops it by itself, and the fleet recomposes', async () => {
      const template = await publishedTemplate(ctx, editor, approver);
      const fired = await ctx.call(admin, 'POST', '/api/v1/announcements/fire', {
        template: template.id,
        targets: { all: true },
        durationSec: 300,
      });
      const entryId = `ann-${fired.body.id}`;
      const documents = await Promise.all(
        Object.values(SCREENS).map(async (screen) => (await ctx.desired.latest(screen))!),
      );
      for (const document of documents)
        expect(document.content.schedule.map((entry) => entry.id)).toContain(entryId);

      // Past the expiry, a screen that never hears from the fleet again no longer shows it.
      const afterExpiry = new Date('2026-11-26T02:05:00.000Z');
      for (const document of documents) {
        const plan = evaluateSchedule(document, { now: afterExpiry, trusted: true });
        expect(plan.zones.main?.entryId).not.toBe(entryId);
      }
      // And the fleet's sweep recomposes every screen without it.
      ctx.clock.now = afterExpiry;
      await ctx.announcements.service.sweep();
      for (const screen of Object.values(SCREENS)) expect(await ctx.announcementEntries(screen)).toEqual([]);
      const listed = await ctx.call(viewer, 'GET', '/api/v1/announcements?state=expired');
      expect(listed.body.announcements.map((a: { id: string }) => a.id)).toEqual([fired.body.id]);
      expect((await ctx.call(admin, 'POST', `/api/v1/announcements/${fired.body.id}/cancel`)).status).toBe(
        409,
      );
    });
  });

  describe('receipts', () => {
    it('counts the targeted screens that confirmed it, with their screenshot hash and delay', async () => {
      const template = await publishedTemplate(ctx, editor, approver);
      const fired = await ctx.call(dutyA, 'POST', '/api/v1/announcements/fire', {
        template: template.id,
        targets: { gates: [CAT_BI] },
      });
      const id = fired.body.id as string;
      const hash = 'a'.repeat(64);
      await ctx.deviceEvents.save(
        SCREENS.arrivals1,
        {
          id: 'receipt-0001',
          at: '2026-11-26T02:00:01.000Z',
          kind: 'announcement-shown',
          entryId: `ann-${id}`,
          itemId: `ann-${id}`,
          language: 'vi',
          shownAt: '2026-11-26T02:00:01.000Z',
          screenshotSha256: hash,
        },
        '2026-11-26T02:00:01.400Z',
      );
      // A receipt for another announcement does not count.
      await ctx.deviceEvents.save(
        SCREENS.arrivals2,
        {
          id: 'receipt-0002',
          at: '2026-11-26T02:00:01.000Z',
          kind: 'announcement-shown',
          entryId: 'ann-000000000000',
          itemId: 'x',
          language: null,
          shownAt: '2026-11-26T02:00:01.000Z',
          screenshotSha256: null,
        },
        '2026-11-26T02:00:01.400Z',
      );
      const receipts = await ctx.call(viewer, 'GET', `/api/v1/announcements/${id}/receipts`);
      expect(receipts.status).toBe(200);
      expect(receipts.body).toMatchObject({ targeted: 3, shown: 1, state: 'live' });
      expect(receipts.body.screens.at(-1)).toMatchObject({
        deviceId: SCREENS.arrivals1,
        shown: true,
        screenshotSha256: hash,
        language: 'vi',
        secondsFromFire: 1.4,
      });
      expect(receipts.body.screens.filter((screen: { shown: boolean }) => !screen.shown)).toHaveLength(2);
      const detail = await ctx.call(viewer, 'GET', `/api/v1/announcements/${id}`);
      expect(detail.body).toMatchObject({ shown: 1, targeted: 3, receipts: { shown: 1 } });

      const portViewer = await ctx.addUser('viewer.port', [{ role: 'viewer', gateId: PORT }]);
      expect((await ctx.call(portViewer, 'GET', `/api/v1/announcements/${id}/receipts`)).status).toBe(404);
    });
  });
});
