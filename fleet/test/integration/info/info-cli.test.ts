import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/program.js';
import { eventually } from '../devices/fleet-harness.js';
import { startInfoApp, type InfoApp } from './info-app.js';

/** The `gatecast info` and `gatecast devices profile` commands against the API on a real port. */
describe('info commands', () => {
  let h: InfoApp;
  let url: string;
  let editor: { id: string; token: string };
  let approver: { id: string; token: string };
  let admin: { id: string; token: string };

  beforeEach(async () => {
    h = await startInfoApp();
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    editor = await h.addUser('lan.editor', [{ role: 'editor', gateId: 'cat-bi-airport' }]);
    approver = await h.addUser('minh.approver', [{ role: 'approver', gateId: 'cat-bi-airport' }]);
    admin = await h.addUser('root', [{ role: 'admin', gateId: null }]);
  });
  afterEach(() => h.close());

  async function cli(token: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: CliIo = {
      stdout: (text) => void (out += text),
      stderr: (text) => void (err += text),
      env: {},
      cwd: h.harness.store.dir,
    };
    const code = await runCli(['--url', url, '--token', token, ...args], io);
    return { code, out, err };
  }

  it('writes, approves and publishes a page to a lookup screen, and shows the bundle', async () => {
    const screen = await h.screen('cat-bi-kiosk-01');
    const set = await cli(admin.token, 'devices', 'profile', 'cat-bi-kiosk-01', 'lookup');
    expect(set.code, set.err).toBe(0);
    expect(set.out).toBe('cat-bi-kiosk-01 is now a lookup screen; its document was recomposed\n');
    const shown = await cli(admin.token, 'devices', 'profile', 'cat-bi-kiosk-01', '--json');
    expect(JSON.parse(shown.out)).toEqual({ deviceId: 'cat-bi-kiosk-01', profile: 'lookup' });

    const category = await cli(
      editor.token,
      'info',
      'add',
      '--gate',
      'cat-bi-airport',
      '--kind',
      'category',
      '--id',
      'help',
      '--title',
      'vi=Trợ giúp',
      '--title',
      'en=Help',
    );
    expect(category.code, category.err).toBe(0);
    expect(category.out).toContain('created category help (draft)');
    expect(category.err).toContain('missing translations: zh-Hans, lo, km, ko, ja, ru');

    writeFileSync(
      join(h.harness.store.dir, 'blocks.json'),
      JSON.stringify([
        { type: 'heading', text: { vi: 'Số khẩn cấp', en: 'Emergency numbers' } },
        { type: 'table', rows: [[{ vi: 'Công an', en: 'Police' }, { und: '113' }]] },
      ]),
    );
    const page = await cli(
      editor.token,
      'info',
      'add',
      '--gate',
      'cat-bi-airport',
      '--parent',
      'help',
      '--id',
      'numbers',
      '--title',
      'vi=Số điện thoại',
      '--title',
      'en=Phone numbers',
      '--blocks-file',
      'blocks.json',
      '--json',
    );
    expect(page.code, page.err).toBe(0);
    expect(JSON.parse(page.out)).toMatchObject({ id: 'numbers', parentId: 'help', state: 'draft' });

    for (const id of ['help', 'numbers']) {
      expect((await cli(editor.token, 'info', 'submit', id)).code).toBe(0);
      const review = await cli(approver.token, 'info', 'approve', id, '--comment', 'Checked');
      expect(review.code, review.err).toBe(0);
      expect((await cli(approver.token, 'info', 'publish', id)).code).toBe(0);
    }
    // The category went out alone first (version 1), then with its page (version 2).
    await eventually(() => expect(screen.latest()?.content.infoTree?.version).toBe(2));

    const list = await cli(editor.token, 'info', 'list', '--gate', 'cat-bi-airport');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/help\s+cat-bi-airport\s+category\s+Help\s+published\s+1\s+yes/);
    expect(list.out).toMatch(/numbers\s+cat-bi-airport\s+page\s+ {2}Phone numbers\s+published/);

    const bundle = await cli(editor.token, 'info', 'bundle', '--gate', 'cat-bi-airport');
    expect(bundle.code, bundle.err).toBe(0);
    expect(bundle.out).toContain('gate cat-bi-airport: version 2, 2 nodes, 0 pictures');

    const edit = await cli(admin.token, 'info', 'edit', 'numbers', '--title', 'ko=전화번호');
    expect(edit.code, edit.err).toBe(0);
    const after = await cli(editor.token, 'info', 'show', 'numbers');
    expect(JSON.parse(after.out)).toMatchObject({
      state: 'draft',
      revision: 2,
      title: { ko: '전화번호', en: 'Phone numbers' },
    });
  });

  it('fails in one line with the API reason and a usage exit code for bad input', async () => {
    const own = await cli(
      editor.token,
      'info',
      'add',
      '--gate',
      'cat-bi-airport',
      '--id',
      'mine',
      '--title',
      'en=Mine',
    );
    expect(own.code).toBe(0);
    expect((await cli(editor.token, 'info', 'submit', 'mine')).code).toBe(0);
    const self = await cli(editor.token, 'info', 'approve', 'mine', '--comment', 'ok');
    expect(self.code).not.toBe(0);
    expect(self.err.trim().split('\n')).toHaveLength(1);
    expect(self.err).toContain('content.approve');

    const noOwner = await cli(editor.token, 'info', 'add', '--title', 'en=x');
    expect(noOwner.code).toBe(2);
    expect(noOwner.err).toContain('--gate GATE or --fleet');

    const badProfile = await cli(admin.token, 'devices', 'profile', 'x-screen', 'kiosk');
    expect(badProfile.code).toBe(2);

    const seeded = await cli(admin.token, 'info', 'seed-sample', '--gate', 'hai-phong-port');
    expect(seeded.code, seeded.err).toBe(0);
    expect(seeded.out).toMatch(/^seeded \d+ sample nodes at hai-phong-port/);
    const twice = await cli(admin.token, 'info', 'seed-sample', '--gate', 'hai-phong-port');
    expect(twice.code).not.toBe(0);
    expect(twice.err).toContain('already has an information tree');
  });
});
