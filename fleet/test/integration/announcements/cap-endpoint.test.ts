import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  publishedTemplate,
  SCREENS,
  startAnnouncementsApp,
  type AnnouncementsApp,
} from './announcements-app.js';

const CAP = 'application/cap+xml';

/** A CAP 1.2 alert as a provincial warning centre would send it: Vietnamese and English. */
function typhoonAlert(
  options: { identifier?: string; area?: string; eventCode?: string; expires?: string } = {},
): string {
  const area =
    options.area ??
    `<area><areaDesc>Cat Bi International Airport</areaDesc>
       <geocode><valueName>gatecast:gate</valueName><value>cat-bi-airport</value></geocode></area>`;
  const info = (language: string, headline: string, description: string) => `
  <info>
    <language>${language}</language>
    <category>Met</category>
    <event>Typhoon</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    ${options.eventCode ?? ''}
    <expires>${options.expires ?? '2026-11-26T12:00:00+07:00'}</expires>
    <headline>${headline}</headline>
    <description>${description}</description>
    ${area}
  </info>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${options.identifier ?? 'VN-HP-2026-0042'}</identifier>
  <sender>kttv.haiphong@example.vn</sender>
  <sent>2026-11-26T09:00:00+07:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  ${info('vi-VN', 'Bão số 9 &amp; gió mạnh', 'Bão số 9 đổ bộ vào Hải Phòng. Các chuyến bay có thể bị hoãn.')}
  ${info('en-US', 'Typhoon No. 9 &amp; strong winds', 'Typhoon No. 9 makes landfall in Hai Phong. Flights may be delayed.')}
</alert>`;
}

