import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/program.js';
import { startContentApp, type ContentApp } from './content-app.js';

/** The `gatecast` content commands against the content API listening on a real port. */
describe('content commands', () => {
  let h: ContentApp;
  let url: string;
  let editor: { id: string; token: string };
  let approver: { id: string; token: string };

  beforeEach(async () => {
    h = await startContentApp();
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    editor = await h.addUser('lan.editor', [{ role: 'editor', gateId: 'cat-bi-airport' }]);
    approver = await h.addUser('minh.approver', [{ role: 'approver', gateId: 'cat-bi-airport' }]);
    await h.screen('cat-bi-arr-01');
  });
  afterEach(() => h.close());

  async function cli(token: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: CliIo = {
      stdout: (text) => void (out += text),
      stderr: (text) => void (err += text),
      env: {},
      cwd: process.cwd(),
    };
    const code = await runCli(['--url', url, '--token', token, ...args], io);
    return { code, out, err };
  }

  const id = async (token: string, ...args: string[]) => {
    const result = await cli(token, ...args, '--json');
    expect(result.code, result.err).toBe(0);
    return JSON.parse(result.out).id as string;
  };

  it('adds and edits a web page with --web-url (the global --url names the fleet manager)', async () => {
    h.allowLists.set('cat-bi-airport', ['https://www.haiphong.gov.vn']);
    const item = await id(
      editor.token,
      'content',
      'add-web',
      '--gate',
      'cat-bi-airport',
      '--name',
      'City news',
      '--web-url',
      'https://www.haiphong.gov.vn/tin-tuc',
    );
    const edited = await cli(
      editor.token,
      'content',
      'edit',
      item,
      '--web-url',
      'https://www.haiphong.gov.vn/',
    );
    expect(edited.code, edited.err).toBe(0);
    const work = (await h.as(editor.token, 'GET', `/api/v1/content/${item}`)).body;
    expect(work.work.spec).toMatchObject({ kind: 'web', url: 'https://www.haiphong.gov.vn/' });
  });

  it('takes a night schedule from draft to the preview table, in local time', async () => {
    const item = await id(
      editor.token,
      'content',
      'add-text',
      '--gate',
      'cat-bi-airport',
      '--name',
      'Night service',
      '--text',
      'vi=Cửa khẩu làm việc ban đêm',
      '--text',
      'en=Night service',
      '--duration',
      '3600',
    );
    const playlist = await id(
      editor.token,
      'playlists',
      'add',
      '--gate',
      'cat-bi-airport',
      '--name',
      'Night',
      '--item',
      item,
    );
    const schedule = await id(
      editor.token,
      'schedules',
      'add',
      '--gate',
      'cat-bi-airport',
      '--name',
      'Overnight',
      '--playlist',
      playlist,
      '--layer',
      'official',
      '--window',
      '22:00-06:00',
    );
    for (const work of [item, playlist, schedule]) {
      expect((await cli(editor.token, 'content', 'submit', work)).out).toBe(
        `${work.startsWith('i-') ? 'item' : work.startsWith('p-') ? 'playlist' : 'schedule'} ${work} is now submitted (revision 1)\n`,
      );
    }

    const queue = await cli(approver.token, 'approvals');
    expect(queue.out.split('\n')[0]).toMatch(/^TO\s+ID\s+TYPE\s+GATE\s+NAME\s+REV\s+AUTHOR\s+CHANGED$/);
    expect(queue.out).toMatch(
      new RegExp(`review\\s+${item}\\s+item:text\\s+cat-bi-airport\\s+Night service\\s+1\\s+lan.editor`),
    );

    const noComment = await cli(approver.token, 'content', 'approve', item);
    expect(noComment.code).toBe(2);
    for (const work of [item, playlist, schedule]) {
      expect((await cli(approver.token, 'content', 'approve', work, '--comment', 'Checked')).code).toBe(0);
      expect((await cli(approver.token, 'content', 'publish', work)).code).toBe(0);
    }
    expect((await cli(approver.token, 'approvals')).out).toBe('nothing waits for you\n');

    // 21:00 to 07:00 local (UTC+7): the welcome text, then the night schedule, then welcome again.
    const preview = await cli(
      editor.token,
      'preview',
      'cat-bi-arr-01',
      '--at',
      '2026-11-26T21:00:00+07:00',
      '--hours',
      '10',
    );
    expect(preview.code, preview.err).toBe(0);
    const lines = preview.out.trim().split('\n');
    expect(lines[0]).toBe(
      'cat-bi-arr-01 (desired v2, layout full), 2026-11-26 21:00 → 2026-11-27 07:00 Asia/Ho_Chi_Minh',
    );
    expect(lines[1]).toMatch(/^ZONE\s+FROM\s+TO\s+LAYER\s+ENTRY\s+ITEM\s+KIND\s+SHOWS$/);
    expect(lines.slice(2).find((line) => line.includes(item))).toMatch(
      new RegExp(
        `^main\\s+2026-11-26 22:00\\s+2026-11-27 06:00\\s+official\\s+${schedule}\\s+${item}\\s+text\\s+Cửa khẩu làm việc ban đêm$`,
      ),
    );
  });

  it('prints one-line errors with an exit code, never a stack trace', async () => {
    const bad = await cli(
      editor.token,
      'schedules',
      'add',
      '--gate',
      'cat-bi-airport',
      '--name',
      'x',
      '--playlist',
      'p-1',
      '--window',
      '10-12',
    );
    expect([bad.code, bad.err]).toEqual([
      2,
      'gatecast: --window takes HH:MM-HH:MM, e.g. 22:00-06:00; got 10-12\n',
    ]);
    const owner = await cli(editor.token, 'content', 'add-text', '--name', 'x', '--text', 'vi=Chào');
    expect([owner.code, owner.err]).toEqual([2, 'gatecast: name the owner: --gate GATE or --fleet\n']);
    const missing = await cli(editor.token, 'content', 'show', 'i-00000000');
    expect([missing.code, missing.err]).toEqual([1, 'gatecast: NOT_FOUND: no content i-00000000\n']);
  });

  it('sets and lists layouts', async () => {
    const admin = await h.addUser('admin', [{ role: 'admin', gateId: null }]);
    const set = await cli(
      admin.token,
      'layouts',
      'set',
      '--gate',
      'cat-bi-airport',
      '--zone',
      'arrivals-hall',
      '--kind',
      'main-ticker',
    );
    expect(set.out).toBe('layout main-ticker set for zone cat-bi-airport/arrivals-hall\n');
    const list = await cli(admin.token, 'layouts', 'list');
    expect(list.out.split('\n')[1]).toMatch(
      /^cat-bi-airport\s+arrivals-hall\s+\*\s+main-ticker\s+landscape\s+fade$/,
    );
    expect((await h.harness.desired.latest('cat-bi-arr-01'))?.content.layout.kind).toBe('main-ticker');
  });
});
