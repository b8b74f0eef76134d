import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/program.js';
import { SCREENS, startAnnouncementsApp, type AnnouncementsApp } from './announcements-app.js';

interface Captured extends CliIo {
  out: string[];
  err: string[];
}

describe('gatecast announce', () => {
  let ctx: AnnouncementsApp;
  let url: string;
  let editor: string;
  let approver: string;
  let dutyA: string;
  let dutyB: string;

  const io = (token: string): Captured => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      env: { GATECAST_URL: url, GATECAST_TOKEN: token, HOME: '/nonexistent' },
      cwd: process.cwd(),
    };
  };
  const run = async (token: string, ...argv: string[]) => {
    const captured = io(token);
    const code = await runCli(['announce', ...argv], captured);
    return { code, out: captured.out.join(''), err: captured.err.join('') };
  };
  const receipt = (deviceId: string, entryId: string, n: number) =>
    ctx.deviceEvents.save(
      deviceId,
      {
        id: `receipt-${deviceId}-${n}`,
        at: '2026-11-26T02:00:02.000Z',
        kind: 'announcement-shown',
        entryId,
        itemId: entryId,
        language: 'vi',
        shownAt: '2026-11-26T02:00:02.000Z',
        screenshotSha256: 'c'.repeat(64),
      },
      '2026-11-26T02:00:02.500Z',
    );

  beforeEach(async () => {
    ctx = await startAnnouncementsApp();
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    editor = await ctx.addUser('editor.dic', [{ role: 'editor', gateId: null }]);
    approver = await ctx.addUser('approver.dfa', [{ role: 'approver', gateId: null }]);
    dutyA = await ctx.addUser('duty.lan', [{ role: 'duty-officer', gateId: 'cat-bi-airport' }]);
    dutyB = await ctx.addUser('duty.minh', [{ role: 'duty-officer', gateId: 'cat-bi-airport' }]);
  });

  afterEach(async () => {
    await ctx.close();
  });

  it('writes, approves and publishes a template, fires it, and follows the receipts live', async () => {
    const added = await run(
      editor,
      'templates',
      'add',
      'gate-change',
      '--text',
      'vi=Đổi cửa ra máy bay',
      '--text',
      'en=Gate change',
      '--json',
    );
    expect(added.code).toBe(0);
    expect(JSON.parse(added.out)).toMatchObject({
      state: 'draft',
      body: { vi: 'Đổi cửa ra máy bay', en: 'Gate change' },
    });
    expect((await run(editor, 'templates', 'submit', 'gate-change')).out).toContain('submitted');
    const own = await run(editor, 'templates', 'approve', 'gate-change', '--comment', 'mine');
    expect(own.code).toBe(1);
    expect(own.err).toBe('gatecast: FORBIDDEN: editor.dic may not content.approve on all gates\n');
    expect((await run(approver, 'templates', 'approve', 'gate-change', '--comment', 'ok')).code).toBe(0);
    expect((await run(editor, 'templates', 'publish', 'gate-change')).out).toContain('published');
    const list = await run(dutyA, 'templates', 'list');
    expect(list.out).toMatch(/gate-change\s+\w{12}\s+\*\s+published\s+1\s+no\s+Đổi cửa ra máy bay/);

    const fired = await run(
      dutyA,
      'fire',
      '--template',
      'gate-change',
      '--zone',
      'cat-bi-airport/arrivals-hall',
      '--for',
      '30m',
      '--json',
    );
    expect(fired.code).toBe(0);
    const view = JSON.parse(fired.out);
    expect(view).toMatchObject({ state: 'live', targeted: 2, expiresAt: '2026-11-26T02:30:00.000Z' });
    const entryId = `ann-${view.id}`;
    expect(await ctx.announcementEntries(SCREENS.arrivals1)).toEqual([entryId]);

    await receipt(SCREENS.arrivals1, entryId, 1);
    // Follow: the first line says 1 of 2; the second screen's receipt arrives while it watches.
    const captured = io(dutyA);
    const following = runCli(['announce', 'status', view.id, '--follow'], captured);
    await expect.poll(() => captured.err.join('')).toContain('shown on 1 of 2 screens');
    await receipt(SCREENS.arrivals2, entryId, 2);
    expect(await following).toBe(0);
    expect(captured.err.join('')).toContain('shown on 2 of 2 screens (live)');
    const table = captured.out.join('');
    expect(table).toContain(`${view.id} live: shown on 2 of 2 screens`);
    expect(table).toMatch(
      new RegExp(
        `${SCREENS.arrivals1}\\s+cat-bi-airport\\s+arrivals-hall\\s+2026-11-26T02:00:02.000Z\\s+2.5s\\s+vi\\s+cccccccccccccccc`,
      ),
    );

    const listed = await run(dutyA, 'list', '--state', 'live');
    expect(listed.out).toMatch(
      new RegExp(`${view.id}\\s+live\\s+cat-bi-airport/arrivals-hall\\s+2/2\\s+duty.lan`),
    );
    expect((await run(dutyB, 'cancel', view.id)).out).toBe(`${view.id} cancelled\n`);
    expect(await ctx.announcementEntries(SCREENS.arrivals1)).toEqual([]);
  });

  it('sends a free text that only another person can approve', async () => {
    const sent = await run(
      dutyA,
      'send',
      '--gate',
      'cat-bi-airport',
      '--text',
      'vi=Chú ý: sảnh đến tạm đóng',
      '--text',
      'en=Arrivals hall closed',
      '--json',
    );
    expect(sent.code).toBe(0);
    const { id } = JSON.parse(sent.out);
    const self = await run(dutyA, 'approve', id, '--comment', 'ok');
    expect(self.code).toBe(1);
    expect(self.err).toContain('two-person rule');
    const approved = await run(dutyB, 'approve', id, '--comment', 'confirmed');
    expect(approved.out).toBe(`${id} live on 3 screens\n`);
    const status = await run(dutyA, 'status', id, '--json');
    expect(JSON.parse(status.out)).toMatchObject({ targeted: 3, shown: 0 });
  });

  it('sends a CAP alert from a file and says what became of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatecast-cap-'));
    try {
      const file = join(dir, 'alert.xml');
      writeFileSync(
        file,
        `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>VN-HP-CLI-1</identifier><sender>kttv@example.vn</sender>
  <sent>2026-11-26T09:00:00+07:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>vi-VN</language><category>Met</category><event>Mưa lớn</event>
    <urgency>Expected</urgency><severity>Moderate</severity><certainty>Likely</certainty>
    <description>Mưa lớn chiều nay; xin mang theo áo mưa.</description>
    <area><areaDesc>cat-bi-airport</areaDesc></area></info>
</alert>`,
      );
      const sent = await run(dutyA, 'cap', file, '--json');
      expect(sent.code, sent.err).toBe(0);
      expect(JSON.parse(sent.out)).toMatchObject({
        outcome: 'awaiting-approval',
        announcements: [
          {
            targets: { gates: ['cat-bi-airport'] },
            body: { vi: 'Mưa lớn chiều nay; xin mang theo áo mưa.' },
          },
        ],
      });
      writeFileSync(file, '<alert>not cap</alert>');
      const refused = await run(dutyA, 'cap', file);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/^gatecast: BAD_REQUEST: not a CAP 1.2 alert gatecast accepts: /);
      const missing = await run(dutyA, 'cap', join(dir, 'nothing.xml'));
      expect(missing).toMatchObject({ code: 2, err: expect.stringContaining('cannot read') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what is wrong with the flags in one line', async () => {
    const cases: Array<[string[], string]> = [
      [['send', '--text', 'vi=x'], 'say where: --gate G, --zone G/Z'],
      [['send', '--gate', 'g'], 'give the text with --text'],
      [['send', '--gate', 'g', '--text', 'Xin chào'], '--text takes lang=text'],
      [['fire', '--template', 't', '--zone', 'cat-bi'], '--zone must be gate/zone'],
      [['fire', '--template', 't', '--all', '--for', 'soon'], '--for takes a duration'],
      [['fire', '--template', 't', '--all', '--for', '1h', '--expires', '2026-11-26T05:00:00Z'], 'not both'],
    ];
    for (const [argv, message] of cases) {
      const answer = await run(dutyA, ...argv);
      expect(answer.code, argv.join(' ')).toBe(2);
      expect(answer.err).toContain(message);
    }
  });
});
