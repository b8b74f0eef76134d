import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../devices/fleet-harness.js';
import { scheduledItemIds, startContentApp, type ContentApp, type Screen } from './content-app.js';

/**
 * The must-show: an editor's content reaches a screen's desired document (on the real
 * broker) only once an approver other than the author has approved it and it is published;
 * editing it withdraws it until it is approved again.
 */
describe('approval before content reaches a screen', () => {
  let h: ContentApp;
  let editor: { id: string; token: string };
  let approver: { id: string; token: string };
  let screen: Screen;

  beforeEach(async () => {
    h = await startContentApp();
    editor = await h.addUser('lan.editor', [{ role: 'editor', gateId: 'cat-bi-airport' }]);
    approver = await h.addUser('minh.approver', [{ role: 'approver', gateId: 'cat-bi-airport' }]);
    screen = await h.screen('cat-bi-arr-01');
  });
  afterEach(() => h.close());

  /** An editor's text in a playlist on a schedule for the whole airport: three drafts. */
  async function draftNotice(): Promise<{ item: string; playlist: string; schedule: string }> {
    const item = await h.as(editor.token, 'POST', '/api/v1/content/items', {
      gateId: 'cat-bi-airport',
      name: 'Passport control',
      spec: { kind: 'text', body: { vi: 'Vui lòng xuất trình hộ chiếu', en: 'Please show your passport' } },
    });
    expect(item.status).toBe(201);
    const playlist = await h.as(editor.token, 'POST', '/api/v1/content/playlists', {
      gateId: 'cat-bi-airport',
      name: 'Arrivals notices',
      spec: { entries: [{ itemId: item.body.work.id }] },
    });
    expect(playlist.status).toBe(201);
    const schedule = await h.as(editor.token, 'POST', '/api/v1/content/schedules', {
      gateId: 'cat-bi-airport',
      name: 'Arrivals all day',
      spec: { playlistId: playlist.body.work.id, layer: 'official' },
    });
    expect(schedule.status).toBe(201);
    return { item: item.body.work.id, playlist: playlist.body.work.id, schedule: schedule.body.work.id };
  }

  async function step(token: string, id: string, action: string, comment?: string) {
    return h.as(token, 'POST', `/api/v1/content/${id}/${action}`, comment ? { comment } : {});
  }

  async function approveAndPublish(ids: string[]): Promise<void> {
    for (const id of ids) {
      expect((await step(editor.token, id, 'submit')).status).toBe(200);
      expect(
        (await step(approver.token, id, 'approve', 'Wording checked with the border guard')).status,
      ).toBe(200);
      expect((await step(approver.token, id, 'publish')).status).toBe(200);
    }
  }

  const stored = () => h.harness.desired.latest('cat-bi-arr-01');

  it('reaches the screen only after another user approves and publishes it', async () => {
    const { item, playlist, schedule } = await draftNotice();
    const before = (await stored())?.version;
    for (const id of [item, playlist, schedule])
      expect((await step(editor.token, id, 'submit')).status).toBe(200);
    expect(scheduledItemIds(await stored())).toEqual([]);

    for (const id of [item, playlist, schedule]) {
      expect((await step(approver.token, id, 'approve', 'Checked')).status).toBe(200);
    }
    // Approved is not yet published: still nothing on the screen, and no new version.
    expect(scheduledItemIds(await stored())).toEqual([]);
    expect((await stored())?.version).toBe(before);

    for (const id of [item, playlist]) expect((await step(approver.token, id, 'publish')).status).toBe(200);
    // Everything but the schedule is live: an entry needs every part published.
    expect(scheduledItemIds(await stored())).toEqual([]);
    expect((await step(approver.token, schedule, 'publish')).status).toBe(200);

    expect(scheduledItemIds(await stored())).toEqual([item]);
    await eventually(() => expect(scheduledItemIds(screen.latest())).toEqual([item]));
    expect(screen.latest()?.content.schedule[0]).toMatchObject({
      id: schedule,
      layer: 'official',
      zone: 'main',
    });
  });

  it('refuses the author approving their own work with FORBIDDEN, and audits the refusal', async () => {
    // An editor who is also an approver at the gate: the rule is about the person, not the role.
    const both = await h.addUser('hoa.both', [
      { role: 'editor', gateId: 'cat-bi-airport' },
      { role: 'approver', gateId: 'cat-bi-airport' },
    ]);
    const created = await h.as(both.token, 'POST', '/api/v1/content/items', {
      gateId: 'cat-bi-airport',
      name: 'Own notice',
      spec: { kind: 'text', body: { vi: 'Chào mừng', en: 'Welcome' } },
    });
    const id = created.body.work.id;
    expect((await step(both.token, id, 'submit')).status).toBe(200);
    const own = await step(both.token, id, 'approve', 'I wrote it, so it is fine');
    expect(own.status).toBe(403);
    expect(own.body.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(own.body.error.message).toMatch(/author cannot approve their own work/);
    expect((await h.as(both.token, 'GET', `/api/v1/content/${id}`)).body.work.state).toBe('submitted');

    const entries = (await h.audit.search({ action: 'content.approve' })).entries;
    expect(entries[0]).toMatchObject({ outcome: 'denied', objectId: id, gateId: 'cat-bi-airport' });
  });

  it('refuses an approval without a comment, and an editor without content.approve', async () => {
    const { item } = await draftNotice();
    await step(editor.token, item, 'submit');
    expect((await step(approver.token, item, 'approve')).body.error.code).toBe('BAD_REQUEST');
    const editor2 = await h.addUser('tuan.editor', [{ role: 'editor', gateId: 'cat-bi-airport' }]);
    const answer = await step(editor2.token, item, 'approve', 'ok');
    expect([answer.status, answer.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('withdraws edited content from the screen until it is approved and published again', async () => {
    const ids = await draftNotice();
    await approveAndPublish([ids.item, ids.playlist, ids.schedule]);
    await eventually(() => expect(scheduledItemIds(screen.latest())).toEqual([ids.item]));

    const edited = await h.as(editor.token, 'PATCH', `/api/v1/content/${ids.item}`, {
      spec: { kind: 'text', body: { vi: 'Vui lòng xếp hàng', en: 'Please queue here' } },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.work).toMatchObject({ state: 'draft', revision: 2, reviewerId: null });
    // Its only item is withdrawn, so the entry is gone from the screen's document.
    expect(scheduledItemIds(await stored())).toEqual([]);
    await eventually(() => expect(scheduledItemIds(screen.latest())).toEqual([]));

    await approveAndPublish([ids.item]);
    await eventually(() => expect(scheduledItemIds(screen.latest())).toEqual([ids.item]));
    const body = screen.latest()?.content.schedule[0]?.items[0];
    expect(body).toMatchObject({ kind: 'text', body: { en: 'Please queue here' } });

    const actions = (await h.audit.search({ objectId: ids.item })).entries
      .map((entry: { action: string }) => entry.action)
      .reverse();
    expect(actions).toEqual([
      'content.item-create',
      'content.submit',
      'content.approve',
      'content.publish',
      'content.edit',
      'content.submit',
      'content.approve',
      'content.publish',
    ]);
  });

  it('lists what waits for an approver, never their own work', async () => {
    const { item, playlist } = await draftNotice();
    await step(editor.token, item, 'submit');
    await step(editor.token, playlist, 'submit');
    await step(approver.token, playlist, 'approve', 'ok');
    const queue = await h.as(approver.token, 'GET', '/api/v1/approvals');
    expect(queue.status).toBe(200);
    expect(queue.body.toReview.map((work: { id: string }) => work.id)).toEqual([item]);
    expect(queue.body.toPublish.map((work: { id: string }) => work.id)).toEqual([playlist]);
    expect((await h.as(editor.token, 'GET', '/api/v1/approvals')).body.toReview).toEqual([]);
  });

  it('only publishes a new version to screens whose document changed', async () => {
    const port = await h.screen('port-term-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
    const portVersion = port.latest()?.version;
    const ids = await draftNotice();
    await approveAndPublish([ids.item, ids.playlist, ids.schedule]);
    await eventually(() => expect(scheduledItemIds(screen.latest())).toEqual([ids.item]));
    expect((await h.harness.desired.latest('port-term-01'))?.version).toBe(portVersion);
    expect(port.documents).toHaveLength(1);
  });
});