function cancelAlert(reference: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>VN-HP-2026-0043</identifier>
  <sender>kttv.haiphong@example.vn</sender>
  <sent>2026-11-26T09:20:00+07:00</sent>
  <status>Actual</status>
  <msgType>Cancel</msgType>
  <scope>Public</scope>
  <references>${reference}</references>
</alert>`;
}

describe('CAP 1.2 endpoint', () => {
  let ctx: AnnouncementsApp;
  let capToken: string;
  let dutyB: string;
  let editor: string;
  let approver: string;

  beforeEach(async () => {
    ctx = await startAnnouncementsApp();
    capToken = await ctx.addUser('cap.feed', [{ role: 'duty-officer', gateId: null }]);
    dutyB = await ctx.addUser('duty.minh', [{ role: 'duty-officer', gateId: null }]);
    editor = await ctx.addUser('editor.dic', [{ role: 'editor', gateId: null }]);
    approver = await ctx.addUser('approver.dfa', [{ role: 'approver', gateId: null }]);
  });

  afterEach(async () => {
    await ctx.close();
  });

  it('turns a free-text alert into an announcement awaiting approval, one language per <info>', async () => {
    const answer = await ctx.call(capToken, 'POST', '/api/v1/cap', typhoonAlert(), CAP);
    expect(answer.status).toBe(201);
    expect(answer.body.outcome).toBe('awaiting-approval');
    const [announcement] = answer.body.announcements;
    expect(announcement).toMatchObject({
      state: 'awaiting-approval',
      targets: { gates: ['cat-bi-airport'] },
      title: { vi: 'Bão số 9 & gió mạnh', en: 'Typhoon No. 9 & strong winds' },
      body: {
        vi: 'Bão số 9 đổ bộ vào Hải Phòng. Các chuyến bay có thể bị hoãn.',
        en: 'Typhoon No. 9 makes landfall in Hai Phong. Flights may be delayed.',
      },
      requestedExpiresAt: '2026-11-26T05:00:00.000Z',
      capSender: 'kttv.haiphong@example.vn',
      capIdentifier: 'VN-HP-2026-0042',
    });
    expect(await ctx.announcementEntries(SCREENS.arrivals1)).toEqual([]);

    // The same alert again changes nothing.
    const resent = await ctx.call(capToken, 'POST', '/api/v1/cap', typhoonAlert(), 'application/xml');
    expect(resent.status).toBe(200);
    expect(resent.body.outcome).toBe('already-received');
    expect(resent.body.announcements[0].id).toBe(announcement.id);

    // A second person approves: it goes out, until the expiry the alert gave.
    const approved = await ctx.call(dutyB, 'POST', `/api/v1/announcements/${announcement.id}/approve`, {
      comment: 'confirmed with the weather centre',
    });
    expect(approved.body).toMatchObject({
      state: 'live',
      expiresAt: '2026-11-26T05:00:00.000Z',
      targeted: 3,
    });
    expect(await ctx.announcementEntries(SCREENS.arrivals1)).toEqual([`ann-${announcement.id}`]);
    expect(await ctx.announcementEntries(SCREENS.port)).toEqual([]);

    // A Cancel alert referencing it takes it off the screens.
    const cancelled = await ctx.call(
      capToken,
      'POST',
      '/api/v1/cap',
      cancelAlert('kttv.haiphong@example.vn,VN-HP-2026-0042,2026-11-26T09:00:00+07:00'),
      CAP,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.outcome).toBe('cancelled');
    expect(cancelled.body.announcements[0].state).toBe('cancelled');
    expect(await ctx.announcementEntries(SCREENS.arrivals1)).toEqual([]);
  });

  it('fires a published autoFire template at once; no area means every gate the token may fire at', async () => {
    const template = await publishedTemplate(ctx, editor, approver, {
      name: 'typhoon-evacuate',
      autoFire: true,
    });
    const alert = typhoonAlert({
      identifier: 'VN-HP-2026-0050',
      area: '<area><areaDesc>Hai Phong city</areaDesc></area>',
      eventCode:
        '<eventCode><valueName>gatecast:template</valueName><value>typhoon-evacuate</value></eventCode>',
    });
    const answer = await ctx.call(capToken, 'POST', '/api/v1/cap', alert, CAP);
    expect(answer.status).toBe(201);
    expect(answer.body.outcome).toBe('fired');
    expect(answer.body.announcements[0]).toMatchObject({
      state: 'live',
      templateId: template.id,
      targets: { all: true },
      targeted: 4,
      capIdentifier: 'VN-HP-2026-0050',
    });
    for (const screen of Object.values(SCREENS)) {
      expect(await ctx.announcementEntries(screen)).toEqual([`ann-${answer.body.announcements[0].id}`]);
    }
  });

  it('a template not marked autoFire waits for approval like a free text', async () => {
    await publishedTemplate(ctx, editor, approver, { name: 'typhoon-evacuate', autoFire: false });
    const alert = typhoonAlert({
      eventCode:
        '<eventCode><valueName>gatecast:template</valueName><value>typhoon-evacuate</value></eventCode>',
    });
    const answer = await ctx.call(capToken, 'POST', '/api/v1/cap', alert, CAP);
    expect(answer.body.outcome).toBe('awaiting-approval');
  });

  it('takes in one alert sent twice at once only once', async () => {
    const answers = await Promise.all([
      ctx.call(capToken, 'POST', '/api/v1/cap', typhoonAlert(), CAP),
      ctx.call(capToken, 'POST', '/api/v1/cap', typhoonAlert(), CAP),
    ]);
    expect(answers.map((answer) => answer.body.outcome).sort()).toEqual([
      'already-received',
      'awaiting-approval',
    ]);
    expect(answers[0]?.body.announcements[0].id).toBe(answers[1]?.body.announcements[0].id);
  });

  it('refuses what is not a CAP 1.2 alert with a clear 400, and never expands entities', async () => {
    const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;</identifier></alert>`;
    const cases: Array<[string, string]> = [
      [billionLaughs, 'DOCTYPE'],
      ['<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</alert>', 'not well-formed XML'],
      [typhoonAlert().replace('cap:1.2', 'cap:1.1'), 'CAP 1.2 namespace'],
      [typhoonAlert().replace('<sender>kttv.haiphong@example.vn</sender>', ''), 'needs a non-empty <sender>'],
      [
        typhoonAlert().replace('<status>Actual</status>', '<status>Rumour</status>'),
        '<status> must be one of',
      ],
      [typhoonAlert().replace('<status>Actual</status>', '<status>Test</status>'), 'only Actual alerts'],
      [typhoonAlert().replaceAll('<urgency>Immediate</urgency>', ''), 'needs a non-empty <urgency>'],
      [typhoonAlert().replace('2026-11-26T09:00:00+07:00', 'yesterday'), '<sent> must be a time'],
      [typhoonAlert({ expires: '2026-11-26T08:00:00+07:00' }), 'already past'],
      [cancelAlert(''), 'must name the alerts it cancels'],
    ];
    for (const [xml, reason] of cases) {
      const answer = await ctx.call(capToken, 'POST', '/api/v1/cap', xml, CAP);
      expect(answer.status, reason).toBe(400);
      expect(answer.body.error.message, reason).toContain(reason);
    }
    const json = await ctx.call(capToken, 'POST', '/api/v1/cap', { alert: 'no' });
    expect(json.status).toBe(400);
    expect(json.body.error.message).toContain('application/cap+xml');
    const unknownGate = typhoonAlert({
      area: '<area><areaDesc>x</areaDesc><geocode><valueName>gatecast:gate</valueName><value>da-nang</value></geocode></area>',
    });
    expect((await ctx.call(capToken, 'POST', '/api/v1/cap', unknownGate, CAP)).status).toBe(404);
  });

  it('needs announcements.fire at the gates the alert names', async () => {
    const viewer = await ctx.addUser('viewer.city', [{ role: 'viewer', gateId: null }]);
    expect((await ctx.call(viewer, 'POST', '/api/v1/cap', typhoonAlert(), CAP)).status).toBe(403);
    const portFeed = await ctx.addUser('cap.port', [{ role: 'duty-officer', gateId: 'hai-phong-port' }]);
    const answer = await ctx.call(portFeed, 'POST', '/api/v1/cap', typhoonAlert(), CAP);
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toContain('at gate cat-bi-airport');
    // Without an area, the port feed's alert goes to the port only.
    const anywhere = await ctx.call(
      portFeed,
      'POST',
      '/api/v1/cap',
      typhoonAlert({ identifier: 'VN-HP-2026-0060', area: '<area><areaDesc>Hai Phong</areaDesc></area>' }),
      CAP,
    );
    expect(anywhere.body.announcements[0].targets).toEqual({ gates: ['hai-phong-port'] });
  });
});
