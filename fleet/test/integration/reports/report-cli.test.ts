import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/program.js';
import { enrol } from '../store/fixtures.js';
import { makeTempDir, removeDir } from '../store/temp-store.js';
import { startReportsApp, type ReportsApp } from './reports-app.js';

describe('gatecast report (CLI against a listening fleet API)', () => {
  let ctx: ReportsApp;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    ctx = await startReportsApp();
    dir = makeTempDir();
    const token = await ctx.addUser('admin', [{ role: 'admin', gateId: null }]);
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = ctx.app.server.address() as AddressInfo;
    env = { GATECAST_URL: `http://127.0.0.1:${port}`, GATECAST_TOKEN: token, HOME: dir };
    await enrol(ctx.devices, 'cat-bi-arr-01');
    const plays = [
      ['2026-11-20T01:00:00.000Z', 'chào-mừng', 'vi'],
      ['2026-11-20T01:00:08.000Z', 'chào-mừng', 'en'],
      ['2026-11-20T01:00:16.000Z', 'chào-mừng', 'vi'],
    ] as const;
    for (const [index, [startedAt, itemId, language]] of plays.entries()) {
      await ctx.deviceEvents.save(
        'cat-bi-arr-01',
        {
          id: `play-cli-${index}`,
          at: startedAt,
          kind: 'proof-of-play',
          itemId,
          zone: 'main',
          language,
          startedAt,
          durationMs: 8000,
        },
        startedAt,
      );
    }
  });

  afterEach(async () => {
    await ctx.close();
    removeDir(dir);
  });

  function io(): CliIo & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      env,
      cwd: dir,
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
    };
  }

  it('prints plays as a table, as JSON and writes CSV', async () => {
    const range = ['--gate', 'cat-bi-airport', '--from', '2026-11-01', '--to', '2026-11-30'];
    const table = io();
    expect(await runCli(['report', 'plays', ...range, '--by', 'item,language'], table)).toBe(0);
    const lines = table.out.join('').trim().split('\n');
    expect(lines[0]).toMatch(/^ITEM\s+LANGUAGE\s+PLAYS\s+SECONDS\s+AVG\s+FIRST\s+LAST$/);
    expect(lines[1]).toMatch(/^chào-mừng\s+en\s+1\s+8\s+8\s/);
    expect(lines[2]).toMatch(/^chào-mừng\s+vi\s+2\s+16\s+8\s/);
    expect(lines[3]).toContain('total: 3 plays, 24 s');

    const json = io();
    expect(await runCli(['report', 'plays', ...range, '--json'], json)).toBe(0);
    expect(JSON.parse(json.out.join(''))).toMatchObject({
      by: ['item'],
      rows: [{ item: 'chào-mừng', plays: 3 }],
    });

    const csv = io();
    expect(await runCli(['report', 'plays', ...range, '--by', 'language', '--csv', 'plays.csv'], csv)).toBe(
      0,
    );
    const written = readFileSync(join(dir, 'plays.csv'), 'utf8');
    expect(written.startsWith('\uFEFFlanguage,plays,')).toBe(true);
    expect(written).toContain('\r\nvi,2,16,8,');
    expect(csv.out.join('')).toBe(`2 rows written to ${join(dir, 'plays.csv')}\n`);
  });

  it('writes the yearly report to a file', async () => {
    const run = io();
    expect(
      await runCli(
        ['report', 'yearly', '--gate', 'cat-bi-airport', '--year', '2026', '--out', 'y.html'],
        run,
      ),
    ).toBe(0);
    const html = readFileSync(join(dir, 'y.html'), 'utf8');
    expect(html).toContain('Cat Bi International Airport');
    expect(html).toMatch(/data-field="total-plays">3</);
    expect(run.err.join('')).toContain('building the 2026 report for cat-bi-airport');
    expect(run.out.join('')).toContain(`written to ${join(dir, 'y.html')}`);
  });

  it('fails in one line with an exit code, and writes nothing', async () => {
    const badYear = io();
    expect(await runCli(['report', 'yearly', '--gate', 'cat-bi-airport', '--year', 'last'], badYear)).toBe(2);
    expect(badYear.err.join('')).toBe('gatecast: --year must be a year such as 2026, not last\n');
    const unknown = io();
    expect(
      await runCli(['report', 'yearly', '--gate', 'da-nang', '--year', '2026', '--out', 'x.html'], unknown),
    ).toBe(1);
    expect(unknown.err.join('')).toContain('gatecast: NOT_FOUND: gate da-nang does not exist\n');
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
    const badRange = io();
    expect(
      await runCli(
        ['report', 'plays', '--from', '2026-11-30', '--to', '2026-11-01', '--csv', 'p.csv'],
        badRange,
      ),
    ).toBe(1);
    expect(badRange.err.join('')).toMatch(/^gatecast: BAD_REQUEST: the period is empty/);
    expect(existsSync(join(dir, 'p.csv'))).toBe(false);
  });
});
